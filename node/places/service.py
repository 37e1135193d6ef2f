"""Places and their rooms ("zalenzoeker"): anyone opens a place and keeps it with the hosts they
add; residents request a room for a time; hosts confirm or decline; the requester may cancel.

Every action is one Automerge change to the place's document, checked here against `rules.py`
under the document's lock (docs/practices.md §2). Each booking is its own entry, keyed by a new
item id, in the `bookings` map the place was made with, so requests written on two nodes while
apart both survive the merge; their conflict is judged again where the document is read
(views.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new, replace_list, set_place, set_text
from ..errors import Invalid, NotFound, PermissionDenied
from ..fields import (
    LONG_TEXT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    choice,
    clean_list,
    clean_place,
    clean_text,
    document_id,
    item_id,
    whole_number,
)
from ..ids import new_item_id
from ..phrases import N_, Phrase
from ..service import change_document, create_document, read_document
from . import rules
from .forms import BookingForm, DeclineForm, HostForm, PlaceForm, RoomForm

if TYPE_CHECKING:
    from ..runtime import Node

MAX_ROOMS = 50
MAX_FACILITIES = 30
MAX_CAPACITY = 10_000
ADDRESS_TEXT = 200
FACILITY_TEXT = 100


def _flag(value: bool | str) -> bool:
    """A checkbox sends "on" when ticked and nothing when not; JSON sends a boolean."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("on", "true", "1", "yes", "ja")


def _facilities(value: list[str] | str) -> list[str]:
    return clean_list(
        "facilities",
        value,
        label=N_("Voorzieningen"),
        max_items=MAX_FACILITIES,
        max_len=FACILITY_TEXT,
    )


def _place_values(form: PlaceForm) -> dict[str, Any]:
    return {
        "name": clean_text(
            "name", form.name, label=N_("De naam"), max_len=SHORT_TEXT, required=True
        ),
        "kind": choice("kind", form.kind, rules.KINDS, label=N_("Soort plek")),
        "about": clean_text(
            "about", form.about, label=N_("De beschrijving"), max_len=LONG_TEXT, multiline=True
        ),
        "address": clean_text("address", form.address, label=N_("Het adres"), max_len=ADDRESS_TEXT),
        "place": clean_place(form.village, form.neighbourhood),
        "opening_hours": clean_text(
            "opening_hours",
            form.opening_hours,
            label=N_("De openingsuren"),
            max_len=MEDIUM_TEXT,
            multiline=True,
        ),
        "accessibility": {
            **{flag: _flag(getattr(form, flag)) for flag in rules.ACCESSIBILITY},
            "note": clean_text(
                "accessibility_note",
                form.accessibility_note,
                label=N_("De toelichting over toegankelijkheid"),
                max_len=MEDIUM_TEXT,
                multiline=True,
            ),
        },
        "facilities": _facilities(form.facilities),
    }


def _room_values(form: RoomForm) -> dict[str, Any]:
    return {
        "name": clean_text(
            "name", form.name, label=N_("De naam"), max_len=SHORT_TEXT, required=True
        ),
        "capacity": whole_number(
            "capacity", form.capacity, label=N_("Aantal plaatsen"), low=1, high=MAX_CAPACITY
        ),
        "conditions": clean_text(
            "conditions",
            form.conditions,
            label=N_("De voorwaarden"),
            max_len=MEDIUM_TEXT,
            multiline=True,
        ),
        "facilities": _facilities(form.facilities),
    }


def parse_moment(field: str, value: str, *, label: str) -> datetime:
    """A moment as a browser's datetime-local sends it (local time) or ISO 8601 with an offset;
    stored in UTC."""
    text = (value or "").strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        raise Invalid(
            field,
            N_("%(label)s: geef een datum en uur, bijvoorbeeld 2031-03-05 19:30."),
            label=Phrase(label),
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.LOCAL_TIME)
    return moment.astimezone(UTC).replace(microsecond=0)


def _require_host(content: dict[str, Any], person_id: str) -> None:
    if not rules.is_host(content, person_id):
        raise PermissionDenied(N_("Alleen wie deze plek beheert kan dit doen."))


def _room(content: dict[str, Any], room_id: str) -> dict[str, Any]:
    found = content.get("rooms", {}).get(room_id)
    if not isinstance(found, dict):
        raise NotFound(N_("zaal"))
    return found


def _booking(content: dict[str, Any], booking_id: str) -> dict[str, Any]:
    found = content.get("bookings", {}).get(booking_id)
    if not isinstance(found, dict):
        raise NotFound(N_("boeking"))
    return found


def _write_details(tx: Transaction, doc: Document, values: dict[str, Any]) -> None:
    """Make the place's details read `values`, writing only what differs."""
    for key in ("name", "kind", "address", "opening_hours"):
        put_new(tx, ROOT, key, values[key])
    set_text(tx, doc, ROOT, "about", values["about"])
    set_place(tx, ROOT, values["place"])
    access = tx.get(ROOT, "accessibility")
    if access is None:
        access = tx.put_object(ROOT, "accessibility", ObjType.MAP)
    for key, value in values["accessibility"].items():
        put_new(tx, access, key, value)
    facilities = tx.get(ROOT, "facilities")
    if facilities is None:
        facilities = tx.put_object(ROOT, "facilities", ObjType.LIST)
    replace_list(tx, facilities, values["facilities"])


async def open_place(
    node: Node, session: AsyncSession, acting: Acting | None, form: PlaceForm
) -> str:
    """A new place; whoever opens it is its first host. Its rooms and bookings maps are made
    here, never by a first writer (two nodes making them while apart would keep only one)."""
    me = require_login(acting)
    values = _place_values(form)

    def fill(tx: Transaction, doc: Document) -> None:
        _write_details(tx, doc, values)
        hosts = tx.put_object(ROOT, "hosts", ObjType.MAP)
        put_map(tx, hosts, me.person_id, {"since": node.clock()})
        tx.put_object(ROOT, "rooms", ObjType.MAP)
        tx.put_object(ROOT, "bookings", ObjType.MAP)

    message = f"Plek {values['name']} geopend"
    return await create_document(node, session, "place", me.author, message, fill)


async def edit_place(
    node: Node, session: AsyncSession, acting: Acting | None, place_id: str, form: PlaceForm
) -> None:
    me = require_login(acting)
    values = _place_values(form)
    await change_document(
        node,
        session,
        place_id,
        "place",
        me.author,
        f"Plek {values['name']} bijgewerkt",
        lambda tx, doc: _write_details(tx, doc, values),
        check=lambda content: _require_host(content, me.person_id),
    )


async def add_host(
    node: Node, session: AsyncSession, acting: Acting | None, place_id: str, form: HostForm
) -> None:
    """A host adds another person (known on this node) as host."""
    me = require_login(acting)
    person = document_id(form.person.strip(), N_("persoon"))
    try:
        await read_document(node, person, "person")
    except NotFound:
        raise Invalid("person", N_("Deze persoon is hier niet bekend.")) from None

    def edit(tx: Transaction, _doc: Document) -> None:
        hosts = tx.get(ROOT, "hosts")
        if tx.get(hosts, person) is None:
            put_map(tx, hosts, person, {"since": node.clock(), "added_by": me.person_id})

    await change_document(
        node,
        session,
        place_id,
        "place",
        me.author,
        "Beheerder toegevoegd",
        edit,
        check=lambda content: _require_host(content, me.person_id),
    )


async def save_room(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    place_id: str,
    form: RoomForm,
    room_id: str | None = None,
) -> str:
    """Add a room (room_id None) or change one; hosts only."""
    me = require_login(acting)
    values = _room_values(form)
    new = room_id is None
    room_key = new_item_id() if room_id is None else item_id(room_id, N_("zaal"))

    def check(content: dict[str, Any]) -> None:
        _require_host(content, me.person_id)
        if new and len(content.get("rooms", {})) >= MAX_ROOMS:
            raise Invalid("name", N_("Deze plek heeft al %(max)d zalen."), max=MAX_ROOMS)
        if not new:
            _room(content, room_key)

    def edit(tx: Transaction, _doc: Document) -> None:
        rooms = tx.get(ROOT, "rooms")
        if new:
            room = put_map(
                tx, rooms, room_key, {k: v for k, v in values.items() if k != "facilities"}
            )
            facilities = tx.put_object(room, "facilities", ObjType.LIST)
            for index, name in enumerate(values["facilities"]):
                tx.insert(facilities, index, name)
            return
        room = tx.get(rooms, room_key)
        for key in ("name", "capacity", "conditions"):
            put_new(tx, room, key, values[key])
        facilities = tx.get(room, "facilities")
        if facilities is None:
            facilities = tx.put_object(room, "facilities", ObjType.LIST)
        replace_list(tx, facilities, values["facilities"])

    message = f"Zaal {values['name']} " + ("toegevoegd" if new else "bijgewerkt")
    await change_document(node, session, place_id, "place", me.author, message, edit, check=check)
    return room_key


async def request_booking(
    node: Node, session: AsyncSession, acting: Acting | None, place_id: str, form: BookingForm
) -> str:
    """Ask for a room: the end after the start, at most MAX_LENGTH long, not in the past, for no
    more people than the room holds, and not over a booking already confirmed. Overlapping
    requests are allowed: they wait in line (rules.py) until a host decides."""
    me = require_login(acting)
    room_id = item_id(form.room, N_("zaal"))
    start = parse_moment("start", form.start, label=N_("Het begin"))
    end = parse_moment("end", form.end, label=N_("Het einde"))
    if end <= start:
        raise Invalid("end", N_("Het einde ligt na het begin."))
    if end - start > rules.MAX_LENGTH:
        raise Invalid("end", N_("Een boeking duurt hoogstens %(days)d dagen."), days=7)
    at = node.clock()
    if start < at:
        raise Invalid("start", N_("Het begin ligt al in het verleden."))
    if start - at > rules.MAX_AHEAD:
        raise Invalid("start", N_("U boekt hoogstens twee jaar vooruit."))
    purpose = clean_text(
        "purpose", form.purpose, label=N_("Waarvoor"), max_len=SHORT_TEXT, required=True
    )
    people = whole_number(
        "people", form.people, label=N_("Aantal mensen"), low=1, high=MAX_CAPACITY
    )
    initiative = ""
    if str(form.initiative).strip():
        try:
            initiative = document_id(str(form.initiative).strip(), N_("initiatief"))
            await read_document(node, initiative, "initiative")
        except NotFound:
            raise Invalid("initiative", N_("Dit initiatief is hier niet bekend.")) from None
    booking_id = new_item_id()
    booking: dict[str, Any] = {
        "room": room_id,
        "start": start,
        "end": end,
        "by": me.person_id,
        **({"for_initiative": initiative} if initiative else {}),
        "purpose": purpose,
        "people": people,
        "requested_at": at,
        "status": "requested",
    }

    def check(content: dict[str, Any]) -> None:
        room = _room(content, room_id)
        capacity = room.get("capacity")
        capacity = capacity if isinstance(capacity, int) else 0
        if people > capacity:
            raise Invalid(
                "people",
                N_("Deze zaal biedt plaats aan hoogstens %(capacity)d mensen."),
                capacity=capacity,
            )
        if rules.confirmed_overlapping(content, booking):
            raise Invalid("start", N_("De zaal is dan al geboekt. Kies een ander moment."))

    def edit(tx: Transaction, _doc: Document) -> None:
        put_map(tx, tx.get(ROOT, "bookings"), booking_id, booking)

    await change_document(
        node, session, place_id, "place", me.author, f"Zaal gevraagd: {purpose}", edit, check=check
    )
    return booking_id


async def confirm_booking(
    node: Node, session: AsyncSession, acting: Acting | None, place_id: str, booking_id: str
) -> None:
    """A host confirms a request, never over a booking already confirmed."""
    me = require_login(acting)
    booking_id = item_id(booking_id, N_("boeking"))

    def check(content: dict[str, Any]) -> None:
        _require_host(content, me.person_id)
        booking = _booking(content, booking_id)
        if rules.state(booking) != "requested":
            raise Invalid("booking", N_("Alleen een open aanvraag kan bevestigd worden."))
        if rules.confirmed_overlapping(content, booking, booking_id):
            raise Invalid(
                "booking",
                N_("Deze aanvraag botst met een bevestigde boeking: weiger een van beide."),
            )

    def edit(tx: Transaction, _doc: Document) -> None:
        entry = tx.get(tx.get(ROOT, "bookings"), booking_id)
        tx.put(entry, "status", "confirmed")
        tx.put(entry, "decided_by", me.person_id)
        tx.put(entry, "decided_at", node.clock())

    await change_document(
        node, session, place_id, "place", me.author, "Boeking bevestigd", edit, check=check
    )


async def decline_booking(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    place_id: str,
    booking_id: str,
    form: DeclineForm,
) -> None:
    """A host declines a request, or a confirmed booking (to settle two confirmations), with a
    reason the requester reads."""
    me = require_login(acting)
    booking_id = item_id(booking_id, N_("boeking"))
    reason = clean_text(
        "reason",
        form.reason,
        label=N_("De reden"),
        max_len=MEDIUM_TEXT,
        required=True,
        multiline=True,
    )

    def check(content: dict[str, Any]) -> None:
        _require_host(content, me.person_id)
        if rules.state(_booking(content, booking_id)) not in ("requested", "confirmed"):
            raise Invalid("reason", N_("Deze boeking is al geweigerd of geannuleerd."))

    def edit(tx: Transaction, _doc: Document) -> None:
        entry = tx.get(tx.get(ROOT, "bookings"), booking_id)
        tx.put(entry, "status", "declined")
        tx.put(entry, "decided_by", me.person_id)
        tx.put(entry, "decided_at", node.clock())
        tx.put(entry, "reason", reason)

    await change_document(
        node, session, place_id, "place", me.author, "Boeking geweigerd", edit, check=check
    )


async def cancel_booking(
    node: Node, session: AsyncSession, acting: Acting | None, place_id: str, booking_id: str
) -> None:
    """The requester withdraws a request or a confirmed booking."""
    me = require_login(acting)
    booking_id = item_id(booking_id, N_("boeking"))

    def check(content: dict[str, Any]) -> None:
        booking = _booking(content, booking_id)
        if booking.get("by") != me.person_id:
            raise PermissionDenied(N_("Alleen wie de zaal vroeg kan de boeking annuleren."))
        if rules.state(booking) not in ("requested", "confirmed"):
            raise Invalid("booking", N_("Deze boeking is al geweigerd of geannuleerd."))

    await change_document(
        node,
        session,
        place_id,
        "place",
        me.author,
        "Boeking geannuleerd",
        lambda tx, _doc: tx.put(
            tx.get(tx.get(ROOT, "bookings"), booking_id), "cancelled_at", node.clock()
        ),
        check=check,
    )
