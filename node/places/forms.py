"""What people fill in about places, rooms and bookings (request bodies for web/ and the JSON
API). Moments arrive as a browser's `datetime-local` sends them ("2031-03-05T19:30"), read as
Belgian and Dutch time; numbers as typed. The services trim, bound and refuse them with Dutch
messages."""

from __future__ import annotations

import msgspec


class PlaceForm(msgspec.Struct, kw_only=True):
    """A place's details. facilities: one per line or separated by commas. The accessibility
    flags come from checkboxes ("on") or JSON booleans; missing means no."""

    name: str
    kind: str = "community_centre"
    about: str = ""
    address: str = ""
    village: str = ""
    neighbourhood: str = ""
    opening_hours: str = ""
    step_free: bool | str = False
    accessible_toilet: bool | str = False
    hearing_loop: bool | str = False
    accessible_parking: bool | str = False
    accessibility_note: str = ""
    facilities: list[str] | str = ""


class RoomForm(msgspec.Struct, kw_only=True):
    name: str
    capacity: str | int
    conditions: str = ""
    facilities: list[str] | str = ""


class HostForm(msgspec.Struct, kw_only=True):
    """Another person who keeps the place: their person id (as on their profile page)."""

    person: str


class BookingForm(msgspec.Struct, kw_only=True):
    """A request for a room from `start` to `end`, for `people` people, optionally for an
    initiative (its id)."""

    room: str
    start: str
    end: str
    purpose: str
    people: str | int = 1
    initiative: str = ""


class DeclineForm(msgspec.Struct, kw_only=True):
    reason: str
