"""Tasks with a due date across the node, for the node's calendar feed."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .hidden import visible
from .models import InitiativeRow
from .models import InitiativeTaskRow as Task

MAX_TASKS = 1_000
"""A calendar holds at most this many tasks (nearest due date first from `since`)."""


class DatedTask(msgspec.Struct, frozen=True, kw_only=True):
    initiative_id: str
    initiative_title: str
    task_id: str
    title: str
    status: str
    due: date
    created_at: datetime | None
    done_at: datetime | None


async def dated_tasks(
    session: AsyncSession, *, since: date, limit: int = MAX_TASKS, include_hidden: bool = False
) -> list[DatedTask]:
    """Tasks due on or after `since`, earliest first, of initiatives not hidden here."""
    statement = (
        select(
            Task.initiative_id,
            InitiativeRow.title.label("initiative_title"),
            Task.task_id,
            Task.title,
            Task.status,
            Task.due,
            Task.created_at,
            Task.done_at,
        )
        .join(InitiativeRow, InitiativeRow.id == Task.initiative_id)
        .where(Task.due.is_not(None), Task.due >= since)
        .where(*await visible(session, Task.initiative_id, include_hidden))
        .order_by(Task.due, Task.initiative_id, Task.task_id)
        .limit(max(1, min(limit, MAX_TASKS)))
    )
    rows = (await session.execute(statement)).all()
    return [
        DatedTask(
            initiative_id=row.initiative_id,
            initiative_title=row.initiative_title,
            task_id=row.task_id,
            title=row.title,
            status=row.status,
            due=row.due,
            created_at=row.created_at,
            done_at=row.done_at,
        )
        for row in rows
    ]
