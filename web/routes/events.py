"""Event pages (activiteiten): the list (upcoming, then past), planning one for an initiative or
organisation, its page with registering (with guests) and taking it back, and the organisers'
edit and cancel. Forms work without JavaScript; a refused form comes back (400) with the reason
and everything typed kept."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from node.acting import Acting, require_login
from node.errors import Invalid
from node.events import service
from node.events.forms import CancelForm, EventForm, RegistrationForm
from node.events.views import get_event, venue_choices
from node.projection.events import list_events, organisers_for
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, home_village, login_first, refused, see_other

EventId = FromPath[str]
EVENT_FORM = "events/form.html"


@get("/activiteiten", name="events", include_in_schema=False)
async def events_page(
    node: NodeDep, db: Db, acting: ActingDep, q: FromQuery[str] = "", page: FromQuery[int] = 1
) -> Template:
    at = node.clock()
    context = {
        "upcoming": await list_events(db, at, query=q or None, page=page),
        "past": await list_events(db, at, past=True, query=q or None, per_page=10),
        "acting": acting,
        "q": q,
    }
    return Template("events/list.html", context=context)


async def _form_context(node: Node, db: AsyncSession, acting: Acting) -> dict[str, Any]:
    return {
        "organisers": await organisers_for(db, acting.person_id),
        "venues": await venue_choices(node, db),
    }


@get("/activiteiten/nieuw", include_in_schema=False)
async def new_event_page(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    voor: FromQuery[str] = "",
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    form = EventForm(title="", organiser=voor)
    context = {"form": form, "errors": {}, **await _form_context(node, db, acting)}
    return Template(EVENT_FORM, context=context)


@post("/activiteiten", include_in_schema=False)
async def plan_event(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[EventForm, FORM]
) -> Template | Redirect:
    try:
        event_id = await service.plan_event(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        context = await _form_context(node, db, require_login(acting))
        return refused(EVENT_FORM, data, exc, **context)
    return see_other(f"/activiteiten/{event_id}")


async def _detail(
    node: Node, acting: Acting | None, event_id: str, status_code: int = 200, **extra: Any
) -> Template:
    event = await get_event(node, event_id, acting.person_id if acting else None)
    context = {
        "event": event,
        "acting": acting,
        "is_organiser": event.is_organiser(acting.person_id if acting else None),
        "local": event.origin_node == node.identity.node_id,
        "home_village": await home_village(node, event.origin_node),
        "started": event.starts_at <= node.clock(),
        "errors": {},
        **extra,
    }
    return Template("events/detail.html", context=context, status_code=status_code)


@get("/activiteiten/{event_id:str}", name="event", include_in_schema=False)
async def event_page(node: NodeDep, acting: ActingDep, event_id: EventId) -> Template:
    return await _detail(node, acting, event_id)


@get("/activiteiten/{event_id:str}/bewerken", include_in_schema=False)
async def edit_event_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep, event_id: EventId
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    event = await get_event(node, event_id, acting.person_id)
    form = EventForm(
        title=event.title,
        description=event.description,
        organiser=event.organiser_id,
        starts=event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        ends=event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        time_zone=event.time_zone,
        venue=f"{event.place_id}/{event.room_id}" if event.room_id else (event.place_id or ""),
        location=event.location,
        capacity="" if event.capacity is None else str(event.capacity),
        version=event.version,
    )
    context = {"form": form, "errors": {}, "event": event, **await _form_context(node, db, acting)}
    return Template(EVENT_FORM, context=context)


@post("/activiteiten/{event_id:str}/bewerken", include_in_schema=False)
async def edit_event(
    node: NodeDep, db: Db, acting: ActingDep, event_id: EventId, data: Annotated[EventForm, FORM]
) -> Template | Redirect:
    try:
        await service.edit_event(node, db, acting, event_id, data)
    except Invalid as exc:
        await db.rollback()
        me = require_login(acting)
        event = await get_event(node, event_id, me.person_id)
        return refused(EVENT_FORM, data, exc, event=event, **await _form_context(node, db, me))
    return see_other(f"/activiteiten/{event_id}")


async def _acted(
    node: Node, db: AsyncSession, acting: Acting | None, event_id: str, action: Awaitable[None]
) -> Template | Redirect:
    """An action on the event's page: back to the page, or the page again with the refusal."""
    try:
        await action
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, event_id, 400, errors={exc.field: exc.phrase})
    return see_other(f"/activiteiten/{event_id}")


@post("/activiteiten/{event_id:str}/aanmelden", include_in_schema=False)
async def register(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    event_id: EventId,
    data: Annotated[RegistrationForm, FORM],
) -> Template | Redirect:
    return await _acted(
        node, db, acting, event_id, service.register(node, db, acting, event_id, data)
    )


@post("/activiteiten/{event_id:str}/afmelden", include_in_schema=False)
async def unregister(
    node: NodeDep, db: Db, acting: ActingDep, event_id: EventId
) -> Template | Redirect:
    return await _acted(node, db, acting, event_id, service.unregister(node, db, acting, event_id))


@post("/activiteiten/{event_id:str}/afgelasten", include_in_schema=False)
async def cancel_event(
    node: NodeDep, db: Db, acting: ActingDep, event_id: EventId, data: Annotated[CancelForm, FORM]
) -> Template | Redirect:
    return await _acted(
        node, db, acting, event_id, service.cancel_event(node, db, acting, event_id, data)
    )


ROUTES = [
    events_page,
    new_event_page,
    plan_event,
    event_page,
    edit_event_page,
    edit_event,
    register,
    unregister,
    cancel_event,
]
