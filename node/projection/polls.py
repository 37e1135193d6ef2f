"""Polls about a discussion or initiative, open ones first (soonest closing first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from .hidden import visible
from .models import PollRow

MAX_LISTED = 50


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
    return [
        PollSummary(
            id=row.id,
            title=row.title,
            kind=row.kind,
            closes_at=row.closes_at,
            open=not row.closed and row.closes_at is not None and row.closes_at > at,
            vote_count=row.vote_count,
        )
        for row in rows
    ]
