"""Places in the demo (zalenzoeker): a village hall in Wezep with two rooms, an Open Huis in
the Brugse Poort, and a give box without rooms. Their bookings show every state: confirmed, a
request waiting, one declined with a reason, and two requests for the same evening that clash,
so the rule of docs/practices.md §2 can be seen at work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..places import (
    BookingForm,
    DeclineForm,
    HostForm,
    PlaceForm,
    RoomForm,
    add_host,
    confirm_booking,
    decline_booking,
    open_place,
    request_booking,
    save_room,
)
from ..places.rules import LOCAL_TIME
from ..runtime import Node


def _at(days: int, hour: int, minute: int = 0) -> str:
    """A moment `days` from today at `hour`, local time, as a datetime-local field sends it."""
    day = datetime.now(UTC).astimezone(LOCAL_TIME).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


async def add_places(
    node: Node, session: AsyncSession, people: dict[str, Acting], initiatives: dict[str, str]
) -> list[str]:
    henk, anna, fatima = people["henk"], people["anna"], people["fatima"]
    brink = await open_place(
        node,
        session,
        henk,
        PlaceForm(
            name="Dorpshuis De Brink",
            kind="community_centre",
            about="Het dorpshuis van Wezep: hier zitten het Repair Café, het buurtkoor en de "
            "computerhulp. Verenigingen en buren huren er een zaal voor een vergadering, een "
            "cursus of een feest.",
            address="Brinkstraat 4, Wezep",
            village="Wezep",
            opening_hours="Maandag tot vrijdag 9 tot 22 uur\nZaterdag 10 tot 17 uur",
            step_free=True,
            accessible_toilet=True,
            hearing_loop=True,
            accessibility_note="De grote zaal is gelijkvloers; de vergaderkamer is op de eerste "
            "verdieping, met een lift.",
            facilities="keuken, koffie en thee, wifi, beamer, piano",
        ),
    )
    await add_host(node, session, henk, brink, HostForm(person=anna.person_id))
    hall = await save_room(
        node,
        session,
        henk,
        brink,
        RoomForm(
            name="Grote zaal",
            capacity=60,
            conditions="Stoelen en tafels zelf klaarzetten en weer opruimen. Sleutel bij de bar.",
            facilities="beamer, geluid, piano",
        ),
    )
    meeting = await save_room(
        node,
        session,
        henk,
        brink,
        RoomForm(
            name="Vergaderkamer",
            capacity=12,
            conditions="Geen eten in de vergaderkamer.",
            facilities="groot scherm, whiteboard",
        ),
    )
    repair = await request_booking(
        node,
        session,
        henk,
        brink,
        BookingForm(
            room=hall,
            start=_at(9, 13),
            end=_at(9, 17),
            purpose="Repair Café",
            people=40,
            initiative=initiatives["repair_cafe"],
        ),
    )
    await confirm_booking(node, session, anna, brink, repair)
    await request_booking(
        node,
        session,
        people["marieke"],
        brink,
        BookingForm(
            room=hall,
            start=_at(4, 19, 30),
            end=_at(4, 21, 30),
            purpose="Repetitie van het buurtkoor",
            people=25,
            initiative=initiatives["choir"],
        ),
    )
    # two requests for the same evening in the same room: the earlier one goes first
    await request_booking(
        node,
        session,
        people["mohamed"],
        brink,
        BookingForm(
            room=meeting,
            start=_at(6, 19),
            end=_at(6, 21),
            purpose="Computerhulp voor ouderen",
            people=8,
            initiative=initiatives["desk"],
        ),
    )
    await request_booking(
        node,
        session,
        people["pieter"],
        brink,
        BookingForm(
            room=meeting,
            start=_at(6, 20),
            end=_at(6, 22),
            purpose="Bestuursvergadering volkstuinvereniging",
            people=7,
        ),
    )
    declined = await request_booking(
        node,
        session,
        people["jan"],
        brink,
        BookingForm(room=hall, start=_at(12, 9), end=_at(12, 17), purpose="Verjaardag", people=50),
    )
    await decline_booking(
        node,
        session,
        henk,
        brink,
        declined,
        DeclineForm(reason="Die zaterdag is de grote zaal dicht voor onderhoud."),
    )

    open_house = await open_place(
        node,
        session,
        fatima,
        PlaceForm(
            name="Open Huis Brugse Poort",
            kind="open_house",
            about="Een huiskamer voor de buurt: binnenlopen voor koffie, een praatje of hulp "
            "met papieren. Buren mogen de huiskamer gebruiken voor een activiteit.",
            address="Phoenixstraat 20, Gent",
            village="Gent",
            neighbourhood="Brugse Poort",
            opening_hours="Dinsdag en donderdag 10 tot 16 uur",
            step_free=True,
            accessibility_note="Toilet niet aangepast.",
            facilities="koffie en thee, kinderhoek",
        ),
    )
    living_room = await save_room(
        node,
        session,
        fatima,
        open_house,
        RoomForm(name="Huiskamer", capacity=20, conditions="Gratis voor buurtactiviteiten."),
    )
    party = await request_booking(
        node,
        session,
        people["els"],
        open_house,
        BookingForm(
            room=living_room,
            start=_at(5, 19),
            end=_at(5, 21),
            purpose="Overleg straatfeest",
            people=12,
            initiative=initiatives["street_party"],
        ),
    )
    await confirm_booking(node, session, fatima, open_house, party)
    await request_booking(
        node,
        session,
        people["anna"],
        open_house,
        BookingForm(
            room=living_room, start=_at(11, 14), end=_at(11, 16), purpose="Taalcafé", people=10
        ),
    )

    give_box = await open_place(
        node,
        session,
        people["sanne"],
        PlaceForm(
            name="Weggeefkast bij de bibliotheek",
            kind="give_box",
            about="Breng wat u niet meer gebruikt, neem mee wat u kunt gebruiken.",
            address="Stationsweg 1, Wezep",
            village="Wezep",
            opening_hours="Altijd open",
            step_free=True,
        ),
    )
    return [brink, open_house, give_box]
