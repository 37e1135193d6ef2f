"""Amounts of the community currency are minutes given: one hour helped is one hour's credit.
People type hours the way they say them ("2", "1,5", "1:30", "90 min")."""

from __future__ import annotations

import re

from ..errors import Invalid
from ..phrases import N_

MAX_MINUTES = 100_000
_HOURS = re.compile(r"^(\d{1,4})(?:[,.](\d{1,2}))?(?:\s*(?:u|uur|h))?$")
_CLOCK = re.compile(r"^(\d{1,4}):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d{1,6})\s*(?:m|min|minuten)$")


def parse_minutes(field: str, value: str | int | None, *, most: int = MAX_MINUTES) -> int:
    """Minutes from hours as typed; refused with a Dutch message unless 1 minute to `most`."""
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value * 60
    else:
        text = str(value or "").strip().lower()
        if match := _CLOCK.match(text):
            minutes = int(match.group(1)) * 60 + int(match.group(2))
        elif match := _MINUTES.match(text):
            minutes = int(match.group(1))
        elif match := _HOURS.match(text):
            fraction = match.group(2) or "0"
            minutes = int(match.group(1)) * 60 + round(int(fraction) * 60 / 10 ** len(fraction))
        else:
            raise Invalid(field, N_("Geef uren, bijvoorbeeld 2, 1,5 of 1:30."))
    if not 1 <= minutes <= most:
        raise Invalid(field, N_("Geef tussen 1 minuut en %(most)d uur."), most=most // 60)
    return minutes


def as_hours(minutes: int) -> str:
    """2:30 for 150 minutes; -0:45 for a negative balance."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
