"""The events part of the JSON API (mounted under /api by web/routes/api.py): the list, one event
with its line of registrations, planning, editing and cancelling (organisers), registering and
taking one's registration back."""

from __future__ import annotations

from typing import Any

from litestar import delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from node.events import service
from node.events.forms import CancelForm, EventForm, RegistrationForm
from node.events.views import EventView, get_event
from node.projection.events import EventSummary, list_events
from node.projection.results import Page

from ..deps import ActingDep, Db, NodeDep
from .api_types import Created


@get("/events", summary="Events: upcoming ones soonest first (past=true: ended ones, latest first)")
async def events(
    node: NodeDep,
    db: Db,
    past: FromQuery[bool] = False,
    q: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
    per_page: FromQuery[int] = 20,
) -> Page[EventSummary]:
    return await list_events(db, node.clock(), past=past, query=q, page=page, per_page=per_page)


@get(
    "/events/{event_id:str}",
    summary="One event: seats, the line of registrations (names for its organisers) and mine",
)
async def read_event(node: NodeDep, acting: ActingDep, event_id: FromPath[str]) -> EventView:
    return await get_event(node, event_id, acting.person_id if acting else None)


@post(
    "/events",
    status_code=HTTP_201_CREATED,
    summary="Plan an event for an initiative or organisation",
)
async def plan_event(
    node: NodeDep, db: Db, acting: ActingDep, data: JSONBody[EventForm]
) -> Created:
    return Created(await service.plan_event(node, db, acting, data))


@put("/events/{event_id:str}", summary="Edit an event (its organisers)")
async def edit_event(
    node: NodeDep, db: Db, acting: ActingDep, event_id: FromPath[str], data: JSONBody[EventForm]
) -> EventView:
    await service.edit_event(node, db, acting, event_id, data)
    return await get_event(node, event_id, acting.person_id if acting else None)


@post(
    "/events/{event_id:str}/cancel",
    status_code=HTTP_200_OK,
    summary="Call an event off, saying why",
)
async def cancel_event(
    node: NodeDep, db: Db, acting: ActingDep, event_id: FromPath[str], data: JSONBody[CancelForm]
) -> EventView:
    await service.cancel_event(node, db, acting, event_id, data)
    return await get_event(node, event_id, acting.person_id if acting else None)


@post(
    "/events/{event_id:str}/registrations",
    status_code=HTTP_200_OK,
    summary="Register oneself (again: change the guests); when full, on the waiting list",
)
async def register(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    event_id: FromPath[str],
    data: JSONBody[RegistrationForm],
) -> EventView:
    await service.register(node, db, acting, event_id, data)
    return await get_event(node, event_id, acting.person_id if acting else None)


@delete(
    "/events/{event_id:str}/registrations/me",
    status_code=HTTP_200_OK,
    summary="Take one's registration back (the first on the waiting list moves up)",
)
async def unregister(
    node: NodeDep, db: Db, acting: ActingDep, event_id: FromPath[str]
) -> EventView:
    await service.unregister(node, db, acting, event_id)
    return await get_event(node, event_id, acting.person_id if acting else None)


HANDLERS: list[Any] = [
    events,
    read_event,
    plan_event,
    edit_event,
    cancel_event,
    register,
    unregister,
]
