"""What is planned on a date: the entries of the node's calendars, independent of any format.

Today only plan tasks with a due date are entries (`kind="task"`, a whole day). Events with a
start and end time are a later addition: they become entries with `kind="event"` and `starts`/
`ends` set, and every calendar built from entries shows them without other changes.

An entry's `uid` is the same on every request and after every edit (the initiative id, the task
id, and this node's id), so a calendar app that subscribed updates the entry in place instead of
adding a copy; whoever publishes the same task from another node gives it another uid.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from ..projection.agenda import dated_tasks
from ..projection.content import day as parse_day
from .views import InitiativeView

PAST_DAYS = 365
"""The node's calendar starts this many days ago: old tasks leave it, recent ones stay visible."""


class AgendaEntry(msgspec.Struct, frozen=True, kw_only=True):
    uid: str
    kind: Literal["task"]
    title: str
    """What residents wrote: plain text, untrusted."""
    initiative_id: str
    initiative_title: str
    day: date
    """The whole day it falls on (a task's due date)."""
    done: bool
    changed_at: datetime
    """When the entry last changed as far as the document tells (created, or finished)."""


def entry_uid(initiative_id: str, item_id: str, node_id: str) -> str:
    return f"{initiative_id}-{item_id}@{node_id}"


def _changed(created_at: datetime | None, done_at: datetime | None) -> datetime:
    moments = [m for m in (created_at, done_at) if m is not None]
    return max(moments) if moments else datetime(2000, 1, 1, tzinfo=UTC)


def initiative_agenda(initiative: InitiativeView, node_id: str) -> list[AgendaEntry]:
    """The initiative's tasks that have a due date, earliest first (done ones included)."""
    entries = []
    for task in initiative.tasks:
        due = parse_day(task.due)
        if due is None:
            continue
        entries.append(
            AgendaEntry(
                uid=entry_uid(initiative.id, task.id, node_id),
                kind="task",
                title=task.title,
                initiative_id=initiative.id,
                initiative_title=initiative.title,
                day=due,
                done=task.status == "done",
                changed_at=_changed(task.created_at, task.done_at),
            )
        )
    entries.sort(key=lambda e: (e.day, e.uid))
    return entries


async def node_agenda(
    session: AsyncSession, node_id: str, *, today: date | None = None
) -> list[AgendaEntry]:
    """Dated tasks of every initiative shown on this node, from PAST_DAYS ago on, earliest first."""
    since = (today or datetime.now(UTC).date()) - timedelta(days=PAST_DAYS)
    return [
        AgendaEntry(
            uid=entry_uid(task.initiative_id, task.task_id, node_id),
            kind="task",
            title=task.title,
            initiative_id=task.initiative_id,
            initiative_title=task.initiative_title,
            day=task.due,
            done=task.status == "done",
            changed_at=_changed(task.created_at, task.done_at),
        )
        for task in await dated_tasks(session, since=since)
    ]
