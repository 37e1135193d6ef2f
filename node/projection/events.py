"""Events for the list page (upcoming soonest first, then past ones latest first), the events of
one initiative or organisation, the events of a calendar feed, and what a person may organise
for (the form's choice of organiser)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from .filters import paging
from .hidden import visible
from .models import (
    EventRow,
    InitiativeAllyRow,
    InitiativeRow,
    OrganisationMemberRow,
    OrganisationRow,
)
from .pages import one_page
from .results import Page

MAX_LISTED = 50
MAX_CALENDAR = 1_000


class EventSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    time_zone: str
    organiser_id: str
    organiser_type: str
    location: str
    """The room and place as the event names them, or the location in words."""
    capacity: int | None
    registration_count: int
    seats_taken: int
    waiting_count: int
    cancelled: bool
    updated_at: datetime
    origin_node: str

    @property
    def seats_left(self) -> int | None:
        return max(self.capacity - self.seats_taken, 0) if self.capacity is not None else None


COLUMNS = tuple(getattr(EventRow, name) for name in EventSummary.__struct_fields__)


def _summary(row: Any) -> EventSummary:
    return EventSummary(**{name: getattr(row, name) for name in EventSummary.__struct_fields__})


async def list_events(
    session: AsyncSession,
    at: datetime,
    *,
    past: bool = False,
    query: str | None = None,
    page: int = 1,
    per_page: int = 20,
    include_hidden: bool = False,
) -> Page[EventSummary]:
    """Upcoming events (not ended yet), soonest first; with `past`, the ended ones, latest
    first. Cancelled events stay listed, marked."""
    page, per_page = paging(page, per_page)
    where: list[ColumnElement[bool]] = list(await visible(session, EventRow.id, include_hidden))
    if past:
        where.append(EventRow.ends_at <= at)
        order = [EventRow.starts_at.desc(), EventRow.id]
    else:
        where.append(EventRow.ends_at > at)
        order = [EventRow.starts_at, EventRow.id]
    return await one_page(
        session, EventRow, COLUMNS, _summary, where=where, order=order, page=page,
        per_page=per_page, query=query, kind="event",
    )  # fmt: skip


async def events_of(session: AsyncSession, organiser_id: str, at: datetime) -> list[EventSummary]:
    """An initiative's or organisation's events: upcoming soonest first, then the latest past."""
    hidden = await visible(session, EventRow.id, False)
    base = select(*COLUMNS).where(EventRow.organiser_id == organiser_id, *hidden)
    upcoming = await session.execute(
        base.where(EventRow.ends_at > at)
        .order_by(EventRow.starts_at, EventRow.id)
        .limit(MAX_LISTED)
    )
    past = await session.execute(
        base.where(EventRow.ends_at <= at).order_by(EventRow.starts_at.desc()).limit(5)
    )
    return [_summary(row) for row in [*upcoming.all(), *past.all()]]


async def calendar_events(
    session: AsyncSession, *, since: datetime, organiser_id: str | None = None
) -> list[EventSummary]:
    """Events ending after `since` (cancelled ones too: a calendar shows them cancelled),
    soonest first, of one organiser or all, documents hidden here left out."""
    where = [EventRow.ends_at > since, *(await visible(session, EventRow.id, False))]
    if organiser_id is not None:
        where.append(EventRow.organiser_id == organiser_id)
    rows = await session.execute(
        select(*COLUMNS).where(*where).order_by(EventRow.starts_at, EventRow.id).limit(MAX_CALENDAR)
    )
    return [_summary(row) for row in rows.all()]


class Organiser(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    type: str
    """initiative or organisation"""


async def organisers_for(session: AsyncSession, person_id: str) -> list[Organiser]:
    """The initiatives a person is an initiator or coordinator of, then the organisations they
    are a member of, each by name."""
    initiatives = await session.execute(
        select(InitiativeRow.id, InitiativeRow.title)
        .join(InitiativeAllyRow, InitiativeAllyRow.initiative_id == InitiativeRow.id)
        .where(
            InitiativeAllyRow.person_id == person_id,
            InitiativeAllyRow.role.in_(("initiator", "coordinator")),
        )
        .order_by(InitiativeRow.title, InitiativeRow.id)
        .limit(MAX_LISTED)
    )
    organisations = await session.execute(
        select(OrganisationRow.id, OrganisationRow.name)
        .join(OrganisationMemberRow, OrganisationMemberRow.organisation_id == OrganisationRow.id)
        .where(OrganisationMemberRow.person_id == person_id)
        .order_by(OrganisationRow.name, OrganisationRow.id)
        .limit(MAX_LISTED)
    )
    return [
        *(Organiser(id=i, name=t, type="initiative") for i, t in initiatives.all()),
        *(Organiser(id=i, name=n, type="organisation") for i, n in organisations.all()),
    ]
