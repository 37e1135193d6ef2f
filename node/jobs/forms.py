"""What people fill in about Doe-plek jobs (request bodies for web/ and the JSON API). Times
arrive as a date and clock times ("2026-03-14", "09:00", "12:30"), hours as typed ("2,5")."""

from __future__ import annotations

import msgspec


class ShiftForm(msgspec.Struct, kw_only=True):
    """One shift: a day, from and until (local time), and how many hands it needs."""

    day: str
    start: str
    end: str
    hands: str | int = 4


class JobForm(msgspec.Struct, kw_only=True):
    """A job with its first shift. organisation: ask on behalf of an organisation one is a
    member of (a shop, an association, the municipality); support: what a social organisation
    offers those who help (transport, a coach, coffee). initiative: the initiative the job is
    for (its confirmed hours count as hours given to it)."""

    title: str
    about: str = ""
    organisation: str = ""
    village: str = ""
    neighbourhood: str = ""
    address: str = ""
    support: str = ""
    size: str = "small"
    day: str = ""
    start: str = ""
    end: str = ""
    hands: str | int = 4
    initiative: str = ""


class SignupForm(msgspec.Struct, kw_only=True):
    """Sign up for a shift alone, or as a mixed group: others are person ids of people who
    come along (their profiles known here); guests, people without an account."""

    shift: str
    group: str = ""
    others: list[str] | str = msgspec.field(default_factory=list)
    guests: str | int = 0


class HoursForm(msgspec.Struct, kw_only=True):
    """Hours given in a shift, for oneself or someone one signed up with (person: their id)."""

    shift: str
    hours: str | int
    person: str = ""
