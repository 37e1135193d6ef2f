"""The action plan board of an initiative: add a task, take it, mark it done."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest

from node.errors import Invalid, NotFound
from node.initiatives import plan
from node.initiatives.forms import TaskForm
from node.phrases import N_

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, with_action_key
from .initiatives import InitiativeId, section

TaskId = FromPath[str]


@post("/initiatieven/{initiative_id:str}/taken", include_in_schema=False)
async def add_task(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[TaskForm, FORM],
) -> Response[Any]:
    try:
        await plan.add_task(node, db, acting, initiative_id, with_action_key(request, data))
    except Invalid as exc:
        extra = {"task_form": data, "task_errors": {exc.field: exc.phrase}}
        return await section(
            request, node, db, acting, initiative_id, "_plan.html", "plan", exc, **extra
        )
    return await section(request, node, db, acting, initiative_id, "_plan.html", "plan")


TASK_ACTIONS = {
    "oppakken": plan.take_task,
    "teruggeven": plan.release_task,
    "klaar": plan.complete_task,
    "heropenen": plan.reopen_task,
}
"""The path word of each action on one task (take, give back, done, not done after all)."""


@post("/initiatieven/{initiative_id:str}/taken/{task_id:str}/{action:str}", include_in_schema=False)
async def task_action(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    task_id: TaskId,
    action: FromPath[str],
) -> Response[Any]:
    change = TASK_ACTIONS.get(action)
    if change is None:
        raise NotFound(N_("actie"))
    try:
        await change(node, db, acting, initiative_id, task_id)
    except Invalid as exc:
        extra = {"task_errors": {exc.field: exc.phrase}}
        return await section(
            request, node, db, acting, initiative_id, "_plan.html", "plan", exc, **extra
        )
    return await section(request, node, db, acting, initiative_id, "_plan.html", "plan")


ROUTES = [add_task, task_action]
