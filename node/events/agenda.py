"""Events as calendar entries, independent of any format (web/routes/calendar.py turns them into
VEVENTs). An event's `uid` is its document id, the same on every node and after every edit: the
event is one thing wherever it is published, so a resident who follows two villages' calendars
sees it once, and an app that subscribed updates it in place. `changed_at` is the event's own
`updated_at` (written by every edit and the cancellation), never the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from ..projection.events import EventSummary, calendar_events
from .views import EventView

PAST_DAYS = 365


class EventEntry(msgspec.Struct, frozen=True, kw_only=True):
    uid: str
    kind: Literal["event"]
    event_id: str
    title: str
    """What residents wrote: plain text, untrusted."""
    starts_at: datetime
    ends_at: datetime
    location: str
    cancelled: bool
    changed_at: datetime


def event_uid(event_id: str) -> str:
    return f"{event_id}@mekaar"


def entry_of(event: EventSummary | EventView) -> EventEntry | None:
    """The entry of a listed event or of one event's page (None without a time)."""
    if event.starts_at is None or event.ends_at is None:
        return None
    location = event.location if isinstance(event, EventSummary) else event.where()
    return EventEntry(
        uid=event_uid(event.id),
        kind="event",
        event_id=event.id,
        title=event.title,
        starts_at=event.starts_at.astimezone(UTC),
        ends_at=event.ends_at.astimezone(UTC),
        location=location,
        cancelled=event.cancelled,
        changed_at=event.updated_at,
    )


async def event_agenda(
    session: AsyncSession, *, organiser_id: str | None = None, now: datetime | None = None
) -> list[EventEntry]:
    """The events of the node (or of one initiative or organisation) from PAST_DAYS ago on."""
    since = (now or datetime.now(UTC)) - timedelta(days=PAST_DAYS)
    found = await calendar_events(session, since=since, organiser_id=organiser_id)
    return [entry for entry in map(entry_of, found) if entry is not None]
