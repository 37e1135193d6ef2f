"""The rules of a place's bookings as functions of its content, so that the node writing a
change and every node reading the document judge alike (docs/practices.md §2).

Two requests for the same room and overlapping times are a conflict wherever they were written:
a CRDT cannot refuse the second one made on another node while apart. So the writer's node
refuses what it can see (services), and the reader applies one rule to what slipped through:

* a *confirmed* booking goes first;
* among unconfirmed ones, the earlier `requested_at` goes first, ties by booking id;
* two confirmed bookings that overlap (two hosts confirming while apart) are both shown as
  conflicting confirmations until a host declines one.

Nothing is removed: a booking that loses is shown "botst met" beside the one it collides with,
to the hosts and to both requesters, until a host declines it or its requester cancels it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Brussels")
"""Rooms are booked in Flanders and the Netherlands (one time zone)."""

KINDS = ("community_centre", "open_house", "give_box", "repair_cafe", "garden", "other")
ACCESSIBILITY = ("step_free", "accessible_toilet", "hearing_loop", "accessible_parking")
MAX_LENGTH = timedelta(days=7)
"""The longest a single booking may be: a weekend camp fits, a room cannot be taken for good."""
MAX_AHEAD = timedelta(days=2 * 366)


def is_host(content: dict[str, Any], person_id: str) -> bool:
    return person_id in content.get("hosts", {})


def state(booking: dict[str, Any]) -> str:
    """requested, confirmed, declined or cancelled: cancelling wins over any decision, so a
    requester's withdrawal and a host's confirmation made while apart end cancelled."""
    if "cancelled_at" in booking:
        return "cancelled"
    status = booking.get("status")
    return status if status in ("requested", "confirmed", "declined") else "requested"


def counts(booking: dict[str, Any]) -> bool:
    """Takes the room (or asks for it): not declined, not cancelled."""
    return state(booking) in ("requested", "confirmed")


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same room, and the times share a moment (one ending as the other starts does not)."""
    if a.get("room") != b.get("room"):
        return False
    starts, ends = (a.get("start"), b.get("start")), (a.get("end"), b.get("end"))
    if not all(isinstance(t, datetime) for t in (*starts, *ends)):
        return False
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def rank(booking_id: str, booking: dict[str, Any]) -> tuple[int, datetime, str]:
    """Who goes first in a conflict: confirmed before unconfirmed, then earlier requested, then
    the lower booking id."""
    requested = booking.get("requested_at")
    if not isinstance(requested, datetime):
        requested = datetime.max.replace(tzinfo=LOCAL_TIME)
    return (0 if state(booking) == "confirmed" else 1, requested, booking_id)


def bookings(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = content.get("bookings", {})
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, dict)}


def conflicts_of(content: dict[str, Any], booking_id: str) -> list[str]:
    """The other counting bookings that overlap this one (empty when it does not count)."""
    every = bookings(content)
    booking = every.get(booking_id)
    if booking is None or not counts(booking):
        return []
    return sorted(
        other_id
        for other_id, other in every.items()
        if other_id != booking_id and counts(other) and overlap(booking, other)
    )


def first_in_line(content: dict[str, Any], booking_id: str) -> bool:
    """This booking goes before every booking it collides with (always so without conflicts)."""
    every = bookings(content)
    mine = rank(booking_id, every[booking_id])
    return all(mine < rank(other, every[other]) for other in conflicts_of(content, booking_id))


def confirmed_overlapping(
    content: dict[str, Any], booking: dict[str, Any], leaving_out: str = ""
) -> list[str]:
    """Confirmed bookings (not cancelled) overlapping `booking`: a host cannot confirm over them
    and a new request for that time is refused."""
    return sorted(
        other_id
        for other_id, other in bookings(content).items()
        if other_id != leaving_out and state(other) == "confirmed" and overlap(booking, other)
    )
