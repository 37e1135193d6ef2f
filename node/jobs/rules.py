"""The rules of a Doe-plek job as functions of its content, used by the node writing a change
and by every node reading it (docs/practices.md §3): shifts fill up to the hands they need,
hours are given by people who signed up for that shift, and only the job's owners confirm them.
A sign-up that made a shift overfull while nodes were apart is shown as such, never dropped."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Brussels")
SIZES = ("small", "medium", "large")
STATUSES = ("open", "done", "cancelled")
MAX_SHIFT_MINUTES = 12 * 60


def moment(day: date, clock: time) -> datetime:
    """A local day and time (Flanders and the Netherlands share one zone) as an aware moment."""
    return datetime.combine(day, clock, LOCAL_TIME)


def active_signups(content: dict[str, Any], shift_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Sign-ups for a shift that were not withdrawn, earliest first (ties by id)."""
    found = [
        (signup_id, signup)
        for signup_id, signup in content.get("signups", {}).items()
        if isinstance(signup, dict)
        and signup.get("shift") == shift_id
        and "withdrawn_at" not in signup
    ]
    found.sort(key=lambda item: (item[1].get("at"), item[0]))
    return found


def hands_taken(content: dict[str, Any], shift_id: str) -> int:
    return sum(
        len(signup.get("people", [])) + int(signup.get("guests", 0))
        for _id, signup in active_signups(content, shift_id)
    )


def signed_up(content: dict[str, Any], shift_id: str) -> set[str]:
    """Everyone with an account who signed up for the shift (alone or in a group)."""
    people: set[str] = set()
    for _id, signup in active_signups(content, shift_id):
        people.update(p for p in signup.get("people", []) if isinstance(p, str))
    return people


def signed_up_by(content: dict[str, Any], shift_id: str, person: str) -> set[str]:
    """The people `person` may give hours for: themselves, and whom they signed up with."""
    people: set[str] = set()
    for _id, signup in active_signups(content, shift_id):
        members = [p for p in signup.get("people", []) if isinstance(p, str)]
        if person == signup.get("by") or person in members:
            people.update(members if person == signup.get("by") else [person])
    return people


def is_owner(content: dict[str, Any], person: str) -> bool:
    return person in content.get("owners", {})
