"""Read models of Doe-plek jobs, with the rules applied again: a sign-up that overfilled a shift
while nodes were apart is marked, hours confirmed by someone who is not an owner do not count."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads
from . import rules

if TYPE_CHECKING:
    from ..runtime import Node


class PersonRef(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str


class SignupView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    people: list[PersonRef]
    guests: int
    group: str
    by: PersonRef
    at: datetime
    over: bool
    """Beyond the hands the shift needs (written on another node while apart): shown, and the
    owners decide."""


class HoursView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    person: PersonRef
    minutes: int
    by: PersonRef
    at: datetime
    confirmed: bool
    confirmed_by: PersonRef | None


class ShiftView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    start: datetime
    end: datetime
    hands: int
    taken: int
    signups: list[SignupView]
    hours: list[HoursView]
    over: bool
    started: bool
    ended: bool

    def people(self) -> set[str]:
        return {p.person_id for s in self.signups for p in s.people}

    def free(self) -> int:
        return max(self.hands - self.taken, 0)


class JobView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    about: str
    organisation_id: str | None
    organisation_name: str | None
    owners: list[PersonRef]
    village: str
    neighbourhood: str
    address: str
    support: str
    size: str
    status: str
    shifts: list[ShiftView]
    """Soonest first."""
    confirmed_minutes: int
    origin_node: str
    created_at: datetime
    version: str

    def is_owner(self, person_id: str | None) -> bool:
        return any(o.person_id == person_id for o in self.owners)


def _people(content: dict[str, Any]) -> set[str]:
    people = set(content.get("owners", {}))
    for signup in content.get("signups", {}).values():
        people.update(p for p in signup.get("people", []) if isinstance(p, str))
        people.add(str(signup.get("by")))
    for entry in content.get("hours", {}).values():
        people.update(str(entry.get(k)) for k in ("person", "by", "confirmed_by") if entry.get(k))
    return people


def build_job(node: Node, content: dict[str, Any], heads: list[bytes], at: datetime) -> JobView:
    """Synchronous: call it from a worker thread."""
    names = display_names(node, _people(content))

    def ref(person: Any) -> PersonRef:
        return PersonRef(person_id=str(person), display_name=names.get(str(person), "?"))

    owners = set(content.get("owners", {}))
    shifts: list[ShiftView] = []
    confirmed_total = 0
    for shift_id, shift in content.get("shifts", {}).items():
        if not isinstance(shift, dict):
            continue
        taken, signups = 0, []
        for signup_id, signup in rules.active_signups(content, shift_id):
            size = len(signup.get("people", [])) + int(signup.get("guests", 0))
            taken += size
            signups.append(
                SignupView(
                    id=signup_id,
                    people=[ref(p) for p in signup.get("people", [])],
                    guests=int(signup.get("guests", 0)),
                    group=str(signup.get("group", "")),
                    by=ref(signup.get("by")),
                    at=signup["at"],
                    over=taken > int(shift["hands"]),
                )
            )
        hours = []
        for hours_id, entry in sorted(content.get("hours", {}).items()):
            if not isinstance(entry, dict) or entry.get("shift") != shift_id:
                continue
            confirmed = entry.get("confirmed_by") in owners
            confirmed_total += int(entry["minutes"]) if confirmed else 0
            hours.append(
                HoursView(
                    id=hours_id,
                    person=ref(entry["person"]),
                    minutes=int(entry["minutes"]),
                    by=ref(entry.get("by")),
                    at=entry["at"],
                    confirmed=confirmed,
                    confirmed_by=ref(entry["confirmed_by"]) if confirmed else None,
                )
            )
        shifts.append(
            ShiftView(
                id=shift_id,
                start=shift["start"],
                end=shift["end"],
                hands=int(shift["hands"]),
                taken=taken,
                signups=signups,
                hours=hours,
                over=taken > int(shift["hands"]),
                started=shift["start"] <= at,
                ended=shift["end"] <= at,
            )
        )
    shifts.sort(key=lambda s: (s.start, s.id))
    organisation = content.get("organisation")
    organisation_name = (
        read_field(node, [organisation], "organisation", "name").get(organisation)
        if isinstance(organisation, str)
        else None
    )
    place = content.get("place") or {}
    return JobView(
        id=content["id"],
        title=str(content["title"]),
        about=str(content.get("about", "")),
        organisation_id=organisation if isinstance(organisation, str) else None,
        organisation_name=organisation_name,
        owners=sorted((ref(p) for p in owners), key=lambda r: r.display_name.casefold()),
        village=str(place.get("village", "")),
        neighbourhood=str(place.get("neighbourhood", "")),
        address=str(content.get("address", "")),
        support=str(content.get("support", "")),
        size=str(content.get("size", "small")),
        status=str(content.get("status", "open")),
        shifts=shifts,
        confirmed_minutes=confirmed_total,
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        version=encode_version(heads),
    )


async def get_job(node: Node, job_id: str) -> JobView:
    content, heads = await read_with_heads(node, job_id, "job")
    return await asyncio.to_thread(build_job, node, content, heads, node.clock())
