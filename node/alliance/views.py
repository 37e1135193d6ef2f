"""An alliance as its overview shows it: every member village with its published figures, the
figures rolled up over all of them, and the skills directory across villages ("wie in de buurt
weet iets van …"), each entry marked with its village. Everything here comes from other nodes:
only known figure names are read, as whole numbers, and texts are bounded; the templates escape
them like any text from elsewhere."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..impact.figures import FIGURES as INITIATIVE_FIGURES
from ..impact.figures import PHASES
from ..projection import content as c
from ..projection.hidden import visible
from ..projection.models import AllianceRow
from ..service import read_document
from .models import AllianceMembershipRow

if TYPE_CHECKING:
    from ..runtime import Node

FIGURES = ("initiatives", *(f"initiatives_{phase}" for phase in PHASES), *INITIATIVE_FIGURES)
MAX_FIGURE = 100_000_000_000
MAX_SHOWN = 500
"""Skills directory entries shown at once (a search narrows them)."""


class MemberView(msgspec.Struct, frozen=True, kw_only=True):
    node_id: str
    village: str
    updated_at: datetime | None
    figures: dict[str, int]


class SkillEntry(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    name: str
    skills: list[str]
    village: str
    node_id: str


class AllianceView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    description: str
    founded_by: str
    """The founding node's id."""
    members: list[MemberView]
    totals: dict[str, int]
    skills: list[SkillEntry]
    """Matching `query` when one was given; at most MAX_SHOWN."""
    skill_count: int
    """All matching entries (before the cap)."""
    query: str


def _figures(value: Any) -> dict[str, int]:
    found = value if isinstance(value, dict) else {}
    return {name: c.integer(found.get(name), 0, MAX_FIGURE) or 0 for name in FIGURES}


def build_alliance(content: dict[str, Any], query: str = "") -> AllianceView:
    members: list[MemberView] = []
    skills: list[SkillEntry] = []
    wanted = c.terms(query[:60])
    for node_id, entry in sorted(c.mapping(content.get("members")).items()):
        if not isinstance(entry, dict):
            continue
        village = c.line(entry.get("village"), 80) or "?"
        members.append(
            MemberView(
                node_id=node_id,
                village=village,
                updated_at=c.moment(entry.get("updated_at")),
                figures=_figures(entry.get("figures")),
            )
        )
        for person_id, shown in c.mapping(entry.get("skills")).items():
            if not isinstance(shown, dict):
                continue
            listed = c.strings(shown.get("skills"), 60, 40)
            name = c.line(shown.get("name"), 80)
            if not name or not listed:
                continue
            if wanted and not any(wanted in c.terms(skill) for skill in listed):
                continue
            skills.append(
                SkillEntry(
                    person_id=person_id[:64],
                    name=name,
                    skills=listed,
                    village=village,
                    node_id=node_id,
                )
            )
    members.sort(key=lambda m: (m.village.casefold(), m.node_id))
    skills.sort(key=lambda s: (s.name.casefold(), s.village.casefold(), s.person_id))
    totals = {name: sum(m.figures[name] for m in members) for name in FIGURES}
    return AllianceView(
        id=str(content["id"]),
        name=c.line(content.get("name"), 200),
        description=c.text(content.get("description"), 2000),
        founded_by=str(content.get("origin_node", "")),
        members=members,
        totals=totals,
        skills=skills[:MAX_SHOWN],
        skill_count=len(skills),
        query=query[:60],
    )


async def get_alliance(node: Node, alliance_id: str, query: str = "") -> AllianceView:
    content = await read_document(node, alliance_id, "alliance")
    return await asyncio.to_thread(build_alliance, content, query)


class AllianceSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    member_count: int
    member_here: bool
    """This node is a member (as its host asked)."""


async def list_alliances(session: AsyncSession) -> list[AllianceSummary]:
    mine = set(
        await session.scalars(
            select(AllianceMembershipRow.alliance_id).where(AllianceMembershipRow.state == "joined")
        )
    )
    rows = await session.execute(
        select(AllianceRow.id, AllianceRow.name, AllianceRow.member_count)
        .where(*(await visible(session, AllianceRow.id, False)))
        .order_by(AllianceRow.name, AllianceRow.id)
        .limit(200)
    )
    return [
        AllianceSummary(id=i, name=n, member_count=m, member_here=i in mine)
        for i, n, m in rows.all()
    ]
