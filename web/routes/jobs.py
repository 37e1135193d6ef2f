"""Doe-plek pages: jobs ("klussen") that shops, associations and the municipality ask help with,
signing up for a shift alone or as a group, giving and confirming hours; and the community
currency: one's own Doe-punten, and a partner's page to join and to take credits. Every form
works without JavaScript (POST, then a redirect); a refused form comes back with the reason."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from node.acting import Acting
from node.errors import Invalid
from node.jobs import service
from node.jobs.forms import HoursForm, JobForm, ShiftForm, SignupForm
from node.jobs.views import get_job
from node.ledger import service as ledger
from node.ledger.service import ChargeForm, PartnerForm
from node.ledger.views import get_account, get_partners
from node.organisations import get_organisation
from node.projection.jobs import list_jobs
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, home_village, login_first, refused, see_other

JobId = FromPath[str]
ItemId = FromPath[str]
JOB_FORM = "jobs/form.html"


@get("/klussen", name="jobs", include_in_schema=False)
async def jobs_page(node: NodeDep, db: Db, acting: ActingDep) -> Template:
    results = await list_jobs(db, node.clock())
    return Template("jobs/list.html", context={"results": results, "acting": acting})


async def _detail(
    node: Node,
    acting: Acting | None,
    job_id: str,
    status_code: int = 200,
    *,
    errors: dict[str, Any] | None = None,
    typed: Any = None,
) -> Template:
    """The job's page; `errors` maps a form's key ("aanmelden-<shift>", "uren-<shift>",
    "shift", "status", "uren-bevestigen") to its message, `typed` is what it sent."""
    job = await get_job(node, job_id)
    context = {
        "job": job,
        "acting": acting,
        "is_owner": job.is_owner(acting.person_id if acting else None),
        "local": job.origin_node == node.identity.node_id,
        "home_village": await home_village(node, job.origin_node),
        "errors": errors or {},
        "typed": typed,
    }
    return Template("jobs/detail.html", context=context, status_code=status_code)


@get("/klussen/{job_id:str}", name="job", include_in_schema=False)
async def job_page(node: NodeDep, acting: ActingDep, job_id: JobId) -> Template:
    return await _detail(node, acting, job_id)


@get("/klussen/nieuw", include_in_schema=False)
async def new_job_page(
    request: Request[Any, Any, Any], acting: ActingDep, voor: FromQuery[str] = ""
) -> Template | Redirect:
    """`voor`: the initiative the job is for (linked from its impact page)."""
    if acting is None:
        return login_first(request)
    return form_page(JOB_FORM, JobForm(title="", initiative=voor), action="/klussen")


@post("/klussen", include_in_schema=False)
async def post_job(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[JobForm, FORM]
) -> Template | Redirect:
    try:
        job_id = await service.post_job(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(JOB_FORM, data, exc, action="/klussen")
    return see_other(f"/klussen/{job_id}")


async def _acted(
    node: Node, db: Db, acting: Acting | None, job_id: str, key: str, typed: Any, action: Any
) -> Template | Redirect:
    try:
        await action
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, job_id, 400, errors={key: exc.phrase}, typed=typed)
    return see_other(f"/klussen/{job_id}#{key}")


@post("/klussen/{job_id:str}/aanmelden", include_in_schema=False)
async def sign_up(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, data: Annotated[SignupForm, FORM]
) -> Template | Redirect:
    action = service.sign_up(node, db, acting, job_id, data)
    return await _acted(node, db, acting, job_id, f"shift-{data.shift}", data, action)


@post("/klussen/{job_id:str}/aanmeldingen/{signup_id:str}/afmelden", include_in_schema=False)
async def withdraw_signup(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, signup_id: ItemId
) -> Template | Redirect:
    action = service.withdraw_signup(node, db, acting, job_id, signup_id)
    return await _acted(node, db, acting, job_id, "shifts", None, action)


@post("/klussen/{job_id:str}/uren", include_in_schema=False)
async def record_hours(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, data: Annotated[HoursForm, FORM]
) -> Template | Redirect:
    action = service.record_hours(node, db, acting, job_id, data)
    return await _acted(node, db, acting, job_id, f"shift-{data.shift}", data, action)


@post("/klussen/{job_id:str}/uren/{hours_id:str}/bevestigen", include_in_schema=False)
async def confirm_hours(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, hours_id: ItemId
) -> Template | Redirect:
    action = service.confirm_hours(node, db, acting, job_id, hours_id)
    return await _acted(node, db, acting, job_id, "shifts", None, action)


@post("/klussen/{job_id:str}/shifts", include_in_schema=False)
async def add_shift(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, data: Annotated[ShiftForm, FORM]
) -> Template | Redirect:
    action = service.add_shift(node, db, acting, job_id, data)
    return await _acted(node, db, acting, job_id, "shift-toevoegen", data, action)


@post("/klussen/{job_id:str}/status/{status:str}", include_in_schema=False)
async def set_status(
    node: NodeDep, db: Db, acting: ActingDep, job_id: JobId, status: FromPath[str]
) -> Template | Redirect:
    action = service.set_status(node, db, acting, job_id, status)
    return await _acted(node, db, acting, job_id, "status", None, action)


# ---------------------------------------------------------------------------- Doe-punten


@get("/mijn/doe-punten", include_in_schema=False)
async def my_credits(
    request: Request[Any, Any, Any], node: NodeDep, acting: ActingDep
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    account = await get_account(node, acting.person_id)
    partners = await get_partners(node)
    return Template(
        "jobs/credits.html", context={"account": account, "partners": partners, "acting": acting}
    )


async def _partner_page(
    node: Node,
    acting: Acting | None,
    organisation_id: str,
    status_code: int = 200,
    *,
    errors: dict[str, Any] | None = None,
    typed: Any = None,
    answer: str | None = None,
) -> Template:
    org = await get_organisation(node, organisation_id)
    partners = {p.organisation_id: p for p in await get_partners(node)}
    context = {
        "org": org,
        "acting": acting,
        "my_role": org.role_of(acting.person_id if acting else None),
        "partner": partners.get(org.id),
        "errors": errors or {},
        "typed": typed,
        "answer": answer,
    }
    return Template("jobs/partner.html", context=context, status_code=status_code)


@get("/organisaties/{organisation_id:str}/doe-punten", include_in_schema=False)
async def partner_page(
    node: NodeDep, acting: ActingDep, organisation_id: FromPath[str], uitkomst: FromQuery[str] = ""
) -> Template:
    answer = uitkomst if uitkomst in ("bevestigd", "wacht", "geweigerd") else None
    return await _partner_page(node, acting, organisation_id, answer=answer)


@post("/organisaties/{organisation_id:str}/doe-punten/partner", include_in_schema=False)
async def join_as_partner(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: FromPath[str],
    data: Annotated[PartnerForm, FORM],
) -> Template | Redirect:
    try:
        await ledger.join_as_partner(node, db, acting, organisation_id, data)
    except Invalid as exc:
        errors = {"partner": exc.phrase}
        return await _partner_page(node, acting, organisation_id, 400, errors=errors, typed=data)
    return see_other(f"/organisaties/{organisation_id}/doe-punten")


@post("/organisaties/{organisation_id:str}/doe-punten/afrekenen", include_in_schema=False)
async def charge(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: FromPath[str],
    data: Annotated[ChargeForm, FORM],
) -> Template | Redirect:
    try:
        _entry, answer = await ledger.charge(node, db, acting, organisation_id, data)
    except Invalid as exc:
        errors = {exc.field: exc.phrase}
        return await _partner_page(node, acting, organisation_id, 400, errors=errors, typed=data)
    outcome = {True: "bevestigd", False: "geweigerd", None: "wacht"}[answer]
    return see_other(f"/organisaties/{organisation_id}/doe-punten?uitkomst={outcome}")


ROUTES = [
    jobs_page,
    new_job_page,
    post_job,
    job_page,
    sign_up,
    withdraw_signup,
    record_hours,
    confirm_hours,
    add_shift,
    set_status,
    my_credits,
    partner_page,
    join_as_partner,
    charge,
]
