"""The rules of a micro-grant call as functions of its content, so that the node writing a change
and every node reading the document judge the same way (docs/practices.md §1).

A CRDT cannot refuse a concurrent write, so each rule is checked twice: the writer's node refuses
(services), and the reader marks what slipped through while nodes were apart (views): a late
application, a score by someone with a conflict, a grant beyond the budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Brussels")
"""Deadlines are days in Flanders and the Netherlands (one time zone): a round closes at the end
of its last day there, whatever the server's clock zone."""

WORKING_ROLES = ("initiator", "coordinator", "joiner")
"""Allies who are involved in an initiative: a juror with one of these roles has a conflict of
interest in its application whether declared or not. Supporters declare one themselves."""

APPLYING_ROLES = ("initiator", "coordinator")


def closing_moment(day: date) -> datetime:
    """The first moment after the last day of a round: applications close then."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TIME)


def is_closed(round_: dict[str, Any], at: datetime) -> bool:
    deadline = round_.get("deadline")
    return isinstance(deadline, datetime) and at >= deadline


def is_late(content: dict[str, Any], application: dict[str, Any]) -> bool:
    """Submitted after its round closed (by the writer's own clock): it cannot be decided."""
    round_ = content.get("rounds", {}).get(application.get("round"), {})
    submitted = application.get("submitted_at")
    return isinstance(submitted, datetime) and is_closed(round_, submitted)


def is_owner(content: dict[str, Any], person_id: str) -> bool:
    return person_id in content.get("owners", {})


def jury_of(content: dict[str, Any], round_id: str) -> list[str]:
    jury = content.get("rounds", {}).get(round_id, {}).get("jury")
    return [p for p in jury if isinstance(p, str)] if isinstance(jury, list) else []


def involved(initiative: dict[str, Any] | None, person_id: str) -> bool:
    """Working on the initiative (or having started it): a conflict of interest by position."""
    if initiative is None:
        return False
    ally = initiative.get("allies", {}).get(person_id)
    return isinstance(ally, dict) and ally.get("role") in WORKING_ROLES


def has_conflict(
    content: dict[str, Any],
    application_id: str,
    person_id: str,
    initiative: dict[str, Any] | None,
) -> bool:
    """Declared, the applicant, or working on the initiative: this juror does not score it."""
    application = content.get("applications", {}).get(application_id, {})
    if application.get("applicant") == person_id or involved(initiative, person_id):
        return True
    return person_id in content.get("conflicts", {}).get(application_id, {})


def requested_cents(application: dict[str, Any]) -> int:
    lines = application.get("budget", {})
    return sum(
        line.get("amount_cents", 0)
        for line in lines.values()
        if isinstance(line, dict) and isinstance(line.get("amount_cents"), int)
    )


def granted_cents(content: dict[str, Any], round_id: str, leaving_out: str | None = None) -> int:
    """What the round's decisions grant, in cents (one application's decision left out)."""
    total = 0
    applications = content.get("applications", {})
    for app_id, decision in content.get("decisions", {}).items():
        if app_id == leaving_out or not isinstance(decision, dict) or not decision.get("granted"):
            continue
        if applications.get(app_id, {}).get("round") == round_id:
            total += int(decision.get("amount_cents", 0))
    return total


def counting_scores(
    content: dict[str, Any], application_id: str, initiative: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """The scores that count: by jurors of the application's round without a conflict. A score
    written past those rules (on a node that did not know the jury yet) is kept but not counted."""
    application = content.get("applications", {}).get(application_id, {})
    jury = set(jury_of(content, application.get("round", "")))
    return {
        person: score
        for person, score in content.get("scores", {}).get(application_id, {}).items()
        if person in jury and not has_conflict(content, application_id, person, initiative)
    }


def eligible_volunteers(content: dict[str, Any], round_id: str) -> list[str]:
    """Who is in the draw: volunteers who offered before the round closed."""
    round_ = content.get("rounds", {}).get(round_id, {})
    return sorted(
        person
        for person, offer in content.get("volunteers", {}).items()
        if isinstance(offer, dict)
        and isinstance(offer.get("since"), datetime)
        and not is_closed(round_, offer["since"])
    )


def in_neighbourhoods(covered: Iterable[str], initiative: dict[str, Any]) -> bool:
    wanted = {n.casefold() for n in covered}
    if not wanted:
        return True
    place = initiative.get("place") or {}
    return str(place.get("neighbourhood", "")).strip().casefold() in wanted


def working_allies(initiative: dict[str, Any]) -> int:
    return sum(
        1
        for ally in initiative.get("allies", {}).values()
        if isinstance(ally, dict) and ally.get("role") in WORKING_ROLES
    )
