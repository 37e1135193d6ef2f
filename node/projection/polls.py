"""Polls about a discussion or initiative, open ones first (soonest closing first); and the
node's list of decisions: every open poll, then the latest closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from .hidden import hidden_documents, visible
from .models import PollRow, SearchEntryRow

MAX_LISTED = 50
MAX_OPEN = 200
MAX_CLOSED = 30


class PollSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    closes_at: datetime | None
    open: bool
    vote_count: int


async def polls_about(session: AsyncSession, doc_id: str, at: datetime) -> list[PollSummary]:
    is_open = and_(PollRow.closed.is_(False), PollRow.closes_at > at)
    statement = (
        select(PollRow)
        .where(PollRow.about == doc_id, *(await visible(session, PollRow.id, False)))
        .order_by(case((is_open, 0), else_=1), PollRow.closes_at, PollRow.id)
        .limit(MAX_LISTED)
    )
    rows: Any = (await session.execute(statement)).scalars().all()
    return [_summary(row, at) for row in rows]


def _summary(row: PollRow, at: datetime) -> PollSummary:
    return PollSummary(
        id=row.id,
        title=row.title,
        kind=row.kind,
        closes_at=row.closes_at,
        open=not row.closed and row.closes_at is not None and row.closes_at > at,
        vote_count=row.vote_count,
    )


class PollListing(msgspec.Struct, frozen=True, kw_only=True):
    """A poll on the list of decisions, with what it is about (when that is projected here)."""

    poll: PollSummary
    about: str | None
    about_title: str | None
    about_kind: str | None


async def decisions(
    session: AsyncSession, at: datetime
) -> tuple[list[PollListing], list[PollListing]]:
    """The open polls, soonest closing first, and the most recently closing closed ones."""
    is_open = and_(PollRow.closed.is_(False), PollRow.closes_at > at)
    hidden = set(await hidden_documents(session))
    base = (
        select(PollRow, SearchEntryRow.title, SearchEntryRow.kind)
        .outerjoin(SearchEntryRow, SearchEntryRow.doc_id == PollRow.about)
        .where(*(await visible(session, PollRow.id, False)))
    )
    open_rows: Any = await session.execute(
        base.where(is_open).order_by(PollRow.closes_at, PollRow.id).limit(MAX_OPEN)
    )
    opened = [_listing(p, title, kind, at, hidden) for p, title, kind in open_rows]
    closed_rows: Any = await session.execute(
        base.where(~is_open).order_by(PollRow.closes_at.desc(), PollRow.id).limit(MAX_CLOSED)
    )
    return opened, [_listing(p, title, kind, at, hidden) for p, title, kind in closed_rows]


def _listing(
    row: PollRow, title: str | None, kind: str | None, at: datetime, hidden: set[str]
) -> PollListing:
    summary = _summary(row, at)
    shown = kind in ("initiative", "discussion") and row.about not in hidden
    return PollListing(
        poll=summary,
        about=row.about if shown else None,
        about_title=title if shown else None,
        about_kind=kind if shown else None,
    )
