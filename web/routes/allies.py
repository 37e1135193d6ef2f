"""An initiative's allies: support it, join with an offer (perhaps on behalf of an organisation),
leave, and make an ally coordinator. Each answers htmx with the allies section."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest

from node.errors import Invalid
from node.initiatives import allies
from node.initiatives.forms import JoinForm

from ..deps import ActingDep, Db, NodeDep
from .common import FORM
from .initiatives import InitiativeId, section


@post("/initiatieven/{initiative_id:str}/steunen", include_in_schema=False)
async def support(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
) -> Response[Any]:
    error = None
    try:
        await allies.support_initiative(node, db, acting, initiative_id)
    except Invalid as exc:
        error = exc
    extra = {"ally_error": error.message} if error else {}
    return await section(
        request, node, db, acting, initiative_id, "_allies.html", "medestanders", error, **extra
    )


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
            "_allies.html",
            "medestanders",
            exc,
            join_form=data,
            join_errors={exc.field: exc.message},
        )
    return await section(request, node, db, acting, initiative_id, "_allies.html", "medestanders")


@post("/initiatieven/{initiative_id:str}/verlaten", include_in_schema=False)
async def leave(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
) -> Response[Any]:
    error = None
    try:
        await allies.leave_initiative(node, db, acting, initiative_id)
    except Invalid as exc:
        error = exc
    extra = {"ally_error": error.message} if error else {}
    return await section(
        request, node, db, acting, initiative_id, "_allies.html", "medestanders", error, **extra
    )


@post("/initiatieven/{initiative_id:str}/coordinator/{person_id:str}", include_in_schema=False)
async def make_coordinator(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    person_id: FromPath[str],
) -> Response[Any]:
    error = None
    try:
        await allies.make_coordinator(node, db, acting, initiative_id, person_id)
    except Invalid as exc:
        error = exc
    extra = {"ally_error": error.message} if error else {}
    return await section(
        request, node, db, acting, initiative_id, "_allies.html", "medestanders", error, **extra
    )


ROUTES = [support, join, leave, make_coordinator]
