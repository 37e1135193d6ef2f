"""Places and rooms ("zalenzoeker"): the list of places, a place's page with its rooms and
bookings, a room's week and booking form, the hosts' confirm and decline, the requester's own
bookings. Every form works without JavaScript (POST, then a redirect); a refused form comes back
with what was typed and the reason beside it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from node import projection
from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.phrases import N_
from node.places import service
from node.places.forms import BookingForm, DeclineForm, HostForm, PlaceForm, RoomForm
from node.places.views import PlaceView, get_place, room_week
from node.projection.places import list_places, places_booked_by
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, home_village, login_first, refused, see_other

PlaceId = FromPath[str]
ItemId = FromPath[str]
PLACE_FORM = "places/form.html"


def _form_of(place: PlaceView) -> PlaceForm:
    access = place.accessibility
    return PlaceForm(
        name=place.name,
        kind=place.kind,
        about=place.about,
        address=place.address,
        village=place.village,
        neighbourhood=place.neighbourhood,
        opening_hours=place.opening_hours,
        step_free=access.step_free,
        accessible_toilet=access.accessible_toilet,
        hearing_loop=access.hearing_loop,
        accessible_parking=access.accessible_parking,
        accessibility_note=access.note,
        facilities=", ".join(place.facilities),
    )


@get("/plekken", name="places", include_in_schema=False)
async def places_page(
    db: Db,
    acting: ActingDep,
    soort: FromQuery[str] = "",
    dorp: FromQuery[str] = "",
    drempelvrij: FromQuery[str] = "",
    mensen: FromQuery[str] = "",
    zoek: FromQuery[str] = "",
) -> Template:
    people = int(mensen) if mensen.strip().isdigit() else 0
    results = await list_places(
        db,
        kind=soort if soort in service.rules.KINDS else "",
        village=dorp,
        step_free=bool(drempelvrij),
        people=people,
        query=zoek or None,
    )
    filters = {"soort": soort, "dorp": dorp, "drempelvrij": drempelvrij, "mensen": mensen}
    context = {"results": results, "acting": acting, "filters": {**filters, "zoek": zoek}}
    return Template("places/list.html", context=context)


async def _detail(
    node: Node,
    acting: Acting | None,
    place_id: str,
    status_code: int = 200,
    *,
    errors: dict[str, Any] | None = None,
    typed: Any = None,
) -> Template:
    """The place's page. `errors` maps a form (by key: "zaal-toevoegen", "beheerder",
    "boeking-<id>") to its message; `typed` is what that form sent, shown again."""
    place = await get_place(node, place_id)
    me = acting.person_id if acting else None
    context = {
        "place": place,
        "acting": acting,
        "is_host": place.is_host(me),
        "mine": place.bookings_of(me),
        "local": place.origin_node == node.identity.node_id,
        "home_village": await home_village(node, place.origin_node),
        "errors": errors or {},
        "typed": typed,
    }
    return Template("places/detail.html", context=context, status_code=status_code)


@get("/plekken/{place_id:str}", name="place", include_in_schema=False)
async def place_page(node: NodeDep, acting: ActingDep, place_id: PlaceId) -> Template:
    return await _detail(node, acting, place_id)


@get("/plekken/nieuw", include_in_schema=False)
async def new_place_page(request: Request[Any, Any, Any], acting: ActingDep) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page(PLACE_FORM, PlaceForm(name=""), action="/plekken", new=True)


@post("/plekken", include_in_schema=False)
async def open_place(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[PlaceForm, FORM]
) -> Template | Redirect:
    try:
        place_id = await service.open_place(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(PLACE_FORM, data, exc, action="/plekken", new=True)
    return see_other(f"/plekken/{place_id}")


@get("/plekken/{place_id:str}/bewerken", include_in_schema=False)
async def edit_place_page(
    request: Request[Any, Any, Any], node: NodeDep, acting: ActingDep, place_id: PlaceId
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    place = await get_place(node, place_id)
    if not place.is_host(acting.person_id):
        raise PermissionDenied(N_("Alleen wie deze plek beheert kan dit doen."))
    action = f"/plekken/{place.id}/bewerken"
    return form_page(PLACE_FORM, _form_of(place), action=action, new=False, place=place)


@post("/plekken/{place_id:str}/bewerken", include_in_schema=False)
async def edit_place(
    node: NodeDep, db: Db, acting: ActingDep, place_id: PlaceId, data: Annotated[PlaceForm, FORM]
) -> Template | Redirect:
    try:
        await service.edit_place(node, db, acting, place_id, data)
    except Invalid as exc:
        await db.rollback()
        place = await get_place(node, place_id)
        action = f"/plekken/{place.id}/bewerken"
        return refused(PLACE_FORM, data, exc, action=action, new=False, place=place)
    return see_other(f"/plekken/{place_id}")


async def _acted(
    node: Node, db: Db, acting: Acting | None, place_id: str, key: str, typed: Any, action: Any
) -> Template | Redirect:
    """Run a form's action; on Invalid the place's page again with the reason at that form."""
    try:
        await action
    except Invalid as exc:
        await db.rollback()
        errors = {key: exc.phrase}
        return await _detail(node, acting, place_id, 400, errors=errors, typed=typed)
    return see_other(f"/plekken/{place_id}#{key}")


@post("/plekken/{place_id:str}/beheerders", include_in_schema=False)
async def add_host(
    node: NodeDep, db: Db, acting: ActingDep, place_id: PlaceId, data: Annotated[HostForm, FORM]
) -> Template | Redirect:
    action = service.add_host(node, db, acting, place_id, data)
    return await _acted(node, db, acting, place_id, "beheerder", data, action)


@post("/plekken/{place_id:str}/zalen", include_in_schema=False)
async def add_room(
    node: NodeDep, db: Db, acting: ActingDep, place_id: PlaceId, data: Annotated[RoomForm, FORM]
) -> Template | Redirect:
    action = service.save_room(node, db, acting, place_id, data)
    return await _acted(node, db, acting, place_id, "zaal-toevoegen", data, action)


def _week_of(week: str, fallback: date) -> date:
    try:
        return date.fromisoformat(week) if week else fallback
    except ValueError:
        return fallback


async def _my_initiatives(node: Node, acting: Acting | None) -> list[tuple[str, str]]:
    """(id, title) of the initiatives this person is an ally of, to book a room for."""
    if acting is None:
        return []
    async with node.sessions() as session:
        mine = await projection.my_initiatives(session, acting.person_id)
    return [(m.initiative.id, m.initiative.title) for m in mine]


async def _room_page(
    node: Node,
    acting: Acting | None,
    place_id: str,
    room_id: str,
    week: str = "",
    status_code: int = 200,
    *,
    booking_errors: dict[str, Any] | None = None,
    room_errors: dict[str, Any] | None = None,
    booking: BookingForm | None = None,
    room_form: RoomForm | None = None,
) -> Template:
    place = await get_place(node, place_id)
    room = place.room(room_id)
    if room is None:
        raise NotFound(N_("zaal"))
    today = node.clock().astimezone(service.rules.LOCAL_TIME).date()
    context = {
        "place": place,
        "room": room,
        "week": room_week(place, room, _week_of(week, today)),
        "acting": acting,
        "is_host": place.is_host(acting.person_id if acting else None),
        "initiatives": await _my_initiatives(node, acting),
        "booking_errors": booking_errors or {},
        "room_errors": room_errors or {},
        "booking": booking or BookingForm(room=room.id, start="", end="", purpose="", people=""),
        "room_form": room_form
        or RoomForm(
            name=room.name,
            capacity=room.capacity,
            conditions=room.conditions,
            facilities=", ".join(room.facilities),
        ),
    }
    return Template("places/room.html", context=context, status_code=status_code)


@get("/plekken/{place_id:str}/zalen/{room_id:str}", include_in_schema=False)
async def room_page(
    node: NodeDep, acting: ActingDep, place_id: PlaceId, room_id: ItemId, week: FromQuery[str] = ""
) -> Template:
    return await _room_page(node, acting, place_id, room_id, week)


@post("/plekken/{place_id:str}/zalen/{room_id:str}/bewerken", include_in_schema=False)
async def edit_room(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    place_id: PlaceId,
    room_id: ItemId,
    data: Annotated[RoomForm, FORM],
) -> Template | Redirect:
    try:
        await service.save_room(node, db, acting, place_id, data, room_id)
    except Invalid as exc:
        await db.rollback()
        errors = {exc.field: exc.phrase}
        return await _room_page(
            node, acting, place_id, room_id, status_code=400, room_errors=errors, room_form=data
        )
    return see_other(f"/plekken/{place_id}/zalen/{room_id}")


@post("/plekken/{place_id:str}/zalen/{room_id:str}/boeken", include_in_schema=False)
async def request_booking(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    place_id: PlaceId,
    room_id: ItemId,
    data: Annotated[BookingForm, FORM],
) -> Template | Redirect:
    try:
        booking_id = await service.request_booking(node, db, acting, place_id, data)
    except Invalid as exc:
        await db.rollback()
        errors = {exc.field: exc.phrase}
        return await _room_page(
            node, acting, place_id, room_id, status_code=400, booking_errors=errors, booking=data
        )
    return see_other(f"/plekken/{place_id}#boeking-{booking_id}")


@post("/plekken/{place_id:str}/boekingen/{booking_id:str}/bevestigen", include_in_schema=False)
async def confirm_booking(
    node: NodeDep, db: Db, acting: ActingDep, place_id: PlaceId, booking_id: ItemId
) -> Template | Redirect:
    action = service.confirm_booking(node, db, acting, place_id, booking_id)
    return await _acted(node, db, acting, place_id, f"boeking-{booking_id}", None, action)


@post("/plekken/{place_id:str}/boekingen/{booking_id:str}/weigeren", include_in_schema=False)
async def decline_booking(
    node: NodeDep,
    db: Db,
    acting: ActingDep,
    place_id: PlaceId,
    booking_id: ItemId,
    data: Annotated[DeclineForm, FORM],
) -> Template | Redirect:
    action = service.decline_booking(node, db, acting, place_id, booking_id, data)
    return await _acted(node, db, acting, place_id, f"boeking-{booking_id}", data, action)


@post("/plekken/{place_id:str}/boekingen/{booking_id:str}/annuleren", include_in_schema=False)
async def cancel_booking(
    node: NodeDep, db: Db, acting: ActingDep, place_id: PlaceId, booking_id: ItemId
) -> Template | Redirect:
    action = service.cancel_booking(node, db, acting, place_id, booking_id)
    return await _acted(node, db, acting, place_id, f"boeking-{booking_id}", None, action)


@get("/mijn-boekingen", include_in_schema=False)
async def my_bookings_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> Template | Redirect:
    """The person's own booking requests across places, with any conflict beside each."""
    if acting is None:
        return login_first(request)
    places = [await get_place(node, p) for p in await places_booked_by(db, acting.person_id)]
    mine = [(place, place.bookings_of(acting.person_id)) for place in places]
    return Template("places/mine.html", context={"mine": mine, "acting": acting})


ROUTES = [
    places_page,
    new_place_page,
    open_place,
    place_page,
    edit_place_page,
    edit_place,
    add_host,
    add_room,
    room_page,
    edit_room,
    request_booking,
    confirm_booking,
    decline_booking,
    cancel_booking,
    my_bookings_page,
]
