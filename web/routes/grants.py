"""Micro-grant pages ("Wijk aan Zet"): the list of calls, opening one, applying, the jury lot,
scoring, deciding and reporting. Every form works without JavaScript (POST, then a redirect to
the call's page); a refused form comes back with what was typed and the reason beside it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from node import projection
from node.acting import Acting
from node.errors import Invalid
from node.grants import service
from node.grants.forms import (
    ApplicationForm,
    CallForm,
    ConflictForm,
    DecisionForm,
    DrawForm,
    ReportForm,
    RoundForm,
    ScoreForm,
    VolunteerForm,
)
from node.grants.views import CallView, get_call
from node.projection.grants import list_grant_calls
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, home_village, login_first, refused, see_other

CallId = FromPath[str]
ItemId = FromPath[str]
CALL_FORM = "grants/form.html"
APPLY_FORM = "grants/apply.html"
BUDGET_ROWS = 5
"""Empty budget rows an application form offers (no JavaScript needed to add lines)."""


@get("/subsidies", name="grant_calls", include_in_schema=False)
async def calls_page(node: NodeDep, db: Db, acting: ActingDep) -> Template:
    results = await list_grant_calls(db, node.clock())
    return Template("grants/list.html", context={"results": results, "acting": acting})


async def _detail(
    node: Node,
    acting: Acting | None,
    call_id: str,
    status_code: int = 200,
    *,
    errors: dict[str, Any] | None = None,
    typed: Any = None,
) -> Template:
    """The call's page. `errors` maps a form (by key: "volunteer", "draw-<round>", "score-<app>",
    "decide-<app>", "report-<app>", "conflict-<app>", "round") to its message; `typed` is what
    that form sent, shown again."""
    call = await get_call(node, call_id)
    me = acting.person_id if acting else None
    context = {
        "call": call,
        "acting": acting,
        "is_owner": call.is_owner(me),
        "juror_of": call.juror_of(me),
        "local": call.origin_node == node.identity.node_id,
        "home_village": await home_village(node, call.origin_node),
        "errors": errors or {},
        "typed": typed,
    }
    return Template("grants/detail.html", context=context, status_code=status_code)


@get("/subsidies/{call_id:str}", name="grant_call", include_in_schema=False)
async def call_page(node: NodeDep, acting: ActingDep, call_id: CallId) -> Template:
    return await _detail(node, acting, call_id)


@get("/subsidies/nieuw", include_in_schema=False)
async def new_call_page(request: Request[Any, Any, Any], acting: ActingDep) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page(CALL_FORM, CallForm(title=""), action="/subsidies")


@post("/subsidies", include_in_schema=False)
async def open_call(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[CallForm, FORM]
) -> Template | Redirect:
    try:
        call_id = await service.open_call(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(CALL_FORM, data, exc, action="/subsidies")
    return see_other(f"/subsidies/{call_id}")


async def _my_initiatives(db: Db, acting: Acting) -> list[tuple[str, str]]:
    """(id, title) of the initiatives this person may apply for."""
    mine = await projection.my_initiatives(db, acting.person_id)
    return [
        (m.initiative.id, m.initiative.title)
        for m in mine
        if m.role in ("initiator", "coordinator")
    ]


def _apply_page(
    call: CallView,
    form: ApplicationForm,
    initiatives: list[tuple[str, str]],
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    whats = [form.what] if isinstance(form.what, str) else list(form.what)
    amounts = [form.amount] if isinstance(form.amount, str) else list(form.amount)
    rows = list(zip(whats, amounts, strict=False))
    rows += [("", "")] * max(BUDGET_ROWS - len(rows), 1)
    return form_page(
        APPLY_FORM,
        form,
        errors,
        status_code=status_code,
        call=call,
        initiatives=initiatives,
        rows=rows,
        action=f"/subsidies/{call.id}/aanvragen",
    )


@get("/subsidies/{call_id:str}/aanvragen", include_in_schema=False)
async def apply_page(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    ronde: FromQuery[str] = "",
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    call = await get_call(node, call_id)
    open_rounds = call.open_rounds()
    round_id = ronde or (open_rounds[-1].id if open_rounds else "")
    form = ApplicationForm(round=round_id, initiative="", title="")
    return _apply_page(call, form, await _my_initiatives(db, acting))


@post("/subsidies/{call_id:str}/aanvragen", include_in_schema=False)
async def apply(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    data: Annotated[ApplicationForm, FORM],
) -> Template | Redirect:
    try:
        await service.apply(node, db, acting, call_id, data)
    except Invalid as exc:
        await db.rollback()
        call = await get_call(node, call_id)
        mine = await _my_initiatives(db, acting) if acting else []
        return _apply_page(call, data, mine, {exc.field: exc.phrase}, 400)
    return see_other(f"/subsidies/{call_id}")


async def _acted(
    node: Node, db: Db, acting: Acting | None, call_id: str, key: str, typed: Any, action: Any
) -> Template | Redirect:
    """Run a form's action; on Invalid the call's page again with the reason at that form."""
    try:
        await action
    except Invalid as exc:
        await db.rollback()
        errors = {key: exc.phrase}
        return await _detail(node, acting, call_id, 400, errors=errors, typed=typed)
    return see_other(f"/subsidies/{call_id}#{key}")


@post("/subsidies/{call_id:str}/rondes", include_in_schema=False)
async def add_round(
    node: NodeDep, db: Db, acting: ActingDep, call_id: CallId, data: Annotated[RoundForm, FORM]
) -> Template | Redirect:
    action = service.add_round(node, db, acting, call_id, data)
    return await _acted(node, db, acting, call_id, "ronde-toevoegen", data, action)


@post("/subsidies/{call_id:str}/jury", include_in_schema=False)
async def volunteer(
    node: NodeDep, db: Db, acting: ActingDep, call_id: CallId, data: Annotated[VolunteerForm, FORM]
) -> Template | Redirect:
    action = service.volunteer(node, db, acting, call_id, data)
    return await _acted(node, db, acting, call_id, "jury", data, action)


@post("/subsidies/{call_id:str}/jury/afmelden", include_in_schema=False)
async def stop_volunteering(
    node: NodeDep, db: Db, acting: ActingDep, call_id: CallId
) -> Template | Redirect:
    action = service.stop_volunteering(node, db, acting, call_id)
    return await _acted(node, db, acting, call_id, "jury", None, action)


@post("/subsidies/{call_id:str}/rondes/{round_id:str}/loting", include_in_schema=False)
async def draw_jury(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    round_id: ItemId,
    data: Annotated[DrawForm, FORM],
) -> Template | Redirect:
    action = service.draw_jury(node, db, acting, call_id, round_id, data)
    return await _acted(node, db, acting, call_id, f"loting-{round_id}", data, action)


@post("/subsidies/{call_id:str}/aanvragen/{application_id:str}/intrekken", include_in_schema=False)
async def withdraw(
    node: NodeDep, db: Db, acting: ActingDep, call_id: CallId, application_id: ItemId
) -> Template | Redirect:
    action = service.withdraw(node, db, acting, call_id, application_id)
    return await _acted(node, db, acting, call_id, f"aanvraag-{application_id}", None, action)


@post("/subsidies/{call_id:str}/aanvragen/{application_id:str}/belang", include_in_schema=False)
async def declare_conflict(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    application_id: ItemId,
    data: Annotated[ConflictForm, FORM],
) -> Template | Redirect:
    action = service.declare_conflict(node, db, acting, call_id, application_id, data)
    return await _acted(node, db, acting, call_id, f"belang-{application_id}", data, action)


@post("/subsidies/{call_id:str}/aanvragen/{application_id:str}/score", include_in_schema=False)
async def score(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    application_id: ItemId,
    data: Annotated[ScoreForm, FORM],
) -> Template | Redirect:
    action = service.score(node, db, acting, call_id, application_id, data)
    return await _acted(node, db, acting, call_id, f"score-{application_id}", data, action)


@post("/subsidies/{call_id:str}/aanvragen/{application_id:str}/besluit", include_in_schema=False)
async def decide(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    application_id: ItemId,
    data: Annotated[DecisionForm, FORM],
) -> Template | Redirect:
    action = service.decide(node, db, acting, call_id, application_id, data)
    return await _acted(node, db, acting, call_id, f"besluit-{application_id}", data, action)


@post("/subsidies/{call_id:str}/aanvragen/{application_id:str}/verslag", include_in_schema=False)
async def report(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: CallId,
    application_id: ItemId,
    data: Annotated[ReportForm, FORM],
) -> Template | Redirect:
    action = service.report(node, db, acting, call_id, application_id, data)
    return await _acted(node, db, acting, call_id, f"verslag-{application_id}", data, action)


ROUTES = [
    calls_page,
    new_call_page,
    open_call,
    call_page,
    apply_page,
    apply,
    add_round,
    volunteer,
    stop_volunteering,
    draw_jury,
    withdraw,
    declare_conflict,
    score,
    decide,
    report,
]
