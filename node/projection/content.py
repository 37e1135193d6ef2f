"""Reading document content defensively.

Documents arrive from peers as well as from local services, so the projection never trusts their
shape: every reader here returns a value of the expected type (or a neutral one) and clips strings
to the column they go into. A malformed field costs that field, never the whole projection.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def text(value: Any, limit: int) -> str:
    """A string clipped to `limit` characters; anything that is not a string becomes ""."""
    if not isinstance(value, str):
        return ""
    return value[:limit]


def line(value: Any, limit: int) -> str:
    """A one-line string: whitespace collapsed and trimmed, then clipped."""
    return _SPACES.sub(" ", text(value, limit * 4)).strip()[:limit]


def key(value: str) -> str:
    """The form used to compare places and tags: trimmed, collapsed, case-folded."""
    return _SPACES.sub(" ", value).strip().casefold()


def terms(value: str) -> str:
    """The form used to match skills with needs: only letters and digits, single spaces.

    Having no punctuation at all, the result is safe inside a LIKE pattern without escaping.
    """
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", value.casefold())).strip()


def mapping(value: Any) -> dict[str, Any]:
    """The entries of a map keyed by string ids whose values are maps; others are dropped."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, dict)}


def strings(value: Any, limit: int, count: int) -> list[str]:
    """Up to `count` non-empty one-line strings from a list."""
    if not isinstance(value, list):
        return []
    found = [line(v, limit) for v in value[: count * 2]]
    return [v for v in found if v][:count]


def moment(value: Any) -> datetime | None:
    """An aware UTC datetime (Automerge timestamps arrive as such; a naive one is taken as UTC)."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def integer(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def place(content: dict[str, Any]) -> tuple[str, str]:
    """(village, neighbourhood) as written, one line each."""
    where = content.get("place")
    if not isinstance(where, dict):
        return "", ""
    return line(where.get("village"), 100), line(where.get("neighbourhood"), 100)
