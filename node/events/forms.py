"""What people fill in about events (request bodies for web/ and the JSON API). Moments arrive as
a browser's `datetime-local` sends them ("2031-03-05T19:30"), read in the event's time zone, or as
ISO 8601 with an offset; numbers as typed. The services trim, bound and refuse them with Dutch
messages."""

from __future__ import annotations

import msgspec


class EventForm(msgspec.Struct, kw_only=True):
    """An event. organiser: the id of the initiative or organisation that plans it (fixed once
    made). Where: `venue` is a place's id, or "place id/room id" for one of its rooms; or else
    `location` in words. capacity: empty for no limit. version: the heads the edit form showed."""

    title: str
    description: str = ""
    organiser: str = ""
    starts: str = ""
    ends: str = ""
    time_zone: str = "Europe/Amsterdam"
    venue: str = ""
    location: str = ""
    capacity: str | int | None = ""
    version: str = ""


class RegistrationForm(msgspec.Struct, kw_only=True):
    """Registering oneself, with 0 to 9 guests (registering again changes only the guests)."""

    guests: str | int = 0
    idempotency_key: str = ""


class CancelForm(msgspec.Struct, kw_only=True):
    reason: str
