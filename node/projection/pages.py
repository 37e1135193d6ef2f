"""One page of a list: how many rows match over all pages, then the page's rows in order. With a
search query, only the documents the search finds are listed, best match first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .results import Page
from .search import clean_query, dialect_of, matches

T = TypeVar("T")


async def one_page(
    session: AsyncSession,
    model: Any,
    columns: Sequence[Any],
    make: Callable[[Any], T],
    *,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[Any],
    page: int,
    per_page: int,
    count_where: Sequence[ColumnElement[bool]] | None = None,
    query: str | None = None,
    kind: str = "",
) -> Page[T]:
    """Rows of `model` (a projection table keyed by document id) matching `where`, as `make` builds
    them from `columns`. `count_where` counts the same rows where another form of the conditions
    counts faster. A `query` keeps the search hits of documents of `kind`, ranked first."""
    rows = select(*columns)
    count = select(func.count()).select_from(model)
    ordering = list(order)
    wanted = clean_query(query)
    if wanted is not None:
        found = matches(dialect_of(session), wanted)
        if found is None:
            return Page(items=[], total=0, page=page, per_page=per_page)
        hits = found.where(found.selected_columns.kind == kind).subquery()
        rows = rows.join(hits, hits.c.doc_id == model.id)
        count = count.join(hits, hits.c.doc_id == model.id)
        ordering = [hits.c.score, *ordering]
    counted = where if count_where is None else count_where
    total = (await session.execute(count.where(*counted))).scalar_one()
    statement = rows.where(*where).order_by(*ordering)
    statement = statement.limit(per_page).offset((page - 1) * per_page)
    items = [make(row) for row in (await session.execute(statement)).all()]
    return Page(items=items, total=total, page=page, per_page=per_page)
