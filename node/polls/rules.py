"""The rules of a poll as functions of its content (docs/dialogue.md): which choices a vote of
each kind may hold, whether the poll is open, and the tally. One person one vote holds by
construction: votes are keyed by person id, and only the person writes their own (the rights
across nodes, node/trust/rights.py), so a vote delivered twice, or through a third village, is
still one vote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..phrases import N_

KINDS = ("proposal", "sense_check", "poll", "time_poll", "dot_vote", "score")
SINGLE = ("proposal", "sense_check", "poll")
FIXED_OPTIONS: dict[str, list[tuple[str, str]]] = {
    "proposal": [
        ("agree1", N_("Eens")),
        ("abstain1", N_("Onthouden")),
        ("disagree1", N_("Oneens")),
        ("stop11", N_("Blokkeren")),
    ],
    "sense_check": [
        ("agree1", N_("Ziet er goed uit")),
        ("abstain1", N_("Weet niet")),
        ("disagree1", N_("Zorgen")),
    ],
}
"""A proposal's and a sense check's options (their labels are Dutch msgids, translated where
shown); other kinds have the options their starter wrote."""
BLOCK = "stop11"


def is_open(content: dict[str, Any], at: datetime) -> bool:
    closes = content.get("closes_at")
    return "closed_at" not in content and isinstance(closes, datetime) and at < closes


def closed_at(content: dict[str, Any]) -> datetime | None:
    """When the poll closed: closed early by an owner, or at its closing time."""
    early = content.get("closed_at")
    return early if isinstance(early, datetime) else content.get("closes_at")


def valid_choices(content: dict[str, Any], choices: dict[str, int]) -> bool:
    """Whether a vote's choices fit the poll's kind (a vote written past the rules elsewhere
    is kept and not counted)."""
    options = content.get("options", {})
    if not choices or any(o not in options or v < 0 for o, v in choices.items()):
        return False
    kind = content.get("kind")
    if kind in SINGLE:
        return len(choices) == 1 and next(iter(choices.values())) == 1
    if kind == "time_poll":
        return all(v == 1 for v in choices.values())
    if kind == "dot_vote":
        return 1 <= sum(choices.values()) <= int(content.get("dots", 0))
    if kind == "score":
        return all(v <= int(content.get("max_score", 0)) for v in choices.values())
    return False


def tally(content: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Per option: (voters who gave it anything, total points). Only valid votes count."""
    totals = {option: (0, 0) for option in content.get("options", {})}
    for vote in content.get("votes", {}).values():
        choices = vote.get("choices", {}) if isinstance(vote, dict) else {}
        if not valid_choices(content, choices):
            continue
        for option, value in choices.items():
            voters, points = totals[option]
            totals[option] = (voters + (1 if value else 0), points + value)
    return totals
