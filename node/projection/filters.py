"""Checking the filters and paging people send before they reach SQL (all of it is untrusted)."""

from __future__ import annotations

from typing import Any

from ..errors import Invalid
from ..phrases import N_
from . import content as c

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
MY_LIMIT = 500  # rows a "my …" page shows at most


def paging(page: Any, per_page: Any) -> tuple[int, int]:
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise Invalid("page", N_("Kies een pagina van 1 tot %(max)d."), max=MAX_PAGE)
    if (
        isinstance(per_page, bool)
        or not isinstance(per_page, int)
        or not 1 <= per_page <= MAX_PER_PAGE
    ):
        raise Invalid("per_page", N_("Toon 1 tot %(max)d resultaten per pagina."), max=MAX_PER_PAGE)
    return page, per_page


def place_key(field: str, value: str | None) -> str | None:
    """The key of a village or neighbourhood filter, None when the filter is empty."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 100:
        raise Invalid(field, N_("Een plaatsnaam is hoogstens 100 tekens lang."))
    return c.key(value) or None


def tag_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid("tag", N_("Een label is hoogstens 40 tekens lang."))
    return c.key(value) or None


def choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise Invalid(field, N_("Kies een van de mogelijkheden uit de lijst."))
    return value


def identifier(field: str, value: Any) -> str:
    """A document id from a form or URL: a non-empty string of at most 64 characters."""
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        raise Invalid(field, N_("Onbekend of ongeldig kenmerk."))
    return value


def person_id(value: Any) -> str:
    return identifier("person", value)
