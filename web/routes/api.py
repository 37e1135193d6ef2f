"""The JSON API under /api: the same resources and the same node services as the pages,
documented by the OpenAPI schema at /schema. It uses the page's session cookie; writes need the
CSRF token in the `x-csrftoken` header (the `mekaar_csrf` cookie's value). Errors are JSON:
{"error": "invalid" | "forbidden" | "not_found" | "csrf", "message": "...", "field": "..."}, the
message in the request's language (Accept-Language, else the node's MEKAAR_LANGUAGE, Dutch).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Response, Router, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from node import projection
from node.acting import require_login
from node.alliance.views import AllianceView, get_alliance
from node.discussions import service as discussions
from node.discussions.forms import CommentForm, DiscussionForm
from node.discussions.pages import COMMENTS_PER_PAGE, comment_page
from node.discussions.views import DiscussionView, get_discussion
from node.errors import Invalid, NotFound, PermissionDenied
from node.grants import service as grants
from node.grants.forms import (
    ApplicationForm,
    CallForm,
    ConflictForm,
    DecisionForm,
    DrawForm,
    ReportForm,
    ScoreForm,
    VolunteerForm,
)
from node.grants.views import CallView, get_call
from node.initiatives import allies, core, needs, plan
from node.initiatives.forms import InitiativeForm, JoinForm, NeedForm, NewInitiative, TaskForm
from node.initiatives.views import InitiativeView, get_initiative
from node.jobs import service as job_service
from node.jobs.forms import HoursForm, JobForm, SignupForm
from node.jobs.views import JobView, get_job
from node.ledger import service as ledger_service
from node.ledger.service import ChargeForm, PartnerForm
from node.ledger.views import AccountView, get_account
from node.organisations.views import OrganisationView, get_organisation
from node.people.views import PersonView, get_person
from node.phrases import N_
from node.places import service as places_service
from node.places.forms import BookingForm, DeclineForm, HostForm, PlaceForm, RoomForm
from node.places.views import BookingView, PlaceView, RoomWeek, get_place, room_week
from node.polls import service as poll_service
from node.polls.forms import OutcomeForm, PollForm, VoteForm
from node.polls.views import PollView, get_poll
from node.projection import (
    Candidate,
    DiscussionSummary,
    InitiativeSummary,
    OrganisationSummary,
    Page,
    SearchHit,
)
from node.projection.grants import GrantCallSummary, list_grant_calls
from node.projection.jobs import JobSummary, list_jobs
from node.projection.places import PlaceSummary, list_places, places_booked_by

from ..deps import ActingDep, Db, NodeDep
from .api_events import HANDLERS as EVENT_HANDLERS
from .api_types import Created


class Me(msgspec.Struct, frozen=True):
    person_id: str
    display_name: str
    roles: list[str]


class NodeInfo(msgspec.Struct, frozen=True):
    node_id: str
    name: str


# ---------------------------------------------------------------------------- reading


@get("/node", summary="This node: its id and name")
async def node_info(node: NodeDep) -> NodeInfo:
    return NodeInfo(node_id=node.identity.node_id, name=node.identity.name)


@get("/me", summary="Who is logged in (null when nobody)")
async def me(acting: ActingDep) -> Me | None:
    if acting is None:
        return None
    return Me(acting.person_id, acting.display_name, sorted(acting.roles))


@get("/initiatives", summary="Initiatives, filtered and searched")
async def list_initiatives(
    db: Db,
    village: FromQuery[str | None] = None,
    neighbourhood: FromQuery[str | None] = None,
    tag: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    needs_kind: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
    per_page: FromQuery[int] = 20,
) -> Page[InitiativeSummary]:
    return await projection.list_initiatives(
        db,
        village=village,
        neighbourhood=neighbourhood,
        tag=tag,
        status=status,
        needs_kind=needs_kind,
        query=q,
        page=page,
        per_page=per_page,
    )


@get("/initiatives/{initiative_id:str}", summary="One initiative with allies, needs, plan, news")
async def read_initiative(node: NodeDep, initiative_id: FromPath[str]) -> InitiativeView:
    return await get_initiative(node, initiative_id)


@get("/initiatives/{initiative_id:str}/matches", summary="Who has what the initiative needs")
async def matches(db: Db, initiative_id: FromPath[str]) -> list[Candidate]:
    return await projection.who_has_what_we_need(db, initiative_id)


@get("/discussions", summary="Current topics and initiatives' threads")
async def list_discussions(
    db: Db,
    initiative: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
    per_page: FromQuery[int] = 20,
) -> Page[DiscussionSummary]:
    return await projection.list_discussions(
        db, initiative=initiative, query=q, page=page, per_page=per_page
    )


@get("/discussions/{discussion_id:str}", summary="One discussion with its comments")
async def read_discussion(
    node: NodeDep,
    discussion_id: FromPath[str],
    page: FromQuery[int | None] = None,
    per_page: FromQuery[int] = COMMENTS_PER_PAGE,
) -> Response[DiscussionView]:
    """Every comment in thread order; with `page`, one page of them (`per_page` 1 to 500), and the
    totals in the X-Total-Count and X-Page-Count headers, as a long thread wants."""
    discussion = await get_discussion(node, discussion_id)
    if page is None:
        return Response(discussion)
    size = min(max(per_page, 1), 500)
    shown = comment_page(discussion.comments, page, size)
    headers = {"X-Total-Count": str(shown.total), "X-Page-Count": str(shown.count)}
    return Response(msgspec.structs.replace(discussion, comments=shown.comments), headers=headers)


@get("/people/{person_id:str}", summary="A public profile")
async def read_person(node: NodeDep, person_id: FromPath[str]) -> PersonView:
    return await get_person(node, person_id)


@get("/organisations", summary="Organisations")
async def list_organisations(
    db: Db, kind: FromQuery[str | None] = None, page: FromQuery[int] = 1
) -> Page[OrganisationSummary]:
    return await projection.list_organisations(db, kind=kind, page=page)


@get("/organisations/{organisation_id:str}", summary="One organisation with its members")
async def read_organisation(node: NodeDep, organisation_id: FromPath[str]) -> OrganisationView:
    return await get_organisation(node, organisation_id)


@get("/search", summary="Search initiatives, discussions, people and organisations")
async def search(db: Db, q: FromQuery[str] = "") -> list[SearchHit]:
    return await projection.search(db, q)


# ---------------------------------------------------------------------------- writing


@post("/initiatives", status_code=HTTP_201_CREATED, summary="Post an initiative")
async def create_initiative(
    node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[NewInitiative]
) -> Created:
    return Created(await core.post_initiative(node, db, acting, data))


@put("/initiatives/{initiative_id:str}", summary="Edit an initiative's core fields")
async def update_initiative(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: FromPath[str],
    data: JSONBody[InitiativeForm],
) -> InitiativeView:
    await core.edit_initiative(node, db, acting, initiative_id, data)
    return await get_initiative(node, initiative_id)


@post("/initiatives/{initiative_id:str}/support", status_code=HTTP_200_OK, summary="Support")
async def support(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: FromPath[str]
) -> InitiativeView:
    await allies.support_initiative(node, db, acting, initiative_id)
    return await get_initiative(node, initiative_id)


@post("/initiatives/{initiative_id:str}/join", status_code=HTTP_200_OK, summary="Join, offering")
async def join(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: FromPath[str], data: JSONBody[JoinForm]
) -> InitiativeView:
    await allies.join_initiative(node, db, acting, initiative_id, data)
    return await get_initiative(node, initiative_id)


@post(
    "/initiatives/{initiative_id:str}/leave", status_code=HTTP_200_OK, summary="Stop being an ally"
)
async def leave(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: FromPath[str]
) -> InitiativeView:
    await allies.leave_initiative(node, db, acting, initiative_id)
    return await get_initiative(node, initiative_id)


@post("/initiatives/{initiative_id:str}/needs", status_code=HTTP_201_CREATED, summary="Add a need")
async def add_need(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: FromPath[str], data: JSONBody[NeedForm]
) -> Created:
    return Created(await needs.add_need(node, db, acting, initiative_id, data))


@post("/initiatives/{initiative_id:str}/tasks", status_code=HTTP_201_CREATED, summary="Add a task")
async def add_task(
    node: NodeDep, db: Db, acting: ActingDep, initiative_id: FromPath[str], data: JSONBody[TaskForm]
) -> Created:
    return Created(await plan.add_task(node, db, acting, initiative_id, data))


@post(
    "/initiatives/{initiative_id:str}/tasks/{task_id:str}/take",
    status_code=HTTP_200_OK,
    summary="Take a task",
)
async def take_task(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: FromPath[str],
    task_id: FromPath[str],
) -> InitiativeView:
    await plan.take_task(node, db, acting, initiative_id, task_id)
    return await get_initiative(node, initiative_id)


@post(
    "/initiatives/{initiative_id:str}/tasks/{task_id:str}/done",
    status_code=HTTP_200_OK,
    summary="Mark a task done",
)
async def complete_task(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    initiative_id: FromPath[str],
    task_id: FromPath[str],
) -> InitiativeView:
    await plan.complete_task(node, db, acting, initiative_id, task_id)
    return await get_initiative(node, initiative_id)


@post("/discussions", status_code=HTTP_201_CREATED, summary="Start a discussion")
async def start_discussion(
    node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[DiscussionForm]
) -> Created:
    return Created(await discussions.start_discussion(node, db, acting, data))


@post(
    "/discussions/{discussion_id:str}/comments",
    status_code=HTTP_201_CREATED,
    summary="Comment, or reply with reply_to",
)
async def comment(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    discussion_id: FromPath[str],
    data: JSONBody[CommentForm],
) -> Created:
    return Created(await discussions.comment(node, db, acting, discussion_id, data))


# ---------------------------------------------------------------------------- micro-grants


@get("/grant-calls", summary="Micro-grant calls: open ones first")
async def grant_calls(
    node: NodeDep, db: Db, page: FromQuery[int] = 1, per_page: FromQuery[int] = 20
) -> Page[GrantCallSummary]:
    return await list_grant_calls(db, node.clock(), page=page, per_page=per_page)


@get("/grant-calls/{call_id:str}", summary="One call: rounds, jury and its lot, applications")
async def read_grant_call(node: NodeDep, call_id: FromPath[str]) -> CallView:
    return await get_call(node, call_id)


@post("/grant-calls", status_code=HTTP_201_CREATED, summary="Open a call with its first round")
async def open_grant_call(
    node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[CallForm]
) -> Created:
    return Created(await grants.open_call(node, db, acting, data))


@post(
    "/grant-calls/{call_id:str}/applications",
    status_code=HTTP_201_CREATED,
    summary="Apply for an initiative (budget lines as parallel lists what/amount)",
)
async def apply_for_grant(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: FromPath[str],
    data: JSONBody[ApplicationForm],
) -> Created:
    return Created(await grants.apply(node, db, acting, call_id, data))


@post(
    "/grant-calls/{call_id:str}/volunteers",
    status_code=HTTP_200_OK,
    summary="Offer to sit on a jury",
)
async def volunteer_for_jury(
    node: NodeDep, db: Db, acting: ActingDep, call_id: FromPath[str], data: JSONBody[VolunteerForm]
) -> CallView:
    await grants.volunteer(node, db, acting, call_id, data)
    return await get_call(node, call_id)


@post(
    "/grant-calls/{call_id:str}/rounds/{round_id:str}/draw",
    status_code=HTTP_200_OK,
    summary="Draw the round's jury by lot (owners, after the deadline)",
)
async def draw_grant_jury(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: FromPath[str],
    round_id: FromPath[str],
    data: JSONBody[DrawForm],
) -> CallView:
    await grants.draw_jury(node, db, acting, call_id, round_id, data)
    return await get_call(node, call_id)


@post(
    "/grant-calls/{call_id:str}/applications/{application_id:str}/{action:str}",
    status_code=HTTP_200_OK,
    summary="score, conflict, decision or report on an application",
)
async def act_on_application(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    call_id: FromPath[str],
    application_id: FromPath[str],
    action: FromPath[str],
    data: JSONBody[dict[str, Any]],
) -> CallView:
    forms: dict[str, tuple[type[Any], Any]] = {
        "score": (ScoreForm, grants.score),
        "conflict": (ConflictForm, grants.declare_conflict),
        "decision": (DecisionForm, grants.decide),
        "report": (ReportForm, grants.report),
    }
    if action not in forms:
        raise NotFound(N_("handeling"))
    form_type, service = forms[action]
    try:
        form = msgspec.convert(data, form_type)
    except msgspec.ValidationError as exc:
        raise Invalid(action, str(exc)) from None
    await service(node, db, acting, call_id, application_id, form)
    return await get_call(node, call_id)


# ---------------------------------------------------------------------------- Doe-plek


class Charged(msgspec.Struct, frozen=True):
    id: str
    confirmed: bool | None
    """The home node's answer: None while it has not seen the spend (another village)."""


@get("/jobs", summary="Doe-plek jobs: upcoming ones first")
async def jobs(
    node: NodeDep, db: Db, page: FromQuery[int] = 1, per_page: FromQuery[int] = 20
) -> Page[JobSummary]:
    return await list_jobs(db, node.clock(), page=page, per_page=per_page)


@get("/jobs/{job_id:str}", summary="One job with its shifts, sign-ups and hours")
async def read_job(node: NodeDep, job_id: FromPath[str]) -> JobView:
    return await get_job(node, job_id)


@post("/jobs", status_code=HTTP_201_CREATED, summary="Ask help with a job (with its first shift)")
async def post_job(node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[JobForm]) -> Created:
    return Created(await job_service.post_job(node, db, acting, data))


@post("/jobs/{job_id:str}/signups", status_code=HTTP_201_CREATED, summary="Sign up for a shift")
async def sign_up_for_job(
    node: NodeDep, db: Db, acting: ActingDep, job_id: FromPath[str], data: JSONBody[SignupForm]
) -> Created:
    return Created(await job_service.sign_up(node, db, acting, job_id, data))


@post("/jobs/{job_id:str}/hours", status_code=HTTP_201_CREATED, summary="Hours given in a shift")
async def record_job_hours(
    node: NodeDep, db: Db, acting: ActingDep, job_id: FromPath[str], data: JSONBody[HoursForm]
) -> Created:
    return Created(await job_service.record_hours(node, db, acting, job_id, data))


@post(
    "/jobs/{job_id:str}/hours/{hours_id:str}/confirm",
    status_code=HTTP_200_OK,
    summary="Confirm hours (the job's owners): they earn Doe-punten",
)
async def confirm_job_hours(
    node: NodeDep, db: Db, acting: ActingDep, job_id: FromPath[str], hours_id: FromPath[str]
) -> JobView:
    await job_service.confirm_hours(node, db, acting, job_id, hours_id)
    return await get_job(node, job_id)


@get("/me/credits", summary="My Doe-punten: balance (minutes) and entries")
async def my_credits(node: NodeDep, acting: ActingDep) -> AccountView:
    if acting is None:
        raise PermissionDenied(N_("Log eerst in om dit te doen."))
    return await get_account(node, acting.person_id)


@post(
    "/organisations/{organisation_id:str}/partner",
    status_code=HTTP_200_OK,
    summary="Let the organisation take Doe-punten (its admins)",
)
async def join_as_partner(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: FromPath[str],
    data: JSONBody[PartnerForm],
) -> None:
    await ledger_service.join_as_partner(node, db, acting, organisation_id, data)


@post(
    "/organisations/{organisation_id:str}/charges",
    status_code=HTTP_201_CREATED,
    summary="Take Doe-punten from someone (a partner's members); pending until their home confirms",
)
async def charge(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    organisation_id: FromPath[str],
    data: JSONBody[ChargeForm],
) -> Charged:
    entry, answer = await ledger_service.charge(node, db, acting, organisation_id, data)
    return Charged(entry, answer)


# ---------------------------------------------------------------------------- decisions


@get(
    "/alliances/{alliance_id:str}",
    summary="An alliance of villages: each member's figures, the totals, the skills directory",
)
async def read_alliance(
    node: NodeDep, alliance_id: FromPath[str], q: FromQuery[str] = ""
) -> AllianceView:
    return await get_alliance(node, alliance_id, q)


@get(
    "/polls/{poll_id:str}",
    summary="A poll: options, tally and votes (hidden until the close if it says so)",
)
async def read_poll(node: NodeDep, acting: ActingDep, poll_id: FromPath[str]) -> PollView:
    return await get_poll(node, poll_id, acting.person_id if acting else None)


@post(
    "/polls", status_code=HTTP_201_CREATED, summary="Put a decision to a discussion or initiative"
)
async def start_poll(node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[PollForm]) -> Created:
    return Created(await poll_service.start_poll(node, db, acting, data))


@post("/polls/{poll_id:str}/votes", status_code=HTTP_200_OK, summary="Vote, or change one's vote")
async def vote_in_poll(
    node: NodeDep, db: Db, acting: ActingDep, poll_id: FromPath[str], data: JSONBody[VoteForm]
) -> PollView:
    await poll_service.vote(node, db, acting, poll_id, data)
    return await get_poll(node, poll_id, acting.person_id if acting else None)


@post("/polls/{poll_id:str}/close", status_code=HTTP_200_OK, summary="Close with an outcome")
async def close_poll(
    node: NodeDep, db: Db, acting: ActingDep, poll_id: FromPath[str], data: JSONBody[OutcomeForm]
) -> PollView:
    await poll_service.close_poll(node, db, acting, poll_id, data)
    return await get_poll(node, poll_id, acting.person_id if acting else None)


# ---------------------------------------------------------------------------- places and rooms


@get("/places", summary="Places with rooms (zalenzoeker), filtered")
async def places(
    db: Db,
    kind: FromQuery[str] = "",
    village: FromQuery[str] = "",
    step_free: FromQuery[bool] = False,
    people: FromQuery[int] = 0,
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    per_page: FromQuery[int] = 20,
) -> Page[PlaceSummary]:
    return await list_places(
        db,
        kind=kind,
        village=village,
        step_free=step_free,
        people=people,
        query=q or None,
        page=page,
        per_page=per_page,
    )


@get("/places/{place_id:str}", summary="One place: details, rooms, bookings and their conflicts")
async def read_place(node: NodeDep, place_id: FromPath[str]) -> PlaceView:
    return await get_place(node, place_id)


@post("/places", status_code=HTTP_201_CREATED, summary="Add a place; you become its host")
async def open_place(
    node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[PlaceForm]
) -> Created:
    return Created(await places_service.open_place(node, db, acting, data))


@put("/places/{place_id:str}", summary="Edit a place's details (hosts)")
async def edit_place(
    node: NodeDep, db: Db, acting: ActingDep, place_id: FromPath[str], data: JSONBody[PlaceForm]
) -> PlaceView:
    await places_service.edit_place(node, db, acting, place_id, data)
    return await get_place(node, place_id)


@post("/places/{place_id:str}/hosts", status_code=HTTP_200_OK, summary="Add a host (hosts)")
async def add_place_host(
    node: NodeDep, db: Db, acting: ActingDep, place_id: FromPath[str], data: JSONBody[HostForm]
) -> PlaceView:
    await places_service.add_host(node, db, acting, place_id, data)
    return await get_place(node, place_id)


@post("/places/{place_id:str}/rooms", status_code=HTTP_201_CREATED, summary="Add a room (hosts)")
async def add_room(
    node: NodeDep, db: Db, acting: ActingDep, place_id: FromPath[str], data: JSONBody[RoomForm]
) -> Created:
    return Created(await places_service.save_room(node, db, acting, place_id, data))


@put("/places/{place_id:str}/rooms/{room_id:str}", summary="Change a room (hosts)")
async def edit_room(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    place_id: FromPath[str],
    room_id: FromPath[str],
    data: JSONBody[RoomForm],
) -> PlaceView:
    await places_service.save_room(node, db, acting, place_id, data, room_id)
    return await get_place(node, place_id)


@get(
    "/places/{place_id:str}/rooms/{room_id:str}/week",
    summary="A room's requested and confirmed bookings, day by day, for the week of `day`",
)
async def room_availability(
    node: NodeDep, place_id: FromPath[str], room_id: FromPath[str], day: FromQuery[str] = ""
) -> RoomWeek:
    place = await get_place(node, place_id)
    room = place.room(room_id)
    if room is None:
        raise NotFound(N_("zaal"))
    try:
        wanted = date.fromisoformat(day) if day else node.clock().date()
    except ValueError:
        raise Invalid("day", N_("Geef een geldige datum, bijvoorbeeld 2025-06-14.")) from None
    return room_week(place, room, wanted)


@post(
    "/places/{place_id:str}/bookings",
    status_code=HTTP_201_CREATED,
    summary="Request a room for a time (start and end as ISO 8601; local time without offset)",
)
async def request_booking(
    node: NodeDep, db: Db, acting: ActingDep, place_id: FromPath[str], data: JSONBody[BookingForm]
) -> Created:
    return Created(await places_service.request_booking(node, db, acting, place_id, data))


@post(
    "/places/{place_id:str}/bookings/{booking_id:str}/{action:str}",
    status_code=HTTP_200_OK,
    summary="confirm or decline (hosts, decline with a reason), cancel (the requester)",
)
async def act_on_booking(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    place_id: FromPath[str],
    booking_id: FromPath[str],
    action: FromPath[str],
    data: JSONBody[dict[str, Any]],
) -> PlaceView:
    if action == "confirm":
        await places_service.confirm_booking(node, db, acting, place_id, booking_id)
    elif action == "cancel":
        await places_service.cancel_booking(node, db, acting, place_id, booking_id)
    elif action == "decline":
        try:
            form = msgspec.convert(data, DeclineForm)
        except msgspec.ValidationError as exc:
            raise Invalid("reason", str(exc)) from None
        await places_service.decline_booking(node, db, acting, place_id, booking_id, form)
    else:
        raise NotFound(N_("handeling"))
    return await get_place(node, place_id)


@get("/my-bookings", summary="The logged-in person's booking requests, by place")
async def my_bookings(node: NodeDep, db: Db, acting: ActingDep) -> list[BookingView]:
    me = require_login(acting)
    found: list[BookingView] = []
    for place_id in await places_booked_by(db, me.person_id):
        found += (await get_place(node, place_id)).bookings_of(me.person_id)
    return found


HANDLERS: list[Any] = [
    node_info,
    me,
    list_initiatives,
    read_initiative,
    matches,
    list_discussions,
    read_discussion,
    read_person,
    list_organisations,
    read_organisation,
    search,
    create_initiative,
    update_initiative,
    support,
    join,
    leave,
    add_need,
    add_task,
    take_task,
    complete_task,
    start_discussion,
    comment,
    grant_calls,
    read_grant_call,
    open_grant_call,
    apply_for_grant,
    volunteer_for_jury,
    draw_grant_jury,
    act_on_application,
    jobs,
    read_job,
    post_job,
    sign_up_for_job,
    record_job_hours,
    confirm_job_hours,
    my_credits,
    join_as_partner,
    charge,
    read_alliance,
    read_poll,
    start_poll,
    vote_in_poll,
    close_poll,
    places,
    read_place,
    open_place,
    edit_place,
    add_place_host,
    add_room,
    edit_room,
    room_availability,
    request_booking,
    act_on_booking,
    my_bookings,
    *EVENT_HANDLERS,
]
ROUTES = [Router(path="/api", route_handlers=HANDLERS, tags=["api"])]
