"""Doe-plek jobs for the list page: open jobs whose last shift is still ahead, soonest shift
first; then the rest, most recent first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import and_, case
from sqlalchemy.ext.asyncio import AsyncSession

from .filters import paging
from .hidden import visible
from .models import JobRow
from .pages import one_page
from .results import Page


class JobSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    about: str
    village: str
    neighbourhood: str
    size: str
    status: str
    first_start: datetime | None
    hands: int
    hands_taken: int
    upcoming: bool
    origin_node: str


COLUMNS = (
    JobRow.id,
    JobRow.title,
    JobRow.about,
    JobRow.village,
    JobRow.neighbourhood,
    JobRow.size,
    JobRow.status,
    JobRow.first_start,
    JobRow.last_end,
    JobRow.hands,
    JobRow.hands_taken,
    JobRow.origin_node,
)


async def list_jobs(
    session: AsyncSession,
    at: datetime,
    *,
    page: int = 1,
    per_page: int = 50,
    include_hidden: bool = False,
) -> Page[JobSummary]:
    page, per_page = paging(page, per_page)
    upcoming = and_(JobRow.status == "open", JobRow.last_end > at)

    def summary(row: Any) -> JobSummary:
        return JobSummary(
            id=row.id,
            title=row.title,
            about=row.about,
            village=row.village,
            neighbourhood=row.neighbourhood,
            size=row.size,
            status=row.status,
            first_start=row.first_start,
            hands=row.hands,
            hands_taken=row.hands_taken,
            upcoming=row.status == "open" and row.last_end is not None and row.last_end > at,
            origin_node=row.origin_node,
        )

    return await one_page(
        session,
        JobRow,
        COLUMNS,
        summary,
        where=list(await visible(session, JobRow.id, include_hidden)),
        order=[
            case((upcoming, 0), else_=1),
            case((upcoming, JobRow.first_start), else_=None),
            JobRow.created_at.desc(),
            JobRow.id,
        ],
        page=page,
        per_page=per_page,
    )
