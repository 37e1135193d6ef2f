"""What people fill in about polls (request bodies for web/ and the JSON API)."""

from __future__ import annotations

import msgspec


class PollForm(msgspec.Struct, kw_only=True):
    """A decision: kind is proposal, sense_check, poll, time_poll, dot_vote or score. options:
    one per line (a proposal and a sense check have their own); for a time poll each line is a
    moment, "2026-12-03 19:30". It closes at close_day close_time (local time); hide_results:
    "on" hides the results until it closes."""

    title: str
    kind: str = "proposal"
    details: str = ""
    about: str = ""
    options: list[str] | str = ""
    close_day: str = ""
    close_time: str = "20:00"
    hide_results: str | bool = ""
    dots: str | int = 10
    max_score: str | int = 5


class VoteForm(msgspec.Struct, kw_only=True):
    """choice: the option chosen (several for a time poll); for a dot vote or a score, option
    and value are parallel lists (the points or score per option). reason: why (a block needs
    one)."""

    choice: list[str] | str = msgspec.field(default_factory=list)
    option: list[str] | str = msgspec.field(default_factory=list)
    value: list[str] | str = msgspec.field(default_factory=list)
    reason: str = ""
    idempotency_key: str = ""
    """From an action form (docs/offline.md): a vote is the same vote again when replayed."""


class OutcomeForm(msgspec.Struct, kw_only=True):
    statement: str
