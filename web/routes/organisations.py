"""Organisation pages: the municipality, the broadcaster, associations — ordinary participants."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from node.acting import Acting
from node.errors import Invalid
from node.organisations import service
from node.organisations.forms import MemberForm, OrganisationForm
from node.organisations.views import get_organisation
from node.projection import directory
from node.projection.events import events_of
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, home_village, login_first, refused, see_other

OrganisationId = FromPath[str]
FORM_PAGE = "organisations/form.html"


@get("/organisaties", name="organisations", include_in_schema=False)
async def organisations_page(db: Db, acting: ActingDep) -> Template:
    results = await directory.list_organisations(db)
    return Template("organisations/list.html", context={"results": results, "acting": acting})


async def _detail(
    node: Node, acting: Acting | None, organisation_id: str, status_code: int = 200, **extra: Any
) -> Template:
    org = await get_organisation(node, organisation_id)
    async with node.sessions() as session:
        events = await events_of(session, org.id, node.clock())
    context = {
        "org": org,
        "events": events,
        "organiser": org.id,
        "can_plan": org.role_of(acting.person_id if acting else None) is not None,
        "acting": acting,
        "my_role": org.role_of(acting.person_id if acting else None),
        "local": org.origin_node == node.identity.node_id,
        "home_village": await home_village(node, org.origin_node),
        **extra,
    }
    return Template("organisations/detail.html", context=context, status_code=status_code)


@get("/organisaties/{organisation_id:str}", name="organisation", include_in_schema=False)
async def organisation_page(
    node: NodeDep, acting: ActingDep, organisation_id: OrganisationId
) -> Template:
    return await _detail(node, acting, organisation_id)


@get("/organisaties/nieuw", include_in_schema=False)
async def new_organisation_page(
    request: Request[Any, Any, Any], acting: ActingDep
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page(FORM_PAGE, OrganisationForm(name=""), action="/organisaties", editing=False)


@post("/organisaties", include_in_schema=False)
async def create_organisation(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[OrganisationForm, FORM]
) -> Template | Redirect:
    try:
        new_id = await service.create_organisation(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(FORM_PAGE, data, exc, action="/organisaties", editing=False)
    return see_other(f"/organisaties/{new_id}")


@get("/organisaties/{organisation_id:str}/bewerken", include_in_schema=False)
async def edit_organisation_page(
    request: Request[Any, Any, Any],
    node: NodeDep,
    acting: ActingDep,
    organisation_id: OrganisationId,
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    org = await get_organisation(node, organisation_id)
    form = OrganisationForm(
        name=org.name,
        kind=org.kind,
        about=org.about,
        village=org.village,
        neighbourhood=org.neighbourhood,
        website=org.website,
        version=org.version,
    )
    return form_page(FORM_PAGE, form, action=f"/organisaties/{org.id}/bewerken", editing=True)


@post("/organisaties/{organisation_id:str}/bewerken", include_in_schema=False)
async def edit_organisation(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: OrganisationId,
    data: Annotated[OrganisationForm, FORM],
) -> Template | Redirect:
    try:
        await service.edit_organisation(node, db, acting, organisation_id, data)
    except Invalid as exc:
        await db.rollback()
        action = f"/organisaties/{organisation_id}/bewerken"
        return refused(FORM_PAGE, data, exc, action=action, editing=True)
    return see_other(f"/organisaties/{organisation_id}")


@post("/organisaties/{organisation_id:str}/leden", include_in_schema=False)
async def add_member(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: OrganisationId,
    data: Annotated[MemberForm, FORM],
) -> Template | Redirect:
    try:
        await service.add_member(node, db, acting, organisation_id, data)
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, organisation_id, 400, member_error=exc.phrase)
    return see_other(f"/organisaties/{organisation_id}")


@post(
    "/organisaties/{organisation_id:str}/leden/{person_id:str}/verwijderen",
    include_in_schema=False,
)
async def remove_member(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: OrganisationId,
    person_id: FromPath[str],
) -> Template | Redirect:
    try:
        await service.remove_member(node, db, acting, organisation_id, person_id)
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, organisation_id, 400, member_error=exc.phrase)
    return see_other(f"/organisaties/{organisation_id}")


ROUTES = [
    organisations_page,
    new_organisation_page,
    create_organisation,
    organisation_page,
    edit_organisation_page,
    edit_organisation,
    add_member,
    remove_member,
]
