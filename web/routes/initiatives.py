"""Initiatives: the list with filters and search, one initiative's page, posting and editing it,
and the actions on it (needs, status, news). Allies are in allies.py, the action plan in plan.py.

Every action is a plain form POST that works without JavaScript (303 back to the page); with htmx
the same handler answers with the section it changed. Invalid input shows the form again with the
message next to the field and everything typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from node import accounts, projection
from node.acting import Acting
from node.errors import Invalid, NotFound
from node.initiatives import core, needs, updates
from node.initiatives.forms import (
    InitiativeForm,
    NeedForm,
    NewInitiative,
    UpdateForm,
)
from node.initiatives.views import get_initiative
from node.phrases import N_, Phrase
from node.projection import directory, listing
from node.projection.events import events_of
from node.projection.polls import polls_about
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from ..page_cache import anonymous_page
from ..rendering import NEED_KINDS, STATUS_LABELS
from .common import FORM, form_page, login_first, refused, see_other, wants_partial

InitiativeId = FromPath[str]
FORM_PAGE = "initiatives/form.html"


class StatusForm(msgspec.Struct):
    status: str = ""


class NeedDoneForm(msgspec.Struct):
    fulfilled: bool = False


# ---------------------------------------------------------------------------- list


@get("/", name="home", include_in_schema=False)
async def home(
    request: HTMXRequest,
    db: Db,
    acting: ActingDep,
    zoek: FromQuery[str] = "",
    wijk: FromQuery[str] = "",
    label: FromQuery[str] = "",
    stand: FromQuery[str] = "",
    nodig: FromQuery[str] = "",
    pagina: FromQuery[int] = 1,
) -> Template | Response[bytes]:
    """The list and search page; the same for every visitor who is not logged in (cached)."""
    filters = {"zoek": zoek, "wijk": wijk, "label": label, "stand": stand, "nodig": nodig}
    return await anonymous_page(request, db, lambda: _home(request, db, acting, filters, pagina))


async def _home(
    request: HTMXRequest,
    db: AsyncSession,
    acting: Acting | None,
    filters: dict[str, str],
    pagina: int,
) -> Template:
    zoek, wijk, label = filters["zoek"], filters["wijk"], filters["label"]
    stand, nodig = filters["stand"], filters["nodig"]
    errors: dict[str, Phrase] = {}
    try:
        results = await listing.list_initiatives(
            db,
            neighbourhood=wijk or None,
            tag=label or None,
            status=stand or None,
            needs_kind=nodig or None,
            query=zoek or None,
            page=pagina,
        )
    except Invalid as exc:
        errors[exc.field] = exc.phrase
        results = await listing.list_initiatives(db)
    context: dict[str, Any] = {
        "results": results,
        "filters": filters,
        "errors": errors,
        "acting": acting,
        "query_for": lambda page: urlencode({**filters, "pagina": page}),
        "villages": await projection.village_names(db),
    }
    if wants_partial(request):
        return Template("_initiative_list.html", context=context)
    context.update(
        neighbourhoods=[(f.value, f.label) for f in await listing.neighbourhood_facets(db)],
        tags=[(f.value, f.label) for f in await listing.tag_facets(db)],
        statuses=list(STATUS_LABELS.items()),
        need_kinds=list(NEED_KINDS.items()),
    )
    return Template("home.html", context=context)


# ---------------------------------------------------------------------------- one initiative


async def _my_organisations(db: AsyncSession, acting: Acting) -> list[tuple[str, str]]:
    """Organisations one may post on behalf of: (id, name)."""
    mine = await directory.my_organisations(db, acting.person_id)
    return [(org.id, org.name) for _role, org in mine]


async def detail_context(
    node: Node, db: AsyncSession, acting: Acting | None, initiative_id: str, **extra: Any
) -> dict[str, Any]:
    """Everything the initiative page and its sections show. Hidden by a moderator: only its
    allies and the moderators still see it (marked), for everyone else it is not there."""
    initiative = await get_initiative(node, initiative_id)
    me = acting.person_id if acting else None
    hidden = None in await accounts.hidden_items(db, initiative.id)
    if hidden and not (initiative.role_of(me) or (acting and acting.moderates)):
        raise NotFound(N_("initiatief"))
    threads = await directory.list_discussions(db, initiative=initiative.id, per_page=1)
    try:
        matches = await projection.who_has_what_we_need(db, initiative.id, limit=10)
    except NotFound:  # not in the projection (yet): nobody to suggest
        matches = []
    context: dict[str, Any] = {
        "initiative": initiative,
        "acting": acting,
        "my_role": initiative.role_of(me),
        "can_edit": initiative.can_edit(me),
        "can_work": initiative.can_work(me),
        "local": initiative.origin_node == node.identity.node_id,
        "home_village": (await projection.village_names(db)).get(initiative.origin_node),
        "hidden": hidden,
        "matches": [m for m in matches if m.person.id != me],
        "thread": threads.items[0] if threads.items else None,
        "my_organisations": await _my_organisations(db, acting) if acting else [],
        "polls": await polls_about(db, initiative.id, node.clock()),
        "about": initiative.id,
        "events": await events_of(db, initiative.id, node.clock()),
        "organiser": initiative.id,
        "can_plan": initiative.can_edit(me),
    }
    context.update(extra)
    return context


@get("/initiatieven/{initiative_id:str}", name="initiative", include_in_schema=False)
async def initiative_page(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: InitiativeId
) -> Template:
    context = await detail_context(node, db, acting, initiative_id)
    return Template("initiatives/detail.html", context=context)


async def section(
    request: HTMXRequest,
    node: Node,
    db: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    partial: str,
    anchor: str,
    error: Invalid | None = None,
    **extra: Any,
) -> Response[Any]:
    """After an action: the changed section for htmx, else back to the page (or, on invalid
    input, the page again with the message and what was typed)."""
    if error is None and not wants_partial(request):
        return see_other(f"/initiatieven/{initiative_id}#{anchor}")
    if error is not None:
        await db.rollback()
    context = await detail_context(node, db, acting, initiative_id, **extra)
    status = 200 if error is None else 400
    template = f"initiatives/{partial}" if wants_partial(request) else "initiatives/detail.html"
    return Template(template, context=context, status_code=status)


# ---------------------------------------------------------------------------- post and edit


@get("/initiatieven/nieuw", name="new_initiative", include_in_schema=False)
async def new_initiative_page(
    request: HTMXRequest, db: Db, acting: ActingDep
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    organisations = await _my_organisations(db, acting)
    return form_page(
        FORM_PAGE,
        NewInitiative(title=""),
        action="/initiatieven",
        editing=False,
        my_organisations=organisations,
    )


@post("/initiatieven", include_in_schema=False)
async def post_initiative(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    data: Annotated[NewInitiative, FORM],
) -> Template | Redirect:
    try:
        new_id = await core.post_initiative(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        organisations = await _my_organisations(db, acting) if acting else []
        return refused(
            FORM_PAGE,
            data,
            exc,
            action="/initiatieven",
            editing=False,
            my_organisations=organisations,
        )
    return see_other(f"/initiatieven/{new_id}")


@get("/initiatieven/{initiative_id:str}/bewerken", include_in_schema=False)
async def edit_initiative_page(
    request: HTMXRequest,
    node: NodeDep,
    acting: ActingDep,
    initiative_id: InitiativeId,
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    view = await get_initiative(node, initiative_id)
    form = InitiativeForm(
        title=view.title,
        summary=view.summary,
        description=view.description,
        village=view.village,
        neighbourhood=view.neighbourhood,
        tags=", ".join(view.tags),
        version=view.version,
    )
    action = f"/initiatieven/{view.id}/bewerken"
    return form_page(FORM_PAGE, form, action=action, editing=True, initiative_id=view.id)


@post("/initiatieven/{initiative_id:str}/bewerken", include_in_schema=False)
async def edit_initiative(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[InitiativeForm, FORM],
) -> Template | Redirect:
    try:
        await core.edit_initiative(node, db, acting, initiative_id, data)
    except Invalid as exc:
        await db.rollback()
        action = f"/initiatieven/{initiative_id}/bewerken"
        return refused(
            FORM_PAGE, data, exc, action=action, editing=True, initiative_id=initiative_id
        )
    return see_other(f"/initiatieven/{initiative_id}")


# ---------------------------------------------------------------------------- status, needs, news


@post("/initiatieven/{initiative_id:str}/stand", include_in_schema=False)
async def change_status(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[StatusForm, FORM],
) -> Redirect:
    await core.change_status(node, db, acting, initiative_id, data.status)
    return see_other(f"/initiatieven/{initiative_id}")


@post("/initiatieven/{initiative_id:str}/nodig", include_in_schema=False)
async def add_need(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[NeedForm, FORM],
) -> Response[Any]:
    try:
        await needs.add_need(node, db, acting, initiative_id, data)
    except Invalid as exc:
        extra = {"need_form": data, "need_errors": {exc.field: exc.phrase}}
        return await section(
            request, node, db, acting, initiative_id, "_needs.html", "nodig", exc, **extra
        )
    return await section(request, node, db, acting, initiative_id, "_needs.html", "nodig")


@post("/initiatieven/{initiative_id:str}/nodig/{need_id:str}", include_in_schema=False)
async def mark_need(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    need_id: FromPath[str],
    data: Annotated[NeedDoneForm, FORM],
) -> Response[Any]:
    await needs.mark_need(node, db, acting, initiative_id, need_id, data.fulfilled)
    return await section(request, node, db, acting, initiative_id, "_needs.html", "nodig")


@post("/initiatieven/{initiative_id:str}/nieuws", include_in_schema=False)
async def post_update(
    request: HTMXRequest,
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: InitiativeId,
    data: Annotated[UpdateForm, FORM],
) -> Response[Any]:
    try:
        await updates.post_update(node, db, acting, initiative_id, data)
    except Invalid as exc:
        extra = {"update_form": data, "update_errors": {exc.field: exc.phrase}}
        return await section(
            request, node, db, acting, initiative_id, "_updates.html", "nieuws", exc, **extra
        )
    return await section(request, node, db, acting, initiative_id, "_updates.html", "nieuws")


ROUTES = [
    home,
    new_initiative_page,
    post_initiative,
    initiative_page,
    edit_initiative_page,
    edit_initiative,
    change_status,
    add_need,
    mark_need,
    post_update,
]
