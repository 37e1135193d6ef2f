"""Projecting many documents in one go, as `project()` would one by one, with a handful of
statements for the whole batch instead of several per document.

Replication brings documents by the hundred (a node catching up on a village); through the
one-by-one path each costs two lookups, up to six deletes, an insert per table and a generation
bump, every one a round trip to the database thread. Here the lookups, deletes and inserts are
made per table for the whole batch, and the generation moves once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from .generation import bump
from .locks import lock_projection
from .models import SearchEntryRow, VillageRow
from .project import _OWNED, Rows, has_many_children, rows_of, write_rows

CHUNK = 500  # ids per IN (...) list, well below SQLite's limit on bound parameters


async def projected_kinds(session: AsyncSession, doc_ids: Sequence[str]) -> dict[str, str]:
    """`projected_kind` for many documents: the type each is projected as, for those that are."""
    kinds: dict[str, str] = {}
    for ids in _chunks(doc_ids):
        found = await session.execute(
            select(SearchEntryRow.doc_id, SearchEntryRow.kind).where(SearchEntryRow.doc_id.in_(ids))
        )
        kinds.update((doc_id, str(kind)) for doc_id, kind in found)
    rest = [d for d in doc_ids if d not in kinds]
    for ids in _chunks(rest):
        catalogs = await session.scalars(
            select(VillageRow.catalog_id).where(VillageRow.catalog_id.in_(ids))
        )
        kinds.update((doc_id, "catalog") for doc_id in catalogs if doc_id is not None)
    return kinds


async def project_all(
    session: AsyncSession, contents: Iterable[dict[str, Any]], fresh: set[str]
) -> dict[str, Rows]:
    """`project(session, content)` for every content, as one batch: the rows of every document
    are cleared per table, then each table gets one insert. `fresh`: the documents the caller
    found unprojected (they skip the one-by-one path of long threads). Returns the rows built
    per document id (news reads them).

    Tables are filled in the order their builders list them, parents before children, so a
    child row never precedes its parent even with foreign keys enforced. Ids must be distinct.
    """
    await lock_projection(session)
    clear: dict[str, list[str]] = {}
    tables: dict[Any, list[dict[str, Any]]] = {}
    built: dict[str, Rows] = {}
    for content in contents:
        rows = rows_of(content)
        if rows is None:
            continue  # as project(): an unknown type is ignored, its rows left alone
        built[content["id"]] = rows
        if content["id"] not in fresh and has_many_children(content, rows):
            await write_rows(session, content, rows)  # keeps a long thread's unchanged rows
            continue
        # cleared even when `fresh`: a resident's edit on this node may have projected it since
        # the caller looked (a page answers from the document, so one can edit it before its
        # first projection); a few deletes per batch cost little
        clear.setdefault(content["type"], []).append(content["id"])
        for model, values in rows:
            tables.setdefault(model, []).extend(values)
    if not built:
        return built
    for doc_type, doc_ids in clear.items():
        for ids in _chunks(doc_ids):
            for column in _OWNED[doc_type]:  # children first, as project._delete
                await session.execute(delete(column.class_).where(column.in_(ids)))
            await session.execute(delete(SearchEntryRow).where(SearchEntryRow.doc_id.in_(ids)))
    for model, values in tables.items():
        if values:
            await session.execute(insert(model), values)
    await bump(session)
    return built


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])
