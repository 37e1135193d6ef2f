"""The read model of one initiative, built from its document: allies by role, needs open first,
the plan in working order, news newest first, and how far the plan has come."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads
from .rights import EDITORS, ROLE_ORDER, WORKERS

if TYPE_CHECKING:
    from ..runtime import Node


class AllyView(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str
    role: str
    offer: str
    organisation: str | None
    organisation_name: str | None
    since: datetime


class NeedView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str
    description: str
    skill: str
    amount_cents: int | None
    fulfilled: bool
    created_at: datetime
    created_by: str


class TaskView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    status: str
    owner: str | None
    owner_name: str | None
    due: str | None
    created_at: datetime
    created_by: str
    done_at: datetime | None


class UpdateView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    body: str
    at: datetime
    by: str
    by_name: str


class InitiativeView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    summary: str
    description: str
    village: str
    neighbourhood: str
    tags: list[str]
    status: str
    origin_node: str
    created_at: datetime
    created_by: str
    allies: list[AllyView]
    """Initiators, coordinators, joiners, supporters; each group longest-standing first."""
    needs: list[NeedView]
    """Open needs first, then met ones; oldest first within each."""
    tasks: list[TaskView]
    """Unfinished tasks by due date (undated last), then finished ones, most recent first."""
    updates: list[UpdateView]
    """Newest first."""
    tasks_done: int
    tasks_total: int
    progress_percent: int
    version: str
    """Put it in edit forms (InitiativeForm.version) so concurrent edits merge."""

    def role_of(self, person_id: str | None) -> str | None:
        return next((a.role for a in self.allies if a.person_id == person_id), None)

    def can_edit(self, person_id: str | None) -> bool:
        """May this person edit the core fields and needs (the services enforce the same)?"""
        return self.role_of(person_id) in EDITORS

    def can_work(self, person_id: str | None) -> bool:
        """May this person add, take and finish tasks and post news?"""
        return self.role_of(person_id) in WORKERS


def _task_order(task: TaskView) -> tuple[Any, ...]:
    if task.status == "done":
        finished = task.done_at.timestamp() if task.done_at else 0.0
        return (1, "", -finished, task.id)
    return (0, task.due or "9999-99-99", task.created_at.timestamp(), task.id)


def _build(content: dict[str, Any], heads: list[bytes], node: Node) -> InitiativeView:
    allies: dict[str, Any] = content.get("allies", {})
    tasks: dict[str, Any] = content.get("plan", {}).get("tasks", {})
    updates: dict[str, Any] = content.get("updates", {})
    people = set(allies)
    people.update(t["owner"] for t in tasks.values() if t.get("owner"))
    people.update(u["by"] for u in updates.values())
    names = display_names(node, people)
    organisations = read_field(
        node,
        {a["organisation"] for a in allies.values() if a.get("organisation")},
        "organisation",
        "name",
    )
    ally_views = [
        AllyView(
            person_id=pid,
            display_name=names[pid],
            role=a["role"],
            offer=a.get("offer", ""),
            organisation=a.get("organisation"),
            organisation_name=organisations.get(a.get("organisation") or ""),
            since=a["since"],
        )
        for pid, a in allies.items()
    ]
    rank = {role: index for index, role in enumerate(ROLE_ORDER)}
    ally_views.sort(key=lambda a: (rank.get(a.role, len(rank)), a.since, a.person_id))
    task_views = sorted(
        (
            TaskView(
                id=tid,
                title=t["title"],
                status=t["status"],
                owner=t.get("owner"),
                owner_name=names[t["owner"]] if t.get("owner") else None,
                due=t.get("due"),
                created_at=t["created_at"],
                created_by=t["created_by"],
                done_at=t.get("done_at"),
            )
            for tid, t in tasks.items()
        ),
        key=_task_order,
    )
    done = sum(1 for t in task_views if t.status == "done")
    place = content.get("place") or {}
    return InitiativeView(
        id=content["id"],
        title=content["title"],
        summary=content.get("summary", ""),
        description=content.get("description", ""),
        village=place.get("village", ""),
        neighbourhood=place.get("neighbourhood", ""),
        tags=list(content.get("tags", [])),
        status=content["status"],
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        created_by=content["created_by"],
        allies=ally_views,
        needs=sorted(
            (
                NeedView(
                    id=nid,
                    kind=n["kind"],
                    description=n["description"],
                    skill=n.get("skill", ""),
                    amount_cents=n.get("amount_cents"),
                    fulfilled=n["fulfilled"],
                    created_at=n["created_at"],
                    created_by=n["created_by"],
                )
                for nid, n in content.get("needs", {}).items()
            ),
            key=lambda n: (n.fulfilled, n.created_at, n.id),
        ),
        tasks=task_views,
        updates=sorted(
            (
                UpdateView(
                    id=uid,
                    title=u["title"],
                    body=u["body"],
                    at=u["at"],
                    by=u["by"],
                    by_name=names[u["by"]],
                )
                for uid, u in updates.items()
            ),
            key=lambda u: (u.at, u.id),
            reverse=True,
        ),
        tasks_done=done,
        tasks_total=len(task_views),
        progress_percent=round(100 * done / len(task_views)) if task_views else 0,
        version=encode_version(heads),
    )


async def get_initiative(node: Node, initiative_id: str) -> InitiativeView:
    """The initiative as a page shows it; NotFound when this node does not hold it."""
    content, heads = await read_with_heads(node, initiative_id, "initiative")
    return await asyncio.to_thread(_build, content, heads, node)
