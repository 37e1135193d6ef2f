"""An event as the pages and the API show it: when (in its own time zone), where (linking to the
place and room when this node holds them), the organiser, how many seats are left, and the line
of registrations with the waiting list derived from it (rules.py). Everyone sees the line without
names; organisers see who is in it, and each person sees their own place in it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from ..fields import encode_version
from ..people.views import display_names
from ..places.views import get_place
from ..projection.places import list_places
from ..service import read_field, read_with_heads
from . import rules

if TYPE_CHECKING:
    from ..runtime import Node

MAX_PLACES = 50


class LineEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A registration in line, without the name: what everyone may see."""

    position: int
    people: int
    waiting: bool


class SeatView(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str
    guests: int
    at: datetime
    position: int
    waiting: bool
    waiting_position: int | None
    """1 for the first on the waiting list."""


class EventView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    """In the event's time zone."""
    time_zone: str
    organiser_id: str
    organiser_type: str
    organiser_name: str | None
    """None when this node does not hold the initiative or organisation."""
    location: str
    place_id: str | None
    room_id: str | None
    venue_label: str
    place_known: bool
    """This node holds the place: its page can be linked."""
    capacity: int | None
    seats_taken: int
    seats_left: int | None
    registered: int
    """Registrations with a seat (each may bring guests)."""
    waiting: int
    line: list[LineEntry]
    seats: list[SeatView]
    """With names: for the organisers only (empty for others)."""
    my_seat: SeatView | None
    cancelled: bool
    cancel_reason: str
    cancelled_by: str | None
    cancelled_at: datetime | None
    owners: list[str]
    organisers: list[str]
    """The organisers' display names."""
    origin_node: str
    created_at: datetime
    updated_at: datetime
    version: str

    def is_organiser(self, person_id: str | None) -> bool:
        return person_id in self.owners

    def where(self) -> str:
        """Where it is, in words (the room's and place's names, or what the organiser wrote)."""
        return self.venue_label or self.location


def build_event(
    node: Node, content: dict[str, Any], heads: list[bytes], viewer: str | None
) -> EventView:
    """Synchronous: call it from a worker thread."""
    zone = rules.zone(content)
    line = rules.line_up(content)
    cancelled: dict[str, Any] | None = content["cancelled"] if rules.is_cancelled(content) else None
    owners = sorted(content.get("owners", {}))
    names = display_names(
        node, {*owners, *(s.person_id for s in line), *([cancelled["by"]] if cancelled else [])}
    )
    first_waiting = next((s.position for s in line if s.waiting), None)

    def seat(s: rules.Seat) -> SeatView:
        return SeatView(
            person_id=s.person_id,
            display_name=names.get(s.person_id, "?"),
            guests=s.guests,
            at=s.at,
            position=s.position,
            waiting=s.waiting,
            waiting_position=s.position - first_waiting + 1
            if s.waiting and first_waiting
            else None,
        )

    organiser = str(content["organiser"])
    organiser_type = str(content["organiser_type"])
    key = "title" if organiser_type == "initiative" else "name"
    venue: dict[str, Any] = content["venue"] if isinstance(content.get("venue"), dict) else {}
    place_id = venue.get("place") if isinstance(venue.get("place"), str) else None
    place_name = read_field(node, [place_id], "place", "name").get(place_id) if place_id else None
    capacity = rules.capacity(content)
    taken = rules.seats_taken(line)
    return EventView(
        id=content["id"],
        title=str(content["title"]),
        description=str(content.get("description", "")),
        starts_at=content["starts_at"].astimezone(zone),
        ends_at=content["ends_at"].astimezone(zone),
        time_zone=str(content.get("time_zone", rules.DEFAULT_TIME_ZONE)),
        organiser_id=organiser,
        organiser_type=organiser_type,
        organiser_name=read_field(node, [organiser], organiser_type, key).get(organiser),
        location=str(content.get("location", "")),
        place_id=place_id,
        room_id=venue.get("room") if isinstance(venue.get("room"), str) else None,
        venue_label=str(venue.get("label", "")),
        place_known=place_name is not None,
        capacity=capacity,
        seats_taken=taken,
        seats_left=max(capacity - taken, 0) if capacity is not None else None,
        registered=sum(1 for s in line if not s.waiting),
        waiting=sum(1 for s in line if s.waiting),
        line=[LineEntry(position=s.position, people=s.people, waiting=s.waiting) for s in line],
        seats=[seat(s) for s in line] if viewer in owners else [],
        my_seat=next((seat(s) for s in line if s.person_id == viewer), None),
        cancelled=cancelled is not None,
        cancel_reason=str(cancelled.get("reason", "")) if cancelled else "",
        cancelled_by=names.get(cancelled["by"]) if cancelled else None,
        cancelled_at=cancelled.get("at") if cancelled else None,
        owners=owners,
        organisers=[names.get(p, "?") for p in owners],
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        updated_at=content.get("updated_at", content["created_at"]),
        version=encode_version(heads),
    )


async def get_event(node: Node, event_id: str, viewer: str | None = None) -> EventView:
    content, heads = await read_with_heads(node, event_id, "event")
    return await asyncio.to_thread(build_event, node, content, heads, viewer)


async def venue_choices(node: Node, session: AsyncSession) -> list[tuple[str, str]]:
    """The places and rooms an event may be held in (value, label), as the form offers them:
    each place, then each of its rooms with how many people fit."""
    choices: list[tuple[str, str]] = []
    for summary in (await list_places(session, per_page=MAX_PLACES)).items:
        choices.append((summary.id, summary.name))
        if summary.room_count:
            place = await get_place(node, summary.id)
            for room in place.rooms:
                label = f"{place.name} · {room.name} ({room.capacity})"
                choices.append((f"{place.id}/{room.id}", label))
    return choices
