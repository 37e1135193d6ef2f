"""Events: the capacity rule and its waiting list through the services, one registration per
person, only organisers edit or cancel, bad input refused, and the line after a merge of two
copies of the event that took registrations while apart (docs/dialogue.md, Events)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from node.acting import Acting
from node.errors import Invalid, PermissionDenied
from node.events.forms import CancelForm, EventForm, RegistrationForm
from node.events.service import cancel_event, edit_event, plan_event, register, unregister
from node.events.views import EventView, get_event
from node.places import PlaceForm, RoomForm, open_place, save_room
from node.projection.events import events_of, list_events, organisers_for
from sync.automerge import ROOT, ObjType
from tests.clock import Clock
from tests.node.residents import Town, carry, open_town

NOW = datetime(2031, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock(town: Town) -> Clock:
    return Clock(town.node, NOW)


def evening(organiser: str, **fields: object) -> EventForm:
    values: dict[str, object] = {
        "title": "Repair Café in de bieb",
        "description": "Neem kapotte spullen mee.",
        "organiser": organiser,
        "starts": "2031-03-05T19:00",
        "ends": "2031-03-05T21:30",
        "location": "Bibliotheek Wezep, Kerkstraat 1",
        "capacity": "3",
    }
    values.update(fields)
    return EventForm(**values)  # type: ignore[arg-type]


class World:
    """Anna's initiative plans an evening for three; Bert, Cora and Dirk register."""

    def __init__(self, town: Town, clock: Clock) -> None:
        self.town, self.clock = town, clock
        self.anna = town.resident("Anna")
        self.bert = town.resident("Bert")
        self.cora = town.resident("Cora")
        self.dirk = town.resident("Dirk")
        self.initiative = town.initiative(self.anna)
        self.event = str(town.act(plan_event, self.anna, evening(self.initiative)))

    def register(self, who: Acting, guests: int = 0, on: Town | None = None) -> None:
        self.clock.tick()
        (on or self.town).act(register, who, self.event, RegistrationForm(guests=guests))

    def view(self, viewer: Acting | None = None, on: Town | None = None) -> EventView:
        town = on or self.town
        return town.read(get_event, self.event, viewer.person_id if viewer else None)  # type: ignore[no-any-return]


@pytest.fixture
def world(town: Town, clock: Clock) -> World:
    return World(town, clock)


def line(view: EventView) -> list[tuple[str, bool]]:
    return [(seat.display_name, seat.waiting) for seat in view.seats]


def test_a_full_event_keeps_a_waiting_list_in_order(world: World, town: Town) -> None:
    world.register(world.bert, guests=1)
    world.register(world.cora)
    world.register(world.dirk)
    organiser = world.view(world.anna)
    assert line(organiser) == [("Bert", False), ("Cora", False), ("Dirk", True)]
    assert (organiser.seats_taken, organiser.seats_left, organiser.registered) == (3, 0, 2)
    assert organiser.waiting == 1
    dirk = world.view(world.dirk)
    assert dirk.my_seat is not None and dirk.my_seat.waiting_position == 1
    assert dirk.seats == []  # names are for the organisers
    assert [(e.people, e.waiting) for e in dirk.line] == [(2, False), (1, False), (1, True)]
    row = town.query(list_events, NOW).items[0]
    assert (row.registration_count, row.seats_taken, row.waiting_count) == (2, 3, 1)
    assert [e.id for e in town.query(events_of, world.initiative, NOW)] == [world.event]


def test_nobody_overtakes_the_waiting_list_and_a_cancellation_moves_the_first_up(
    world: World,
) -> None:
    world.register(world.bert)
    world.register(world.cora, guests=2)  # 1 + 3 > 3: waits
    world.register(world.dirk)  # would fit, but Cora waits before him
    assert line(world.view(world.anna)) == [("Bert", False), ("Cora", True), ("Dirk", True)]
    world.town.act(unregister, world.bert, world.event)
    assert line(world.view(world.anna)) == [("Cora", False), ("Dirk", True)]
    world.town.act(unregister, world.bert, world.event)  # nothing to take back: no change
    world.town.act(unregister, world.cora, world.event)
    assert line(world.view(world.anna)) == [("Dirk", False)]


def test_one_registration_per_person_and_guests_within_bounds(world: World, town: Town) -> None:
    world.register(world.bert)
    first = world.view(world.bert).my_seat
    before = town.stored(world.event)
    world.register(world.bert)  # a double tap
    assert town.stored(world.event) == before
    world.register(world.bert, guests=2)  # changes the guests, keeps the place in line
    seats = world.view(world.anna).seats
    assert len(seats) == 1 and seats[0].guests == 2 and first is not None
    assert seats[0].at == first.at
    for guests in (10, -1):
        error = town.unchanged(
            world.event,
            lambda g=guests: town.act(
                register, world.bert, world.event, RegistrationForm(guests=g)
            ),
            Invalid,
        )
        assert "Aantal gasten" in str(error)


def test_only_organisers_plan_edit_and_cancel(world: World, town: Town, clock: Clock) -> None:
    with pytest.raises(PermissionDenied):
        town.act(plan_event, world.bert, evening(world.initiative))
    town.unchanged(
        world.event,
        lambda: town.act(edit_event, world.bert, world.event, evening(world.initiative)),
        PermissionDenied,
    )
    town.unchanged(
        world.event,
        lambda: town.act(cancel_event, world.bert, world.event, CancelForm(reason="Nee")),
        PermissionDenied,
    )
    town.act(edit_event, world.anna, world.event, evening(world.initiative, capacity="1"))
    world.register(world.bert)
    world.register(world.cora)
    assert line(world.view(world.anna)) == [("Bert", False), ("Cora", True)]
    town.act(cancel_event, world.anna, world.event, CancelForm(reason="De bieb is dicht."))
    view = world.view()
    assert view.cancelled and view.cancel_reason == "De bieb is dicht."
    error = town.unchanged(
        world.event,
        lambda: town.act(register, world.dirk, world.event, RegistrationForm()),
        Invalid,
    )
    assert "afgelast" in str(error)
    assert town.query(list_events, NOW).items[0].cancelled
    assert [o.id for o in town.query(organisers_for, world.anna.person_id)] == [world.initiative]


def test_a_registration_in_someone_elses_name_counts_nowhere(world: World, town: Town) -> None:
    def forged(tx, _doc):  # type: ignore[no-untyped-def]  # Bert registers Cora, past the services
        entry = tx.put_object(tx.get(ROOT, "registrations"), world.cora.person_id, ObjType.MAP)
        tx.put(entry, "at", NOW)
        tx.put(entry, "guests", 0)

    town.node.documents.change(world.event, world.bert.author, "aangemeld", forged)
    assert world.view(world.anna).seats == []

    def take_over(tx, _doc):  # type: ignore[no-untyped-def]  # Bert edits the title
        tx.put(ROOT, "title", "Van Bert")

    town.node.documents.change(world.event, world.bert.author, "titel", take_over)
    assert world.view().title == "Repair Café in de bieb"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"ends": "2031-03-05T18:00"}, "ends", "eindigt na het begin"),
        ({"ends": "2031-03-25T18:00"}, "ends", "twee weken"),
        ({"starts": "gisteren"}, "starts", "geef een datum en uur"),
        ({"starts": "2031-02-01T19:00", "ends": "2031-02-01T20:00"}, "starts", "toekomst"),
        ({"capacity": "0"}, "capacity", "Aantal plaatsen"),
        ({"capacity": "-4"}, "capacity", "Aantal plaatsen"),
        ({"location": ""}, "location", "Zeg waar het is"),
        ({"title": " "}, "title", "titel"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Tijdzone"),
    ],
)
def test_bad_event_input_is_refused_with_the_reason(
    world: World, town: Town, fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(Invalid) as refused:
        town.act(plan_event, world.anna, evening(world.initiative, **fields))
    assert refused.value.field == field and message in str(refused.value)


def test_an_event_in_a_room_names_it_and_fits_in_it(world: World, town: Town) -> None:
    place = town.act(
        open_place, world.anna, PlaceForm(name="Dorpshuis De Brink", address="Brink 4")
    )
    room = town.act(save_room, world.anna, place, RoomForm(name="Grote zaal", capacity="30"))
    too_many = evening(world.initiative, location="", venue=f"{place}/{room}", capacity="40")
    with pytest.raises(Invalid) as refused:
        town.act(plan_event, world.anna, too_many)
    assert "hoogstens 30" in str(refused.value)
    both = evening(world.initiative, venue=f"{place}/{room}")
    with pytest.raises(Invalid, match="niet allebei"):
        town.act(plan_event, world.anna, both)
    made = town.act(
        plan_event, world.anna, evening(world.initiative, location="", venue=f"{place}/{room}")
    )
    view = town.read(get_event, made)
    assert (view.place_id, view.room_id, view.place_known) == (place, room, True)
    assert view.where() == "Grote zaal, Dorpshuis De Brink, Brink 4"


def test_the_last_seats_taken_apart_line_up_the_same_after_the_merge(
    world: World, town: Town, tmp_path: Path, clock: Clock
) -> None:
    """Both nodes hold the event for three; while apart, two residents here and two there
    register; after they meet, both copies show one line by registration time, those beyond
    the capacity waiting; when one cancels, the first waiting moves up on both."""
    other = Town(open_town(tmp_path / "other"))
    try:
        other.node.clock = clock.now
        carry(town, other, world.event)
        carry(town, other, world.initiative)
        eva, fred = other.resident("Eva"), other.resident("Fred")
        world.register(eva, on=other)  # T+1
        world.register(world.bert, guests=1)  # T+2, two seats
        world.register(fred, on=other)  # T+3: the last seat, as Brakel sees it apart
        world.register(world.cora)  # T+4: the last seat, as this node sees it apart
        assert line(world.view(world.anna)) == [("Bert", False), ("Cora", False)]
        for profile in (eva.person_id, fred.person_id):
            carry(other, town, profile)
        carry(other, town, world.event)
        carry(town, other, world.event)
        expected = [("Eva", False), ("Bert", False), ("Fred", True), ("Cora", True)]
        assert line(world.view(world.anna)) == expected
        assert [(e.position, e.waiting) for e in world.view(on=other).line] == [
            (1, False), (2, False), (3, True), (4, True),
        ]  # fmt: skip
        assert world.view(fred, on=other).my_seat.waiting_position == 1  # type: ignore[union-attr]
        assert town.query(list_events, NOW).items[0].waiting_count == 2
        assert other.query(list_events, NOW).items[0].waiting_count == 2
        other.act(unregister, eva, world.event)
        carry(other, town, world.event)
        assert line(world.view(world.anna)) == [("Bert", False), ("Fred", False), ("Cora", True)]
    finally:
        asyncio.run(other.node.close())
