"""Read models of a place, built from its document with the booking rule applied again: two
requests for the same room and time written on different nodes are both here, marked as a
conflict with who goes first (rules.py), never silently dropped."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads
from . import rules

if TYPE_CHECKING:
    from ..runtime import Node


class PersonRef(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str


class AccessibilityView(msgspec.Struct, frozen=True, kw_only=True):
    step_free: bool
    accessible_toilet: bool
    hearing_loop: bool
    accessible_parking: bool
    note: str


class RoomView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    capacity: int
    conditions: str
    facilities: list[str]


class ConflictRef(msgspec.Struct, frozen=True, kw_only=True):
    """The other side of a conflict, without the requester's name."""

    id: str
    purpose: str
    start: datetime
    end: datetime
    state: str


class BookingView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    room_id: str
    room_name: str
    start: datetime
    """In Belgian and Dutch time."""
    end: datetime
    by: PersonRef
    initiative_id: str | None
    initiative_title: str | None
    purpose: str
    people: int
    requested_at: datetime
    state: str
    """requested, confirmed, declined or cancelled."""
    decided_by: PersonRef | None
    decided_at: datetime | None
    reason: str
    conflicts: list[ConflictRef]
    """Counting bookings of the same room whose times overlap this one's."""
    first_in_line: bool
    """Goes before every booking it collides with: confirmed first, then earliest requested."""
    double_confirmed: bool
    """Confirmed, and so is a booking it overlaps (two hosts confirmed while apart)."""
    can_confirm: bool
    """Requested, and no confirmed booking overlaps it."""


class PlaceView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    about: str
    address: str
    village: str
    neighbourhood: str
    opening_hours: str
    accessibility: AccessibilityView
    facilities: list[str]
    hosts: list[PersonRef]
    rooms: list[RoomView]
    bookings: list[BookingView]
    """Every booking ever made here, by start."""
    origin_node: str
    created_at: datetime
    version: str

    def is_host(self, person_id: str | None) -> bool:
        return any(host.person_id == person_id for host in self.hosts)

    def room(self, room_id: str) -> RoomView | None:
        return next((room for room in self.rooms if room.id == room_id), None)

    def bookings_of(self, person_id: str | None) -> list[BookingView]:
        return [b for b in self.bookings if b.by.person_id == person_id]

    def conflicted(self) -> list[BookingView]:
        return [b for b in self.bookings if b.conflicts]


class BusySlot(msgspec.Struct, frozen=True, kw_only=True):
    booking_id: str
    start: datetime
    end: datetime
    state: str
    purpose: str
    conflict: bool


class DayView(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    busy: list[BusySlot]


class RoomWeek(msgspec.Struct, frozen=True, kw_only=True):
    """When a room is taken or asked for, day by day for one week (Monday to Sunday)."""

    place_id: str
    place_name: str
    room: RoomView
    monday: date
    previous: date
    next: date
    days: list[DayView]


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _count(value: Any) -> int:
    """A whole number from another node's document (0 for anything else)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _local(moment: datetime) -> datetime:
    return moment.astimezone(rules.LOCAL_TIME)


def build_place(node: Node, content: dict[str, Any], heads: list[bytes]) -> PlaceView:
    """Synchronous: call it from a worker thread."""
    every = rules.bookings(content)
    people = set(content.get("hosts", {}))
    for booking in every.values():
        people.update(str(booking.get(key)) for key in ("by", "decided_by") if booking.get(key))
    names = display_names(node, people)

    def ref(person_id: Any) -> PersonRef:
        return PersonRef(person_id=str(person_id), display_name=names.get(str(person_id), "?"))

    rooms = sorted(
        (
            RoomView(
                id=room_id,
                name=str(room.get("name", "")),
                capacity=_count(room.get("capacity")),
                conditions=str(room.get("conditions", "")),
                facilities=_strings(room.get("facilities")),
            )
            for room_id, room in content.get("rooms", {}).items()
            if isinstance(room, dict)
        ),
        key=lambda r: (r.name.casefold(), r.id),
    )
    room_names = {room.id: room.name for room in rooms}
    initiative_ids = [
        str(b["for_initiative"]) for b in every.values() if isinstance(b.get("for_initiative"), str)
    ]
    titles = read_field(node, initiative_ids, "initiative", "title")

    def booking_view(booking_id: str, booking: dict[str, Any]) -> BookingView:
        state = rules.state(booking)
        conflicts = rules.conflicts_of(content, booking_id)
        initiative = booking.get("for_initiative")
        decided_by = booking.get("decided_by")
        return BookingView(
            id=booking_id,
            room_id=str(booking.get("room")),
            room_name=room_names.get(str(booking.get("room")), "?"),
            start=_local(booking["start"]),
            end=_local(booking["end"]),
            by=ref(booking.get("by")),
            initiative_id=initiative if isinstance(initiative, str) else None,
            initiative_title=titles.get(initiative) if isinstance(initiative, str) else None,
            purpose=str(booking.get("purpose", "")),
            people=_count(booking.get("people")),
            requested_at=booking["requested_at"],
            state=state,
            decided_by=ref(decided_by) if decided_by else None,
            decided_at=booking["decided_at"]
            if isinstance(booking.get("decided_at"), datetime)
            else None,
            reason=str(booking.get("reason", "")),
            conflicts=[
                ConflictRef(
                    id=other,
                    purpose=str(every[other].get("purpose", "")),
                    start=_local(every[other]["start"]),
                    end=_local(every[other]["end"]),
                    state=rules.state(every[other]),
                )
                for other in conflicts
            ],
            first_in_line=rules.counts(booking) and rules.first_in_line(content, booking_id),
            double_confirmed=state == "confirmed"
            and bool(rules.confirmed_overlapping(content, booking, booking_id)),
            can_confirm=state == "requested"
            and not rules.confirmed_overlapping(content, booking, booking_id),
        )

    bookings = sorted(
        (
            booking_view(booking_id, booking)
            for booking_id, booking in every.items()
            if isinstance(booking.get("start"), datetime)
            and isinstance(booking.get("end"), datetime)
            and isinstance(booking.get("requested_at"), datetime)
        ),
        key=lambda b: (b.start, b.requested_at, b.id),
    )
    access = content.get("accessibility", {})
    access = access if isinstance(access, dict) else {}
    place = content.get("place", {})
    place = place if isinstance(place, dict) else {}
    return PlaceView(
        id=content["id"],
        name=str(content.get("name", "")),
        kind=str(content.get("kind", "other")),
        about=str(content.get("about", "")),
        address=str(content.get("address", "")),
        village=str(place.get("village", "")),
        neighbourhood=str(place.get("neighbourhood", "")),
        opening_hours=str(content.get("opening_hours", "")),
        accessibility=AccessibilityView(
            **{flag: access.get(flag) is True for flag in rules.ACCESSIBILITY},
            note=str(access.get("note", "")),
        ),
        facilities=_strings(content.get("facilities")),
        hosts=sorted(
            (ref(p) for p in content.get("hosts", {})), key=lambda r: r.display_name.casefold()
        ),
        rooms=rooms,
        bookings=bookings,
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        version=encode_version(heads),
    )


async def get_place(node: Node, place_id: str) -> PlaceView:
    content, heads = await read_with_heads(node, place_id, "place")
    return await asyncio.to_thread(build_place, node, content, heads)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def room_week(place: PlaceView, room: RoomView, day: date) -> RoomWeek:
    """The week holding `day`: every requested or confirmed booking of the room, on each day it
    touches (a booking over midnight shows on both days)."""
    monday = monday_of(day)
    days = []
    for offset in range(7):
        current = monday + timedelta(days=offset)
        begins = datetime.combine(current, time(0), rules.LOCAL_TIME)
        ends = begins + timedelta(days=1)
        busy = [
            BusySlot(
                booking_id=b.id,
                start=b.start,
                end=b.end,
                state=b.state,
                purpose=b.purpose,
                conflict=bool(b.conflicts),
            )
            for b in place.bookings
            if b.room_id == room.id
            and b.state in ("requested", "confirmed")
            and b.start < ends
            and begins < b.end
        ]
        days.append(DayView(day=current, busy=busy))
    return RoomWeek(
        place_id=place.id,
        place_name=place.name,
        room=room,
        monday=monday,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        days=days,
    )
