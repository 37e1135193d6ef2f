"""Initiatives for list pages, facets and a person's own pages.

The list is ordered by `updated_at, id` (newest first) on indexes that start with the filter
column, so a page is an index range scan plus a count over the same index; with a search query it
is ordered by rank instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..vocabulary import NEED_KINDS, STATUSES
from .filters import MY_LIMIT, choice, paging, person_id, place_key, tag_key
from .generation import cached
from .hidden import not_hidden, visible
from .models import InitiativeAllyRow, InitiativeNeedRow, InitiativeRow, InitiativeTagRow
from .models import InitiativeTaskRow as Task
from .pages import one_page
from .results import Facet, InitiativeSummary, MyInitiative, MyTask, Page

SUMMARY_COLUMNS = (
    InitiativeRow.id,
    InitiativeRow.title,
    InitiativeRow.summary,
    InitiativeRow.status,
    InitiativeRow.village,
    InitiativeRow.neighbourhood,
    InitiativeRow.tags,
    InitiativeRow.origin_node,
    InitiativeRow.created_by,
    InitiativeRow.created_at,
    InitiativeRow.updated_at,
    InitiativeRow.supporter_count,
    InitiativeRow.joiner_count,
    InitiativeRow.tasks_done,
    InitiativeRow.tasks_total,
    InitiativeRow.open_needs,
)


def summary(row: Any) -> InitiativeSummary:
    """An InitiativeSummary from a row selected with SUMMARY_COLUMNS."""
    return InitiativeSummary(
        id=row.id,
        title=row.title,
        summary=row.summary,
        status=row.status,
        village=row.village,
        neighbourhood=row.neighbourhood,
        tags=list(row.tags),
        origin_node=row.origin_node,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        supporter_count=row.supporter_count,
        joiner_count=row.joiner_count,
        tasks_done=row.tasks_done,
        tasks_total=row.tasks_total,
        open_needs=list(row.open_needs),
    )


@dataclass
class _Where:
    """Conditions for the page's rows and for its count. A tag or need filter is an EXISTS for
    the rows (SQLite walks the updated_at index and stops after one page) but an IN for counts
    and facets (SQLite then reads the tag's index once instead of probing it for every row)."""

    rows: list[ColumnElement[bool]]
    count: list[ColumnElement[bool]]


async def _filters(
    session: AsyncSession,
    *,
    village: str | None,
    neighbourhood: str | None,
    tag: str | None,
    status: str | None,
    needs_kind: str | None,
    include_hidden: bool,
) -> _Where:
    both: list[ColumnElement[bool]] = []
    rows: list[ColumnElement[bool]] = []
    count: list[ColumnElement[bool]] = []
    if (village_key := place_key("village", village)) is not None:
        both.append(InitiativeRow.village_key == village_key)
    if (neighbourhood_key := place_key("neighbourhood", neighbourhood)) is not None:
        both.append(InitiativeRow.neighbourhood_key == neighbourhood_key)
    if (wanted_status := choice("status", status, STATUSES)) is not None:
        both.append(InitiativeRow.status == wanted_status)
    if (wanted_tag := tag_key(tag)) is not None:
        tagged = InitiativeTagRow.tag == wanted_tag
        rows.append(exists().where(InitiativeTagRow.initiative_id == InitiativeRow.id, tagged))
        count.append(InitiativeRow.id.in_(select(InitiativeTagRow.initiative_id).where(tagged)))
    if (kind := choice("needs_kind", needs_kind, NEED_KINDS)) is not None:
        open_need = (InitiativeNeedRow.kind == kind, InitiativeNeedRow.fulfilled.is_(False))
        rows.append(exists().where(InitiativeNeedRow.initiative_id == InitiativeRow.id, *open_need))
        count.append(
            InitiativeRow.id.in_(select(InitiativeNeedRow.initiative_id).where(*open_need))
        )
    both.extend(await visible(session, InitiativeRow.id, include_hidden))
    return _Where(rows=both + rows, count=both + count)


async def list_initiatives(
    session: AsyncSession,
    *,
    village: str | None = None,
    neighbourhood: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    needs_kind: str | None = None,
    query: str | None = None,
    page: int = 1,
    per_page: int = 20,
    include_hidden: bool = False,
) -> Page[InitiativeSummary]:
    """One page of initiatives matching every given filter (filters compare case-insensitively).

    Without a query: most recently active first. With one: best match first. Raises Invalid for a
    filter value no initiative can have (an unknown status, a page out of range…).
    """
    page, per_page = paging(page, per_page)
    where = await _filters(
        session,
        village=village,
        neighbourhood=neighbourhood,
        tag=tag,
        status=status,
        needs_kind=needs_kind,
        include_hidden=include_hidden,
    )
    return await one_page(
        session,
        InitiativeRow,
        SUMMARY_COLUMNS,
        summary,
        where=where.rows,
        count_where=where.count,
        order=[InitiativeRow.updated_at.desc(), InitiativeRow.id.desc()],
        page=page,
        per_page=per_page,
        query=query,
        kind="initiative",
    )


async def tag_facets(
    session: AsyncSession,
    *,
    village: str | None = None,
    neighbourhood: str | None = None,
    status: str | None = None,
    limit: int = 30,
    include_hidden: bool = False,
) -> list[Facet]:
    """The most used tags among initiatives matching the filters, with how many use each.

    By village alone (the common case) it reads only the tag table's covering index. Kept per
    process until the projection changes (see `generation`); callers must not change the list.
    """
    key = ("tag_facets", village, neighbourhood, status, limit, include_hidden)
    return await cached(
        session,
        key,
        lambda: _tag_facets(
            session,
            village=village,
            neighbourhood=neighbourhood,
            status=status,
            limit=limit,
            include_hidden=include_hidden,
        ),
    )


async def _tag_facets(
    session: AsyncSession,
    *,
    village: str | None,
    neighbourhood: str | None,
    status: str | None,
    limit: int,
    include_hidden: bool,
) -> list[Facet]:
    counted = func.count().label("n")
    statement = select(
        InitiativeTagRow.tag, func.min(InitiativeTagRow.label).label("label"), counted
    )
    if not (neighbourhood or status):
        if (village_key := place_key("village", village)) is not None:
            statement = statement.where(InitiativeTagRow.village_key == village_key)
        hidden = await visible(session, InitiativeTagRow.initiative_id, include_hidden)
        statement = statement.where(*hidden)
    else:
        where = await _filters(
            session,
            village=village,
            neighbourhood=neighbourhood,
            tag=None,
            status=status,
            needs_kind=None,
            include_hidden=include_hidden,
        )
        statement = statement.join(
            InitiativeRow, InitiativeRow.id == InitiativeTagRow.initiative_id
        ).where(*where.count)
    statement = (
        statement.group_by(InitiativeTagRow.tag)
        .order_by(counted.desc(), InitiativeTagRow.tag)
        .limit(max(1, min(limit, 200)))
    )
    rows = (await session.execute(statement)).all()
    return [Facet(value=row.tag, label=row.label, count=row.n) for row in rows]


async def neighbourhood_facets(
    session: AsyncSession,
    *,
    village: str | None = None,
    status: str | None = None,
    include_hidden: bool = False,
) -> list[Facet]:
    """Neighbourhoods with initiatives (within a village if given), busiest first."""
    return await _place_facets(
        session,
        InitiativeRow.neighbourhood_key,
        InitiativeRow.neighbourhood,
        village=village,
        status=status,
        include_hidden=include_hidden,
    )


async def village_facets(
    session: AsyncSession, *, status: str | None = None, include_hidden: bool = False
) -> list[Facet]:
    """Villages with initiatives, busiest first (a node can hold several villages' content)."""
    return await _place_facets(
        session,
        InitiativeRow.village_key,
        InitiativeRow.village,
        village=None,
        status=status,
        include_hidden=include_hidden,
    )


async def _place_facets(
    session: AsyncSession,
    key_column: Any,
    label_column: Any,
    *,
    village: str | None,
    status: str | None,
    include_hidden: bool,
) -> list[Facet]:
    """Kept per process until the projection changes, like tag_facets."""
    key = ("place_facets", key_column.key, village, status, include_hidden)
    return await cached(
        session,
        key,
        lambda: _count_places(
            session,
            key_column,
            label_column,
            village=village,
            status=status,
            include_hidden=include_hidden,
        ),
    )


async def _count_places(
    session: AsyncSession,
    key_column: Any,
    label_column: Any,
    *,
    village: str | None,
    status: str | None,
    include_hidden: bool,
) -> list[Facet]:
    where = await _filters(
        session,
        village=village,
        neighbourhood=None,
        tag=None,
        status=status,
        needs_kind=None,
        include_hidden=include_hidden,
    )
    counted = func.count().label("n")
    statement = (
        select(key_column.label("value"), func.min(label_column).label("label"), counted)
        .where(key_column != "", *where.count)
        .group_by(key_column)
        .order_by(counted.desc(), key_column)
        .limit(200)
    )
    rows = (await session.execute(statement)).all()
    return [Facet(value=row.value, label=row.label, count=row.n) for row in rows]


async def my_initiatives(
    session: AsyncSession, person: str, *, include_hidden: bool = True
) -> list[MyInitiative]:
    """Initiatives the person is an ally of (any role), most recently active first.

    Hidden ones are included by default: a person sees their own content, marked by the page.
    """
    person = person_id(person)
    statement = (
        select(InitiativeAllyRow.role, *SUMMARY_COLUMNS)
        .join(InitiativeRow, InitiativeRow.id == InitiativeAllyRow.initiative_id)
        .where(InitiativeAllyRow.person_id == person)
        .order_by(InitiativeRow.updated_at.desc(), InitiativeRow.id.desc())
        .limit(MY_LIMIT)
    )
    if not include_hidden:
        statement = statement.where(not_hidden(InitiativeRow.id))
    rows = (await session.execute(statement)).all()
    return [MyInitiative(role=row.role, initiative=summary(row)) for row in rows]


async def my_tasks(
    session: AsyncSession, person: str, *, include_done: bool = False
) -> list[MyTask]:
    """Tasks the person took on: unfinished first, then by due date (none last), then title."""
    person = person_id(person)
    statement = (
        select(
            Task.initiative_id,
            InitiativeRow.title.label("initiative_title"),
            Task.task_id,
            Task.title,
            Task.status,
            Task.due,
        )
        .join(InitiativeRow, InitiativeRow.id == Task.initiative_id)
        .where(Task.owner == person)
        .order_by(
            (Task.status == "done"),
            Task.due.is_(None),
            Task.due,
            Task.title,
            Task.task_id,
        )
        .limit(MY_LIMIT)
    )
    if not include_done:
        statement = statement.where(Task.status != "done")
    rows = (await session.execute(statement)).all()
    return [
        MyTask(
            initiative_id=row.initiative_id,
            initiative_title=row.initiative_title,
            task_id=row.task_id,
            title=row.title,
            status=row.status,
            due=row.due,
        )
        for row in rows
    ]
