"""Micro-grant calls for the list page: calls still taking applications first (soonest last
deadline first), then closed ones (most recent first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import case
from sqlalchemy.ext.asyncio import AsyncSession

from .filters import paging
from .hidden import visible
from .models import GrantCallRow
from .pages import one_page
from .results import Page


class GrantCallSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    about: str
    max_grant_cents: int
    neighbourhoods: list[str]
    last_deadline: datetime | None
    open: bool
    application_count: int
    origin_node: str


COLUMNS = (
    GrantCallRow.id,
    GrantCallRow.title,
    GrantCallRow.about,
    GrantCallRow.max_grant_cents,
    GrantCallRow.neighbourhoods,
    GrantCallRow.last_deadline,
    GrantCallRow.application_count,
    GrantCallRow.origin_node,
)


async def list_grant_calls(
    session: AsyncSession,
    at: datetime,
    *,
    page: int = 1,
    per_page: int = 50,
    include_hidden: bool = False,
) -> Page[GrantCallSummary]:
    page, per_page = paging(page, per_page)
    is_open = GrantCallRow.last_deadline > at

    def summary(row: Any) -> GrantCallSummary:
        return GrantCallSummary(
            id=row.id,
            title=row.title,
            about=row.about,
            max_grant_cents=row.max_grant_cents,
            neighbourhoods=list(row.neighbourhoods or []),
            last_deadline=row.last_deadline,
            open=row.last_deadline is not None and row.last_deadline > at,
            application_count=row.application_count,
            origin_node=row.origin_node,
        )

    return await one_page(
        session,
        GrantCallRow,
        COLUMNS,
        summary,
        where=list(await visible(session, GrantCallRow.id, include_hidden)),
        order=[
            case((is_open, 0), else_=1),
            case((is_open, GrantCallRow.last_deadline), else_=None),
            GrantCallRow.last_deadline.desc(),
            GrantCallRow.id,
        ],
        page=page,
        per_page=per_page,
    )
