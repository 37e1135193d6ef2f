"""The rows of `impact_contributions` (docs/dialogue.md, Impact): the figures an initiative's
impact is made of, each projected from the document that holds it, so that the impact pages add
them up from the projection and nothing about impact is ever stored as truth of its own.

Like the rest of the projection, the same content always gives the same rows; malformed entries
cost themselves only."""

from __future__ import annotations

from typing import Any

from . import content as c
from .models import ID, ITEM_ID

MINUTES = "minutes"
GRANTED = "granted_cents"
REACHED = "reached"
RAISED = "raised_cents"
KINDS = (MINUTES, GRANTED, REACHED, RAISED)
MAX_CENTS = 100_000_000
MAX_PEOPLE = 10_000_000


def _row(doc_id: str, item_id: str, kind: str, initiative: str | None, amount: int) -> Any:
    return {
        "doc_id": doc_id,
        "item_id": item_id,
        "kind": kind,
        "initiative_id": initiative,
        "amount": amount,
    }


def _entries(value: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(k, v) for k, v in c.mapping(value).items() if 0 < len(k) <= ITEM_ID][:10_000]


def of_job(doc_id: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """Confirmed hours only (the job's owner confirmed them: they also earned Doe-punten);
    counted for the initiative the job is for, if it names one."""
    initiative = c.line(content.get("initiative"), ID) or None
    rows = []
    for hours_id, hours in _entries(content.get("hours")):
        if not isinstance(hours, dict) or "confirmed_at" not in hours:
            continue
        minutes = c.integer(hours.get("minutes"), 1, 720)
        if minutes is not None:
            rows.append(_row(doc_id, hours_id, MINUTES, initiative, minutes))
    return rows


def of_grant_call(doc_id: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """Granted decisions, for the initiative that applied."""
    applications = c.mapping(content.get("applications"))
    rows = []
    for application_id, decision in _entries(content.get("decisions")):
        if not isinstance(decision, dict) or decision.get("granted") is not True:
            continue
        amount = c.integer(decision.get("amount_cents"), 0, MAX_CENTS)
        application = applications.get(application_id)
        if amount is None or not isinstance(application, dict):
            continue
        initiative = c.line(application.get("initiative"), ID) or None
        rows.append(_row(doc_id, application_id, GRANTED, initiative, amount))
    return rows


def of_initiative(doc_id: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """What the initiators report: people reached, money raised (absent: not reported)."""
    rows = []
    reached = c.integer(content.get("people_reached"), 0, MAX_PEOPLE)
    if reached is not None:
        rows.append(_row(doc_id, "reported", REACHED, doc_id, reached))
    raised = c.integer(content.get("money_raised_cents"), 0, MAX_CENTS)
    if raised is not None:
        rows.append(_row(doc_id, "reported", RAISED, doc_id, raised))
    return rows
