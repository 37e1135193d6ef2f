"""Register, log in, log out, erase oneself. The accounts themselves (password hashes,
throttling, erasure) are node's."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from node import accounts
from node.errors import Invalid
from node.people.erasure import erase_resident
from node.phrases import N_

from ..deps import SESSION_PERSON, ActingDep, Db, NodeDep
from ..sessions import start_session
from .common import FORM, form_page, login_first, refused, safe_next, see_other


@get("/inloggen", name="login", include_in_schema=False)
async def login_page(acting: ActingDep, next: FromQuery[str] = "/") -> Template | Redirect:
    if acting is not None:
        return see_other(safe_next(next))
    return form_page("accounts/login.html", None, next=next)


@post("/inloggen", include_in_schema=False)
async def login(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    data: Annotated[accounts.LoginForm, FORM],
    next: FromQuery[str] = "/",
) -> Template | Redirect:
    try:
        client = request.client.host if request.client else None
        acting = await accounts.login(node, db, data, client=client)
    except Invalid as exc:
        await db.rollback()
        return refused("accounts/login.html", data, exc, next=next)
    start_session(request, {SESSION_PERSON: acting.person_id})
    return see_other(safe_next(next))


@get("/registreren", name="register", include_in_schema=False)
async def register_page(acting: ActingDep) -> Template | Redirect:
    if acting is not None:
        return see_other(f"/mensen/{acting.person_id}")
    return form_page("accounts/register.html", None)


@post("/registreren", include_in_schema=False)
async def register(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    data: Annotated[accounts.RegisterForm, FORM],
) -> Template | Redirect:
    try:
        acting = await accounts.register(node, db, data)
    except Invalid as exc:
        await db.rollback()
        return refused("accounts/register.html", data, exc)
    start_session(request, {SESSION_PERSON: acting.person_id})
    return see_other(f"/mensen/{acting.person_id}")


@post("/uitloggen", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return see_other("/")


class EraseForm(msgspec.Struct, kw_only=True):
    confirm: str = ""
    """"ja" when the person ticked that they understand it cannot be undone."""


ERASE_PAGE = "accounts/erase.html"


@get("/mijn/wissen", name="erase", include_in_schema=False)
async def erase_page(request: Request[Any, Any, Any], acting: ActingDep) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page(ERASE_PAGE, None)


@post("/mijn/wissen", include_in_schema=False)
async def erase(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    data: Annotated[EraseForm, FORM],
) -> Template | Redirect:
    """Erase the person logged in (docs/trust.md §4): account here, their words everywhere."""
    if acting is None:
        return login_first(request)
    if data.confirm != "ja":
        problem = Invalid("confirm", N_("Vink aan dat u begrijpt dat dit niet terug kan."))
        return refused(ERASE_PAGE, data, problem)
    await erase_resident(node, db, acting.person_id)
    await db.commit()
    replicator = getattr(request.app.state, "replicator", None)
    if replicator is not None:
        await replicator.erase_now()
    request.clear_session()
    return see_other("/?gewist=1")


ROUTES = [login_page, login, register_page, register, logout, erase_page, erase]
