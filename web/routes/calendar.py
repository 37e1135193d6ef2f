"""Calendar feeds (iCalendar): the dated plan tasks of one initiative
(`/initiatieven/{id}/agenda.ics`) and of the whole node (`/agenda.ics`), to subscribe to.

Each entry is an all-day VEVENT, not a VTODO. Google Calendar ignores VTODO in a subscribed
calendar, and Apple Calendar and Outlook either ignore it or move it to a separate task list
that few people look at; an all-day event shows up on the day in every calendar app. A task is
not a meeting, so it is marked TRANSP:TRANSPARENT (it does not make anyone "busy"). A finished
task stays, marked with a check mark before its title and "Klaar" in its description, so the
calendar also shows what was done.

Entries come from `node.initiatives.agenda` (tasks) and `node.events.agenda` (events), both
format-free, and `add_entry` is the one place that turns an entry into a component. An event is
a timed VEVENT that makes people busy (TRANSP:OPAQUE), with its place as LOCATION and its page
as URL; a cancelled one stays, with STATUS:CANCELLED, so subscribed apps strike it through.
UIDs and DTSTAMP follow from the document, not from the clock, so two requests give the same
calendar and a subscribed app updates entries in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from icalendar import Calendar, Event
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from node.accounts import hidden_items
from node.errors import NotFound
from node.events.agenda import EventEntry, entry_of, event_agenda
from node.events.views import get_event
from node.initiatives.agenda import AgendaEntry, initiative_agenda, node_agenda
from node.initiatives.views import get_initiative
from node.phrases import N_
from node.places.views import get_place

from ..deps import Db, NodeDep
from ..feed_cache import kept
from ..public import PUBLIC_OPT, absolute, plain, translator

MEDIA_TYPE = "text/calendar"  # Litestar adds the charset (utf-8) to text/ types
REFRESH = "PT6H"
"""How often subscribed apps are asked to look again (apps that honour it)."""


def add_entry(
    calendar: Calendar, request: Request[Any, Any, Any], entry: AgendaEntry | EventEntry
) -> None:
    """One entry as a VEVENT linking back to its page: a task all day, an event timed."""
    if isinstance(entry, EventEntry):
        _add_event(calendar, request, entry)
        return
    _ = translator(request)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.changed_at)
    event.add("last-modified", entry.changed_at)
    event.add("dtstart", entry.day)
    event.add("dtend", entry.day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    title = plain(entry.title)
    event.add("summary", f"✓ {title}" if entry.done else title)
    lines = [_("Taak van het initiatief: %(title)s") % {"title": plain(entry.initiative_title)}]
    if entry.done:
        lines.append(_("Klaar."))
    url = absolute(request, f"/initiatieven/{entry.initiative_id}")
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("categories", [_("Taak")])
    calendar.add_component(event)


def _add_event(calendar: Calendar, request: Request[Any, Any, Any], entry: EventEntry) -> None:
    _ = translator(request)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.changed_at)
    event.add("last-modified", entry.changed_at)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("transp", "OPAQUE")
    event.add("summary", plain(entry.title))
    if entry.location:
        event.add("location", plain(entry.location))
    url = absolute(request, f"/activiteiten/{entry.event_id}")
    lines = [_("Afgelast.")] if entry.cancelled else []
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("categories", [_("Activiteit")])
    calendar.add_component(event)


def _calendar(request: Request[Any, Any, Any], name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Mekaar//Voor Mekaar//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", plain(name))
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    calendar.add("source", absolute(request, request.url.path), parameters={"VALUE": "URI"})
    return calendar


def render_calendar(
    request: Request[Any, Any, Any], name: str, entries: Sequence[AgendaEntry | EventEntry]
) -> Response[bytes]:
    calendar = _calendar(request, name)
    for entry in entries:
        add_entry(calendar, request, entry)
    return Response(calendar.to_ical(), media_type=MEDIA_TYPE)


@get("/agenda.ics", name="calendar", include_in_schema=False, opt=PUBLIC_OPT)
async def node_calendar(request: Request[Any, Any, Any], node: NodeDep, db: Db) -> Response[bytes]:
    """Every dated task and every event on this node from a year ago on (hidden documents left
    out)."""

    async def build() -> Response[bytes]:
        _ = translator(request)
        tasks = await node_agenda(db, node.identity.node_id)
        entries = [*tasks, *await event_agenda(db, now=node.clock())]
        name = _("Voor Mekaar %(village)s") % {"village": node.identity.name}
        return render_calendar(request, name, entries)

    return await kept(request, db, build)


@get("/initiatieven/{initiative_id:str}/agenda.ics", include_in_schema=False, opt=PUBLIC_OPT)
async def initiative_calendar(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, initiative_id: FromPath[str]
) -> Response[bytes]:
    """The initiative's dated tasks, done ones included, and its events."""

    async def build() -> Response[bytes]:
        initiative = await get_initiative(node, initiative_id)
        if None in await hidden_items(db, initiative.id):
            raise NotFound(N_("initiatief"))
        tasks = initiative_agenda(initiative, node.identity.node_id)
        events = await event_agenda(db, organiser_id=initiative.id, now=node.clock())
        entries = [*tasks, *events]
        return render_calendar(request, initiative.title, entries)

    return await kept(request, db, build)


@get(
    "/plekken/{place_id:str}/zalen/{room_id:str}/agenda.ics",
    include_in_schema=False,
    opt=PUBLIC_OPT,
)
async def room_calendar(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    place_id: FromPath[str],
    room_id: FromPath[str],
) -> Response[bytes]:
    """A room's confirmed bookings as timed events that make it busy: what it is for, never who
    asked (docs/practices.md §2). Requests, declined and cancelled bookings are left out."""

    async def build() -> Response[bytes]:
        _ = translator(request)
        place = await get_place(node, place_id)
        room = place.room(room_id)
        if room is None or None in await hidden_items(db, place.id):
            raise NotFound(N_("zaal"))
        calendar = _calendar(request, f"{room.name} · {place.name}")
        url = absolute(request, f"/plekken/{place.id}/zalen/{room.id}")
        for booking in place.bookings:
            if booking.room_id != room.id or booking.state != "confirmed":
                continue
            event = Event()
            event.add("uid", f"{place.id}-{booking.id}@mekaar")
            stamp = booking.decided_at or booking.requested_at
            event.add("dtstamp", stamp)
            event.add("last-modified", stamp)
            event.add("dtstart", booking.start.astimezone(UTC))
            event.add("dtend", booking.end.astimezone(UTC))
            event.add("transp", "OPAQUE")
            event.add("summary", plain(booking.purpose))
            event.add("location", plain(f"{room.name}, {place.name}, {place.address}".strip(", ")))
            event.add("description", "\n".join([_("Zaal geboekt."), url]))
            event.add("url", url)
            calendar.add_component(event)
        return Response(calendar.to_ical(), media_type=MEDIA_TYPE)

    return await kept(request, db, build)


@get("/activiteiten/{event_id:str}/agenda.ics", include_in_schema=False, opt=PUBLIC_OPT)
async def event_calendar(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, event_id: FromPath[str]
) -> Response[bytes]:
    """One event, to add to one's own calendar (cancelled: marked so)."""

    async def build() -> Response[bytes]:
        event = await get_event(node, event_id)
        entry = entry_of(event)
        if entry is None or None in await hidden_items(db, event.id):
            raise NotFound(N_("activiteit"))
        return render_calendar(request, event.title, [entry])

    return await kept(request, db, build)


ROUTES: list[ControllerRouterHandler] = [
    node_calendar,
    initiative_calendar,
    room_calendar,
    event_calendar,
]
