"""Drawing a jury by lot, so that anyone can repeat it afterwards with a pencil and any SHA-256
tool: nothing in it is secret, random at the drawer's choice, or known before the deadline.

The inputs are public: the call's id, the round's id, the beacon (the outcome of a public
drawing named when the round opened, e.g. a national lottery drawing after the deadline) and the
person ids of the volunteers who offered before the deadline. Each volunteer's ticket is
SHA-256 of those inputs and their id; the lowest tickets sit on the jury.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

DOMAIN = "mekaar/jury/v1"


def ticket(call_id: str, round_id: str, beacon: str, person_id: str) -> str:
    """A volunteer's ticket, in hex: `SHA-256("mekaar/jury/v1\\n" call "\\n" round "\\n" beacon
    "\\n" person)`, the text in UTF-8. The beacon is used exactly as written, spaces included."""
    text = "\n".join((DOMAIN, call_id, round_id, beacon, person_id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tickets(
    call_id: str, round_id: str, beacon: str, volunteers: Iterable[str]
) -> list[tuple[str, str]]:
    """(ticket, person) for every volunteer, lowest ticket first: the order of the draw."""
    return sorted((ticket(call_id, round_id, beacon, person), person) for person in set(volunteers))


def draw(
    call_id: str, round_id: str, beacon: str, volunteers: Iterable[str], size: int
) -> list[str]:
    """The jury: the `size` volunteers with the lowest tickets (all of them when fewer offered)."""
    return [person for _ticket, person in tickets(call_id, round_id, beacon, volunteers)[:size]]
