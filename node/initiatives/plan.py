"""The action plan: tasks that allies add, take on, hand back and finish. Every ally who joined
(initiator, coordinator, joiner) works on the plan; supporters do not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjId
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new
from ..errors import Invalid, NotFound
from ..fields import SHORT_TEXT, clean_date, clean_text, item_id
from ..ids import item_id_for
from ..phrases import N_
from ..service import change_document, now
from .forms import TaskForm
from .rights import require_worker

if TYPE_CHECKING:
    from ..runtime import Node

TaskCheck = Callable[[dict[str, Any], str], None]
"""Looks at the task (as the document holds it) and the acting person's id; raises to refuse."""
TaskEdit = Callable[[Transaction, ObjId], None]


def _task_of(tx: Transaction, task_id: str) -> ObjId:
    task: ObjId = tx.get(tx.get(tx.get(ROOT, "plan"), "tasks"), task_id)
    return task


async def add_task(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, form: TaskForm
) -> str:
    """Add an open task to the plan; returns its id."""
    me = require_login(acting)
    task = {
        "title": clean_text(
            "title", form.title, label=N_("De taak"), max_len=SHORT_TEXT, required=True
        ),
        "owner": None,
        "status": "open",
        "due": clean_date("due", form.due),
        "created_at": now(),
        "created_by": me.person_id,
        "done_at": None,
    }
    task_id = item_id_for(form.idempotency_key, initiative_id, me.person_id)

    def edit(tx: Transaction, _doc: Document) -> None:
        tasks = tx.get(tx.get(ROOT, "plan"), "tasks")
        if tx.get(tasks, task_id) is None:  # a replay of the same post: already added
            put_map(tx, tasks, task_id, task)

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Taak toegevoegd",
        edit,
        check=lambda content: require_worker(content, me.person_id),
    )
    return task_id


async def _task_change(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    task_id: str,
    message: str,
    check_task: TaskCheck,
    edit_task: TaskEdit,
) -> None:
    me = require_login(acting)
    task_id = item_id(task_id, N_("taak"))

    def check(content: dict[str, Any]) -> None:
        require_worker(content, me.person_id)
        task = content["plan"]["tasks"].get(task_id)
        if not isinstance(task, dict):
            raise NotFound(N_("taak"))
        check_task(task, me.person_id)

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        message,
        lambda tx, _doc: edit_task(tx, _task_of(tx, task_id)),
        check=check,
    )


def _not_done(task: dict[str, Any], _person_id: str) -> None:
    if task["status"] == "done":
        raise Invalid("task", N_("Deze taak is al klaar."))


async def take_task(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, task_id: str
) -> None:
    """Take an open task on oneself."""
    me = require_login(acting)

    def check(task: dict[str, Any], person_id: str) -> None:
        _not_done(task, person_id)
        if task["status"] == "taken" and task.get("owner") != person_id:
            raise Invalid("task", N_("Iemand anders heeft deze taak al opgepakt."))

    def edit(tx: Transaction, task: ObjId) -> None:
        put_new(tx, task, "owner", me.person_id)
        put_new(tx, task, "status", "taken")

    await _task_change(node, session, me, initiative_id, task_id, "Taak opgepakt", check, edit)


async def release_task(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, task_id: str
) -> None:
    """Hand a taken task back to the plan, open for someone else."""

    def edit(tx: Transaction, task: ObjId) -> None:
        put_new(tx, task, "owner", None)
        put_new(tx, task, "status", "open")

    await _task_change(
        node, session, acting, initiative_id, task_id, "Taak teruggegeven", _not_done, edit
    )


async def complete_task(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, task_id: str
) -> None:
    """Mark a task done (whoever had it keeps the credit)."""

    def edit(tx: Transaction, task: ObjId) -> None:
        if tx.get(task, "status") != "done":
            tx.put(task, "status", "done")
            tx.put(task, "done_at", now())

    await _task_change(
        node, session, acting, initiative_id, task_id, "Taak afgerond", lambda t, p: None, edit
    )


async def reopen_task(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, task_id: str
) -> None:
    """Undo "done": the task goes back to whoever had it, or is open again."""

    def edit(tx: Transaction, task: ObjId) -> None:
        if tx.get(task, "status") == "done":
            tx.put(task, "status", "taken" if tx.get(task, "owner") else "open")
            tx.put(task, "done_at", None)

    await _task_change(
        node, session, acting, initiative_id, task_id, "Taak heropend", lambda t, p: None, edit
    )
