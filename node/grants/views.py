"""Read models of a micro-grant call, built from its document with the rules applied again:
what another node wrote while apart (a late application, a score by someone with a conflict, a
grant beyond the budget) is shown for what it is, never silently dropped."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..errors import NotFound
from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads
from . import lot, rules

if TYPE_CHECKING:
    from ..runtime import Node


class PersonRef(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str


class BudgetLineView(msgspec.Struct, frozen=True, kw_only=True):
    what: str
    amount_cents: int


class ScoreView(msgspec.Struct, frozen=True, kw_only=True):
    juror: PersonRef
    score: int
    note: str
    at: datetime
    counts: bool
    """False: not a juror of this round, or with a conflict of interest (kept, not counted)."""


class ConflictView(msgspec.Struct, frozen=True, kw_only=True):
    juror: PersonRef
    reason: str


class DecisionView(msgspec.Struct, frozen=True, kw_only=True):
    granted: bool
    amount_cents: int
    reasons: str
    at: datetime
    by: PersonRef


class ReportView(msgspec.Struct, frozen=True, kw_only=True):
    story: str
    spent: list[BudgetLineView]
    spent_cents: int
    at: datetime
    by: PersonRef


class ApplicationView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    round_id: str
    initiative_id: str
    initiative_title: str
    applicant: PersonRef
    title: str
    plan: str
    budget: list[BudgetLineView]
    asked_cents: int
    submitted_at: datetime
    late: bool
    withdrawn: bool
    scores: list[ScoreView]
    average: float | None
    """Of the scores that count; None before any."""
    conflicts: list[ConflictView]
    involved: list[str]
    """Person ids with a conflict of interest: declared, the applicant, or working on it."""
    decision: DecisionView | None
    report: ReportView | None


class TicketView(msgspec.Struct, frozen=True, kw_only=True):
    ticket: str
    volunteer: PersonRef
    on_jury: bool


class RoundView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    deadline: datetime
    """The first moment applications are closed."""
    closed: bool
    budget_cents: int
    granted_cents: int
    over_budget: bool
    """Decisions made concurrently on different nodes grant more than the budget."""
    jury_size: int
    beacon_source: str
    beacon: str
    jury: list[PersonRef]
    drawn_at: datetime | None
    tickets: list[TicketView]
    """Every volunteer's ticket of the draw, lowest first: the draw can be checked by anyone."""
    draw_checks: bool
    """The stored jury is what the public inputs give."""
    applications: list[ApplicationView]


class VolunteerView(msgspec.Struct, frozen=True, kw_only=True):
    volunteer: PersonRef
    since: datetime
    note: str


class CallView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    about: str
    organisation_id: str | None
    organisation_name: str | None
    owners: list[PersonRef]
    max_grant_cents: int
    neighbourhoods: list[str]
    min_allies: int
    rounds: list[RoundView]
    """Newest deadline first."""
    volunteers: list[VolunteerView]
    origin_node: str
    created_at: datetime
    version: str

    def is_owner(self, person_id: str | None) -> bool:
        return any(owner.person_id == person_id for owner in self.owners)

    def is_volunteer(self, person_id: str | None) -> bool:
        return any(v.volunteer.person_id == person_id for v in self.volunteers)

    def open_rounds(self) -> list[RoundView]:
        return [r for r in self.rounds if not r.closed]

    def juror_of(self, person_id: str | None) -> set[str]:
        """The rounds this person sits on the jury of."""
        return {r.id for r in self.rounds if any(j.person_id == person_id for j in r.jury)}


def _lines(value: Any) -> list[BudgetLineView]:
    if not isinstance(value, dict):
        return []
    return [
        BudgetLineView(what=str(line.get("what", "")), amount_cents=int(line["amount_cents"]))
        for _id, line in sorted(value.items())
        if isinstance(line, dict) and isinstance(line.get("amount_cents"), int)
    ]


def _initiatives(node: Node, content: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    found: dict[str, dict[str, Any] | None] = {}
    for application in content.get("applications", {}).values():
        initiative_id = application.get("initiative")
        if not isinstance(initiative_id, str) or initiative_id in found:
            continue
        try:
            initiative = node.documents.read(initiative_id)
        except NotFound:
            initiative = None
        found[initiative_id] = (
            initiative if (initiative or {}).get("type") == "initiative" else None
        )
    return found


def _people(content: dict[str, Any]) -> set[str]:
    """Every person id the call names, for one lookup of display names."""
    people = set(content.get("owners", {})) | set(content.get("volunteers", {}))
    for round_ in content.get("rounds", {}).values():
        people.update(p for p in round_.get("jury", []) if isinstance(p, str))
    for application in content.get("applications", {}).values():
        people.add(str(application.get("applicant")))
    for per_application in (
        *content.get("scores", {}).values(),
        *content.get("conflicts", {}).values(),
    ):
        people.update(per_application)
    for entry in (*content.get("decisions", {}).values(), *content.get("reports", {}).values()):
        people.add(str(entry.get("by")))
    return people


def build_call(node: Node, content: dict[str, Any], heads: list[bytes], at: datetime) -> CallView:
    """Synchronous: call it from a worker thread."""
    names = display_names(node, _people(content))

    def ref(person_id: Any) -> PersonRef:
        return PersonRef(person_id=str(person_id), display_name=names.get(str(person_id), "?"))

    initiatives = _initiatives(node, content)
    decisions = content.get("decisions", {})
    reports = content.get("reports", {})

    def application_view(app_id: str, application: dict[str, Any]) -> ApplicationView:
        initiative = initiatives.get(application.get("initiative", ""))
        counting = rules.counting_scores(content, app_id, initiative)
        scores = [
            ScoreView(
                juror=ref(person),
                score=int(entry["score"]),
                note=str(entry.get("note", "")),
                at=entry["at"],
                counts=person in counting,
            )
            for person, entry in sorted(content.get("scores", {}).get(app_id, {}).items())
        ]
        counted = [int(entry["score"]) for entry in counting.values()]
        decision = decisions.get(app_id)
        report = reports.get(app_id)
        spent = _lines(report.get("spent")) if isinstance(report, dict) else []
        round_id = str(application.get("round"))
        return ApplicationView(
            id=app_id,
            round_id=round_id,
            initiative_id=str(application.get("initiative")),
            initiative_title=str((initiative or {}).get("title", "")),
            applicant=ref(application.get("applicant")),
            title=str(application.get("title", "")),
            plan=str(application.get("plan", "")),
            budget=_lines(application.get("budget")),
            asked_cents=rules.requested_cents(application),
            submitted_at=application["submitted_at"],
            late=rules.is_late(content, application),
            withdrawn="withdrawn_at" in application,
            scores=scores,
            average=round(sum(counted) / len(counted), 1) if counted else None,
            conflicts=[
                ConflictView(juror=ref(person), reason=str(entry.get("reason", "")))
                for person, entry in sorted(content.get("conflicts", {}).get(app_id, {}).items())
            ],
            involved=sorted(
                person
                for person in {*rules.jury_of(content, round_id), *content.get("volunteers", {})}
                if rules.has_conflict(content, app_id, person, initiative)
            ),
            decision=DecisionView(
                granted=bool(decision["granted"]),
                amount_cents=int(decision["amount_cents"]),
                reasons=str(decision["reasons"]),
                at=decision["at"],
                by=ref(decision["by"]),
            )
            if isinstance(decision, dict)
            else None,
            report=ReportView(
                story=str(report.get("story", "")),
                spent=spent,
                spent_cents=sum(line.amount_cents for line in spent),
                at=report["at"],
                by=ref(report.get("by")),
            )
            if isinstance(report, dict)
            else None,
        )

    applications = [
        application_view(app_id, application)
        for app_id, application in content.get("applications", {}).items()
        if isinstance(application, dict)
    ]
    applications.sort(key=lambda a: (a.submitted_at, a.id))

    def round_view(round_id: str, round_: dict[str, Any]) -> RoundView:
        jury = [p for p in round_.get("jury", []) if isinstance(p, str)]
        beacon = str(round_.get("beacon", ""))
        drawn = "jury" in round_
        tickets = (
            lot.tickets(
                content["id"], round_id, beacon, rules.eligible_volunteers(content, round_id)
            )
            if drawn
            else []
        )
        expected = [person for _ticket, person in tickets[: int(round_["jury_size"])]]
        granted = rules.granted_cents(content, round_id)
        return RoundView(
            id=round_id,
            title=str(round_["title"]),
            deadline=round_["deadline"],
            closed=rules.is_closed(round_, at),
            budget_cents=int(round_["budget_cents"]),
            granted_cents=granted,
            over_budget=granted > int(round_["budget_cents"]),
            jury_size=int(round_["jury_size"]),
            beacon_source=str(round_.get("beacon_source", "")),
            beacon=beacon,
            jury=[ref(p) for p in jury],
            drawn_at=round_.get("drawn_at"),
            tickets=[TicketView(ticket=t, volunteer=ref(p), on_jury=p in jury) for t, p in tickets],
            draw_checks=not drawn or expected == jury,
            applications=[a for a in applications if a.round_id == round_id],
        )

    rounds = [
        round_view(round_id, round_)
        for round_id, round_ in content.get("rounds", {}).items()
        if isinstance(round_, dict)
    ]
    rounds.sort(key=lambda r: (r.deadline, r.id), reverse=True)
    organisation = content.get("organisation")
    organisation_name = (
        read_field(node, [organisation], "organisation", "name").get(organisation)
        if isinstance(organisation, str)
        else None
    )
    return CallView(
        id=content["id"],
        title=str(content["title"]),
        about=str(content.get("about", "")),
        organisation_id=organisation if isinstance(organisation, str) else None,
        organisation_name=organisation_name,
        owners=sorted(
            (ref(p) for p in content.get("owners", {})), key=lambda r: r.display_name.casefold()
        ),
        max_grant_cents=int(content["max_grant_cents"]),
        neighbourhoods=[str(n) for n in content.get("neighbourhoods", [])],
        min_allies=int(content.get("min_allies", 1)),
        rounds=rounds,
        volunteers=sorted(
            (
                VolunteerView(
                    volunteer=ref(p), since=offer["since"], note=str(offer.get("note", ""))
                )
                for p, offer in content.get("volunteers", {}).items()
                if isinstance(offer, dict)
            ),
            key=lambda v: v.since,
        ),
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        version=encode_version(heads),
    )


async def get_call(node: Node, call_id: str) -> CallView:
    content, heads = await read_with_heads(node, call_id, "grant_call")
    return await asyncio.to_thread(build_call, node, content, heads, node.clock())
