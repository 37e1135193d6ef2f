"""The impact figures, added up from the projection whenever they are asked for (never stored as
truth of their own): allies, hours given, people reached, money raised and granted, tasks done.

Per initiative: what this node holds of it. Per node: the initiatives this node is the home of
(so that an alliance adding up its members counts each initiative once), the hours given on its
own Doe-plek jobs, and the grants decided for its initiatives. Documents this node's moderators
hid count nowhere. Only counts and sums leave this module: never a person's id or name.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import NotFound
from ..phrases import N_
from ..projection.contributions import GRANTED, MINUTES, RAISED, REACHED
from ..projection.hidden import visible
from ..projection.models import ContributionRow, InitiativeAllyRow, InitiativeRow, JobRow

PHASES = ("idea", "looking_for_allies", "active", "done", "paused")
FIGURES = (
    "allies",
    "supporters",
    "joined",
    "minutes_given",
    "people_reached",
    "money_raised_cents",
    "granted_cents",
    "tasks_done",
    "tasks_total",
)
"""The figures of an initiative (and, added up, of a node), by name: open data, alliances."""
JOINED = ("initiator", "coordinator", "joiner")
MAX_LISTED = 200
"""Initiatives listed one by one on the node's page and in its open data (the largest first)."""


class Figures(msgspec.Struct, frozen=True, kw_only=True):
    """One set of figures. people_reached and money_raised_cents: as reported by initiators
    (None for an initiative that reported nothing)."""

    allies: int
    supporters: int
    joined: int
    minutes_given: int
    people_reached: int | None
    money_raised_cents: int | None
    granted_cents: int
    tasks_done: int
    tasks_total: int

    @property
    def hours_given(self) -> float:
        return round(self.minutes_given / 60, 1)

    def published(self) -> dict[str, int]:
        """As an alliance entry and open data carry them: whole numbers, absent ones as 0."""
        return {
            "allies": self.allies,
            "supporters": self.supporters,
            "joined": self.joined,
            "minutes_given": self.minutes_given,
            "people_reached": self.people_reached or 0,
            "money_raised_cents": self.money_raised_cents or 0,
            "granted_cents": self.granted_cents,
            "tasks_done": self.tasks_done,
            "tasks_total": self.tasks_total,
        }


class InitiativeImpact(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    status: str
    origin_node: str
    figures: Figures


class NodeImpact(msgspec.Struct, frozen=True, kw_only=True):
    node_id: str
    village: str
    initiatives: int
    by_phase: dict[str, int]
    """Initiatives per phase (every phase named, 0 when none)."""
    figures: Figures
    per_initiative: list[InitiativeImpact]
    """At most MAX_LISTED, the most allies first."""


async def _sums(
    session: AsyncSession, where: list[Any], initiative_ids: Any = None
) -> dict[str, int]:
    statement = select(ContributionRow.kind, func.sum(ContributionRow.amount)).where(*where)
    if initiative_ids is not None:
        statement = statement.where(ContributionRow.initiative_id.in_(initiative_ids))
    rows = await session.execute(statement.group_by(ContributionRow.kind))
    return {kind: int(total or 0) for kind, total in rows.all()}


async def _reported(session: AsyncSession, initiative_ids: Any, kind: str) -> int | None:
    """The sum of what was reported, or None when nothing was."""
    count, total = (
        await session.execute(
            select(func.count(), func.sum(ContributionRow.amount)).where(
                ContributionRow.kind == kind, ContributionRow.initiative_id.in_(initiative_ids)
            )
        )
    ).one()
    return int(total or 0) if count else None


async def initiative_impact(session: AsyncSession, initiative_id: str) -> InitiativeImpact:
    """The figures of one initiative held here (NotFound when unknown or hidden)."""
    row = await session.scalar(
        select(InitiativeRow).where(
            InitiativeRow.id == initiative_id,
            *(await visible(session, InitiativeRow.id, False)),
        )
    )
    if row is None:
        raise NotFound(N_("initiatief"))
    ids = [initiative_id]
    sums = await _sums(session, [ContributionRow.initiative_id == initiative_id])
    figures = Figures(
        allies=row.supporter_count + row.joiner_count,
        supporters=row.supporter_count,
        joined=row.joiner_count,
        minutes_given=sums.get(MINUTES, 0),
        people_reached=await _reported(session, ids, REACHED),
        money_raised_cents=await _reported(session, ids, RAISED),
        granted_cents=sums.get(GRANTED, 0),
        tasks_done=row.tasks_done,
        tasks_total=row.tasks_total,
    )
    return InitiativeImpact(
        id=row.id, title=row.title, status=row.status, origin_node=row.origin_node, figures=figures
    )


async def node_impact(
    session: AsyncSession, node_id: str, village: str, *, listed: bool = True
) -> NodeImpact:
    """The figures of this node: its own initiatives, its own jobs' hours; `listed`: also each
    initiative's own figures."""
    hidden = await visible(session, InitiativeRow.id, False)
    own = [InitiativeRow.origin_node == node_id, *hidden]
    rows = list((await session.scalars(select(InitiativeRow).where(*own))).all())
    ids = select(InitiativeRow.id).where(*own).scalar_subquery()
    allies = await session.execute(
        select(InitiativeAllyRow.role, func.count(func.distinct(InitiativeAllyRow.person_id)))
        .where(InitiativeAllyRow.initiative_id.in_(ids))
        .group_by(InitiativeAllyRow.role)
    )
    per_role = {role: int(n) for role, n in allies.all()}
    distinct_allies = await session.scalar(
        select(func.count(func.distinct(InitiativeAllyRow.person_id))).where(
            InitiativeAllyRow.initiative_id.in_(ids)
        )
    )
    own_jobs = select(JobRow.id).where(
        JobRow.origin_node == node_id, *(await visible(session, JobRow.id, False))
    )
    minutes = await _sums(session, [ContributionRow.doc_id.in_(own_jobs.scalar_subquery())])
    granted = await _sums(session, [ContributionRow.kind == GRANTED], ids)
    figures = Figures(
        allies=int(distinct_allies or 0),
        supporters=per_role.get("supporter", 0),
        joined=sum(per_role.get(role, 0) for role in JOINED),
        minutes_given=minutes.get(MINUTES, 0),
        people_reached=await _reported(session, ids, REACHED),
        money_raised_cents=await _reported(session, ids, RAISED),
        granted_cents=granted.get(GRANTED, 0),
        tasks_done=sum(r.tasks_done for r in rows),
        tasks_total=sum(r.tasks_total for r in rows),
    )
    by_phase = dict.fromkeys(PHASES, 0)
    for row in rows:
        if row.status in by_phase:
            by_phase[row.status] += 1
    ordered = sorted(rows, key=lambda r: (-(r.supporter_count + r.joiner_count), r.title, r.id))
    per_initiative = [
        await initiative_impact(session, row.id) for row in (ordered[:MAX_LISTED] if listed else [])
    ]
    return NodeImpact(
        node_id=node_id,
        village=village,
        initiatives=len(rows),
        by_phase=by_phase,
        figures=figures,
        per_initiative=per_initiative,
    )
