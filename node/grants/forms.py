"""What people fill in about micro-grant calls (request bodies for web/ and the JSON API).
Amounts arrive as typed in euros ("2.500", "12,50"); dates as ISO dates. The services trim,
bound and refuse them with Dutch messages."""

from __future__ import annotations

import msgspec


class CallForm(msgspec.Struct, kw_only=True):
    """Opening a call, with its first round. neighbourhoods: one per line or separated by commas
    (empty: the whole village); organisation: open it on behalf of an organisation one is a
    member of."""

    title: str
    about: str = ""
    organisation: str = ""
    max_grant: str | int = "2.500"
    neighbourhoods: list[str] | str = ""
    min_allies: str | int = 3
    round_title: str = ""
    deadline: str = ""
    budget: str | int = ""
    jury_size: str | int = 5
    beacon_source: str = ""


class RoundForm(msgspec.Struct, kw_only=True):
    """A round of a call: deadline is the last day (applications close at its end, Belgian and
    Dutch time); beacon_source names the public drawing that will seed the jury lot."""

    title: str
    deadline: str
    budget: str | int
    jury_size: str | int = 5
    beacon_source: str = ""


class BudgetLine(msgspec.Struct, kw_only=True):
    what: str
    amount: str | int


class ApplicationForm(msgspec.Struct, kw_only=True):
    """An initiative applies in a round. Budget lines come as parallel lists (`what`, `amount`,
    repeated form fields) so a form without JavaScript can offer a few empty rows; empty rows
    are skipped."""

    round: str
    initiative: str
    title: str
    plan: str = ""
    what: list[str] | str = msgspec.field(default_factory=list)
    amount: list[str] | str = msgspec.field(default_factory=list)


class VolunteerForm(msgspec.Struct, kw_only=True):
    note: str = ""


class DrawForm(msgspec.Struct, kw_only=True):
    """The outcome of the public drawing named as the round's beacon source."""

    beacon: str


class ConflictForm(msgspec.Struct, kw_only=True):
    reason: str


class ScoreForm(msgspec.Struct, kw_only=True):
    score: str | int
    note: str = ""


class DecisionForm(msgspec.Struct, kw_only=True):
    """granted: "yes" or "no"; amount: euros granted (empty: what was asked)."""

    granted: str
    reasons: str
    amount: str | int = ""


class ReportForm(msgspec.Struct, kw_only=True):
    story: str
    what: list[str] | str = msgspec.field(default_factory=list)
    amount: list[str] | str = msgspec.field(default_factory=list)
