"""Events: planning one for an initiative or organisation, editing and cancelling it (its
organisers), and registering or taking one's registration back (anyone, for themselves only). One
Automerge change per action (docs/dialogue.md, Events).

The organisers are the event's `owners`: who planned it, with the initiative's initiators and
coordinators or the organisation's admins at that moment. They live in the event's own document,
because the rights across nodes judge each change against the document it is in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new, set_text
from ..errors import Invalid, NotFound, PermissionDenied
from ..fields import (
    LONG_TEXT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    choice,
    clean_text,
    document_id,
    item_id,
    parse_version,
    whole_number,
)
from ..initiatives.rights import EDITORS
from ..organisations.service import member_role
from ..phrases import N_, Phrase
from ..service import change_document, create_document, read_document
from . import rules
from .forms import CancelForm, EventForm, RegistrationForm

if TYPE_CHECKING:
    from ..runtime import Node


def parse_moment(field: str, value: str, zone: ZoneInfo, *, label: str) -> datetime:
    """A moment as a browser's datetime-local sends it (in the event's zone) or ISO 8601 with an
    offset; stored in UTC."""
    text = (value or "").strip()
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        raise Invalid(
            field,
            N_("%(label)s: geef een datum en uur, bijvoorbeeld 2031-03-05 19:30."),
            label=Phrase(label),
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).replace(microsecond=0)


def _venue(node: Node, value: str, capacity: int | None) -> dict[str, str] | None:
    """A place of node/places, or one of its rooms ("place/room"), with its name as it is now
    (other villages may not hold the place: the event shows the name it was given)."""
    text = value.strip()
    if not text:
        return None
    place_id, _, room_id = text.partition("/")
    what = N_("plek")
    place = node.documents.read(document_id(place_id, what))
    if place.get("type") != "place":
        raise NotFound(what)
    parts = [str(place.get("name", "")), str(place.get("address", ""))]
    venue = {"place": place_id}
    if room_id:
        room = place.get("rooms", {}).get(item_id(room_id, N_("zaal")))
        if not isinstance(room, dict):
            raise NotFound(N_("zaal"))
        room_capacity = room.get("capacity")
        if capacity is not None and isinstance(room_capacity, int) and capacity > room_capacity:
            raise Invalid(
                "capacity",
                N_("In deze zaal passen hoogstens %(count)d mensen."),
                count=room_capacity,
            )
        parts.insert(0, str(room.get("name", "")))
        venue["room"] = room_id
    venue["label"] = ", ".join(p for p in parts if p)[:SHORT_TEXT]
    return venue


def _values(node: Node, form: EventForm) -> dict[str, Any]:
    title = clean_text("title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True)
    description = clean_text(
        "description", form.description, label=N_("De beschrijving"), max_len=LONG_TEXT,
        multiline=True,
    )  # fmt: skip
    time_zone = choice(
        "time_zone", form.time_zone or rules.DEFAULT_TIME_ZONE, rules.TIME_ZONES,
        label=N_("Tijdzone"),
    )  # fmt: skip
    zone = ZoneInfo(time_zone)
    starts = parse_moment("starts", form.starts, zone, label=N_("Begint"))
    ends = parse_moment("ends", form.ends, zone, label=N_("Eindigt"))
    if ends <= starts:
        raise Invalid("ends", N_("Een activiteit eindigt na het begin."))
    if ends - starts > rules.MAX_LENGTH:
        raise Invalid("ends", N_("Een activiteit duurt hoogstens twee weken."))
    capacity = None
    if form.capacity not in (None, ""):
        capacity = whole_number(
            "capacity", form.capacity, label=N_("Aantal plaatsen"), low=1,
            high=rules.MAX_CAPACITY,
        )  # fmt: skip
    location = clean_text("location", form.location, label=N_("De plek"), max_len=SHORT_TEXT)
    venue = _venue(node, form.venue, capacity)
    if venue and location:
        raise Invalid("location", N_("Kies een zaal of schrijf waar het is, niet allebei."))
    if not venue and not location:
        raise Invalid("location", N_("Zeg waar het is: kies een zaal of schrijf een adres."))
    return {
        "title": title,
        "description": description,
        "time_zone": time_zone,
        "starts_at": starts,
        "ends_at": ends,
        "capacity": capacity,
        "location": location,
        "venue": venue,
    }


async def _organisers(node: Node, organiser_id: str, person_id: str) -> tuple[str, str, list[str]]:
    """The organiser's id and type, and who organise with the person: the initiative's
    initiators and coordinators, or the organisation's admins. Refused unless the person is one
    of the first, or a member of the organisation."""
    what = N_("initiatief of organisatie")
    doc_id = document_id(organiser_id, what)
    content = node.documents.read(doc_id)
    if content.get("type") == "initiative":
        editors = sorted(
            p for p, ally in content.get("allies", {}).items()
            if isinstance(ally, dict) and ally.get("role") in EDITORS
        )  # fmt: skip
        if person_id not in editors:
            raise PermissionDenied(
                N_("Alleen initiatiefnemers en coördinatoren plannen een activiteit.")
            )
        return doc_id, "initiative", editors
    if content.get("type") == "organisation":
        if member_role(content, person_id) is None:
            raise PermissionDenied(N_("Alleen leden van de organisatie plannen een activiteit."))
        admins = sorted(p for p in content.get("members", {}) if member_role(content, p) == "admin")
        return doc_id, "organisation", admins
    raise NotFound(what)


def _write(tx: Transaction, doc: Document, values: dict[str, Any], at: datetime) -> None:
    """Make the event read `values`, writing only what differs."""
    for key in ("title", "time_zone", "starts_at", "ends_at"):
        put_new(tx, ROOT, key, values[key])
    set_text(tx, doc, ROOT, "description", values["description"])
    for key in ("capacity", "location"):
        if values[key]:
            put_new(tx, ROOT, key, values[key])
        elif tx.get(ROOT, key) is not None:
            tx.delete(ROOT, key)
    venue = values["venue"]
    old = tx.get(ROOT, "venue")
    if venue is None and old is not None:
        tx.delete(ROOT, "venue")
    elif venue is not None:
        same = (
            old is not None
            and all(tx.get(old, k) == venue.get(k) for k in venue)
            and (tx.get(old, "room") == venue.get("room"))
        )
        if not same:
            put_map(tx, ROOT, "venue", venue)
    tx.put(ROOT, "updated_at", at)


async def plan_event(
    node: Node, session: AsyncSession, acting: Acting | None, form: EventForm
) -> str:
    """A new event of an initiative or organisation the person organises for. Its registrations
    map is made here, never by a first registration (two nodes making it while apart would keep
    only one node's registrations)."""
    me = require_login(acting)
    organiser, organiser_type, organisers = await _organisers(node, form.organiser, me.person_id)
    values = _values(node, form)
    now = node.clock()
    if values["starts_at"] <= now:
        raise Invalid("starts", N_("Een nieuwe activiteit begint in de toekomst."))
    if values["starts_at"] - now > rules.MAX_AHEAD:
        raise Invalid("starts", N_("Plan hoogstens twee jaar vooruit."))

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "organiser", organiser)
        tx.put(ROOT, "organiser_type", organiser_type)
        _write(tx, doc, values, now)
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)
        for person in sorted({me.person_id, *organisers}):
            put_map(tx, owners, person, {"since": now})
        tx.put_object(ROOT, "registrations", ObjType.MAP)

    message = f"Activiteit {values['title']} gepland"
    return await create_document(node, session, "event", me.author, message, fill)


def _require_organiser(content: dict[str, Any], person_id: str) -> None:
    if not rules.is_organiser(content, person_id):
        raise PermissionDenied(N_("Alleen wie de activiteit organiseert kan dit doen."))


async def edit_event(
    node: Node, session: AsyncSession, acting: Acting | None, event_id: str, form: EventForm
) -> None:
    """The organisers change what, when, where and how many (the organiser stays)."""
    me = require_login(acting)
    values = _values(node, form)
    base_heads = parse_version(form.version)

    def check(content: dict[str, Any]) -> None:
        _require_organiser(content, me.person_id)
        if rules.is_cancelled(content):
            raise Invalid("title", N_("Deze activiteit is afgelast."))

    await change_document(
        node, session, event_id, "event", me.author, f"Activiteit {values['title']} bijgewerkt",
        lambda tx, doc: _write(tx, doc, values, node.clock()), check=check, base_heads=base_heads,
    )  # fmt: skip


async def cancel_event(
    node: Node, session: AsyncSession, acting: Acting | None, event_id: str, form: CancelForm
) -> None:
    """The organisers call it off, saying why; it stays visible, marked cancelled."""
    me = require_login(acting)
    reason = clean_text(
        "reason", form.reason, label=N_("De reden"), max_len=MEDIUM_TEXT, required=True,
        multiline=True,
    )  # fmt: skip

    def check(content: dict[str, Any]) -> None:
        _require_organiser(content, me.person_id)
        if rules.is_cancelled(content):
            raise Invalid("reason", N_("Deze activiteit is al afgelast."))

    def edit(tx: Transaction, _doc: Document) -> None:
        put_map(tx, ROOT, "cancelled", {"at": node.clock(), "by": me.person_id, "reason": reason})
        tx.put(ROOT, "updated_at", node.clock())

    await change_document(
        node, session, event_id, "event", me.author, "Activiteit afgelast", edit, check=check
    )


async def register(
    node: Node, session: AsyncSession, acting: Acting | None, event_id: str, form: RegistrationForm
) -> None:
    """Register oneself (with guests) before the event begins. Registering again keeps one's
    place in line and changes only the guests, so a double tap registers once. A full event
    still takes the registration: it waits in line (rules.py)."""
    me = require_login(acting)
    guests = whole_number(
        "guests", form.guests, label=N_("Aantal gasten"), low=0, high=rules.MAX_GUESTS
    )

    def check(content: dict[str, Any]) -> None:
        if rules.is_cancelled(content):
            raise Invalid("guests", N_("Deze activiteit is afgelast."))
        if content["starts_at"] <= node.clock():
            raise Invalid("guests", N_("Deze activiteit is al begonnen."))

    def edit(tx: Transaction, _doc: Document) -> None:
        registrations = tx.get(ROOT, "registrations")
        mine = tx.get(registrations, me.person_id)
        if mine is None:
            put_map(tx, registrations, me.person_id, {"at": node.clock(), "guests": guests})
        else:
            tx.put(mine, "guests", guests)

    await change_document(
        node, session, event_id, "event", me.author, "Aangemeld", edit, check=check
    )


async def unregister(
    node: Node, session: AsyncSession, acting: Acting | None, event_id: str
) -> None:
    """Take one's registration back (whoever waited first moves up); nothing to take back is
    no change at all."""
    me = require_login(acting)

    def check(content: dict[str, Any]) -> None:
        if content["starts_at"] <= node.clock():  # who came is history by then
            raise Invalid("guests", N_("Deze activiteit is al begonnen."))

    def edit(tx: Transaction, _doc: Document) -> None:
        registrations = tx.get(ROOT, "registrations")
        if tx.get(registrations, me.person_id) is not None:
            tx.delete(registrations, me.person_id)

    await change_document(
        node, session, event_id, "event", me.author, "Afgemeld", edit, check=check
    )


async def read_event(node: Node, event_id: str) -> dict[str, Any]:
    return await read_document(node, event_id, "event")
