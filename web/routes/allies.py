"""An initiative's allies: support it, join with an offer (perhaps on behalf of an organisation),
leave, and (initiators) make an ally coordinator. Each answers htmx with the allies section, and
the plan board out of band: whether one may work on the plan follows from one's role."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from litestar import Response, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from sqlalchemy.ext.asyncio import AsyncSession

from node.acting import Acting
from node.errors import Invalid
from node.initiatives import allies
from node.initiatives.forms import JoinForm
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM
from .initiatives import InitiativeId, section

PARTIAL = "_allies_and_plan.html"


async def _allies_after(
    change: Awaitable[None],
    request: HTMXRequest,
    node: Node,
    db: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
) -> Response[Any]:
    """Make the change and show the allies section; a refused change shows its message there."""
    try:
        await change
    except Invalid as exc:
        return await section(
            request,
            node,
            db,
            acting,
            initiative_id,
            PARTIAL,
            "medestanders",
            exc,
            ally_error=exc.phrase,
        )
    return await section(request, node, db, acting, initiative_id, PARTIAL, "medestanders")


@post("/initiatieven/{initiative_id:str}/steunen", include_in_schema=False)
async def support(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
) -> Response[Any]:
    change = allies.support_initiative(node, db, acting, initiative_id)
    return await _allies_after(change, request, node, db, acting, initiative_id)


@post("/initiatieven/{initiative_id:str}/aansluiten", include_in_schema=False)
async def join(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[JoinForm, FORM],
) -> Response[Any]:
    try:
        await allies.join_initiative(node, db, acting, initiative_id, data)
    except Invalid as exc:
        return await section(
            request,
            node,
            db,
            acting,
            initiative_id,
            PARTIAL,
            "medestanders",
            exc,
            join_form=data,
            join_errors={exc.field: exc.phrase},
        )
    return await section(request, node, db, acting, initiative_id, PARTIAL, "medestanders")


@post("/initiatieven/{initiative_id:str}/verlaten", include_in_schema=False)
async def leave(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
) -> Response[Any]:
    change = allies.leave_initiative(node, db, acting, initiative_id)
    return await _allies_after(change, request, node, db, acting, initiative_id)


@post("/initiatieven/{initiative_id:str}/coordinator/{person_id:str}", include_in_schema=False)
async def make_coordinator(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    person_id: FromPath[str],
) -> Response[Any]:
    change = allies.make_coordinator(node, db, acting, initiative_id, person_id)
    return await _allies_after(change, request, node, db, acting, initiative_id)


ROUTES = [support, join, leave, make_coordinator]
