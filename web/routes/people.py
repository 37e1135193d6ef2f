"""Profile pages, editing one's own profile, and "mijn initiatieven, mijn taken"."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from node import projection
from node.errors import Invalid, PermissionDenied
from node.people.forms import ProfileForm
from node.people.service import edit_profile
from node.people.views import get_person
from node.phrases import N_
from node.projection import directory, listing

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, login_first, refused, see_other

PersonId = FromPath[str]
FORM_PAGE = "people/form.html"


@get("/mensen/{person_id:str}", name="person", include_in_schema=False)
async def person_page(node: NodeDep, db: Db, acting: ActingDep, person_id: PersonId) -> Template:
    person = await get_person(node, person_id)
    is_me = acting is not None and acting.person_id == person.id
    initiatives = await listing.my_initiatives(db, person.id, include_hidden=is_me)
    context = {
        "person": person,
        "acting": acting,
        "is_me": is_me,
        "initiatives": initiatives,
        "home_village": (await projection.village_names(db)).get(person.origin_node),
    }
    return Template("people/detail.html", context=context)


@get("/mensen/{person_id:str}/bewerken", include_in_schema=False)
async def edit_profile_page(
    request: Request[Any, Any, Any], node: NodeDep, acting: ActingDep, person_id: PersonId
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    if acting.person_id != person_id:
        raise PermissionDenied(N_("Je kunt alleen je eigen profiel aanpassen."))
    person = await get_person(node, person_id)
    form = ProfileForm(
        display_name=person.display_name,
        village=person.village,
        neighbourhood=person.neighbourhood,
        skills=", ".join(person.skills),
        offers="\n".join(person.offers),
        about=person.about,
        in_alliance_directory=person.in_alliance_directory,
    )
    return form_page(FORM_PAGE, form, person_id=person.id)


@post("/mensen/{person_id:str}/bewerken", include_in_schema=False)
async def save_profile(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    person_id: PersonId,
    data: Annotated[ProfileForm, FORM],
) -> Template | Redirect:
    try:
        await edit_profile(node, db, acting, person_id, data)
    except Invalid as exc:
        await db.rollback()
        return refused(FORM_PAGE, data, exc, person_id=person_id)
    return see_other(f"/mensen/{person_id}")


@get("/mijn", name="mine", include_in_schema=False)
async def mine(request: Request[Any, Any, Any], db: Db, acting: ActingDep) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    context = {
        "acting": acting,
        "tasks": await listing.my_tasks(db, acting.person_id, include_done=True),
        "initiatives": await listing.my_initiatives(db, acting.person_id),
        "discussions": await directory.my_discussions(db, acting.person_id),
    }
    return Template("me/index.html", context=context)


ROUTES = [person_page, edit_profile_page, save_profile, mine]
