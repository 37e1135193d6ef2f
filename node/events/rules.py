"""The rules of an event as functions of its content, so that the node writing a change and every
node reading the document judge alike (docs/dialogue.md, Events).

Registrations live at `registrations/<person id>`: one per person however often it is delivered.
Two nodes apart can both take the last seats, since a CRDT cannot refuse the second; so nothing is
refused on merge and nobody disappears. Every reader lines everyone up the same way:

* by registration time (`at`, as the registering node's clock wrote it), then by person id;
* seats are handed out in that order, a registration taking 1 + its guests;
* the first registration that does not fit whole waits, and so does everyone after it (nobody
  overtakes the waiting list with a smaller party);
* cancelling removes the registration, so whoever waited first moves up: the line is derived,
  never stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

DEFAULT_TIME_ZONE = "Europe/Amsterdam"
TIME_ZONES = ("Europe/Amsterdam", "Europe/Brussels")
"""The zones the form offers (the same clock; the name is what the organiser chose)."""
MAX_GUESTS = 9
MAX_CAPACITY = 10_000
MAX_LENGTH = timedelta(days=14)
"""The longest an event may last: a summer camp fits, a standing appointment does not."""
MAX_AHEAD = timedelta(days=2 * 366)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class Seat(msgspec.Struct, frozen=True, kw_only=True):
    """One registration in line: `waiting` when it is beyond the capacity."""

    person_id: str
    at: datetime
    guests: int
    position: int
    """1 for the first in line (seated or not)."""
    waiting: bool

    @property
    def people(self) -> int:
        return 1 + self.guests


def zone(content: dict[str, Any]) -> ZoneInfo:
    name = content.get("time_zone")
    try:
        return ZoneInfo(name) if isinstance(name, str) else ZoneInfo(DEFAULT_TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def capacity(content: dict[str, Any]) -> int | None:
    value = content.get("capacity")
    return value if isinstance(value, int) and value > 0 else None


def guests_of(registration: dict[str, Any]) -> int:
    """Guests as written, held to 0..MAX_GUESTS (a peer past the rules cannot take more)."""
    value = registration.get("guests")
    return min(max(value, 0), MAX_GUESTS) if isinstance(value, int) else 0


def line_up(content: dict[str, Any]) -> list[Seat]:
    """Every registration in the order above, each marked seated or waiting."""
    entries = [
        (reg["at"] if isinstance(reg.get("at"), datetime) else EARLIEST, person, guests_of(reg))
        for person, reg in content.get("registrations", {}).items()
        if isinstance(reg, dict)
    ]
    entries.sort(key=lambda e: (e[0], e[1]))
    room = capacity(content)
    taken, full = 0, False
    seats = []
    for position, (at, person, guests) in enumerate(entries, start=1):
        if room is not None and not full and taken + 1 + guests > room:
            full = True
        if not full:
            taken += 1 + guests
        seats.append(Seat(person_id=person, at=at, guests=guests, position=position, waiting=full))
    return seats


def seats_taken(line: list[Seat]) -> int:
    return sum(seat.people for seat in line if not seat.waiting)


def is_cancelled(content: dict[str, Any]) -> bool:
    return isinstance(content.get("cancelled"), dict)


def is_organiser(content: dict[str, Any], person_id: str) -> bool:
    return person_id in content.get("owners", {})
