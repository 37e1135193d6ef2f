"""Rebuild the whole projection from the documents alone (`mekaar reindex`).

Every projection table is dropped and created again (so a changed table definition takes effect),
then each stored document is read and projected. Documents that cannot be read, or that could not
be shown (another document's id, broken schema: what arrives from peers is quarantined for the
same reasons), are skipped; local-only tables (accounts, moderation) are never touched.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..db import Base
from ..documents.validation import problem_with
from ..errors import NodeError
from .generation import bump
from .models import PROJECTION_TABLES
from .project import rows_of

if TYPE_CHECKING:
    from ..runtime import Node

Progress = Callable[[int, int], None]
"""Called as progress(done, total) after each document."""

BATCH = 200  # documents per transaction


def drop_projection(connection: Connection) -> None:
    Base.metadata.drop_all(connection, tables=list(PROJECTION_TABLES))


def create_projection(connection: Connection) -> None:
    Base.metadata.create_all(connection, tables=list(PROJECTION_TABLES))


async def reindex(node: Node, progress: Progress | None = None) -> int:
    """Drop and rebuild every projection table; returns how many documents were projected.

    Rows are collected over a batch of documents and inserted per table at once (the tables
    are new, so nothing needs deleting first).
    """
    async with node.engine.begin() as connection:
        await connection.run_sync(drop_projection)
        await connection.run_sync(create_projection)
    ids = list(node.documents.store.ids())
    projected = 0
    batch: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    async with node.sessions() as session:
        for done, doc_id in enumerate(ids, start=1):
            try:
                content = await asyncio.to_thread(node.documents.read, doc_id)
            except NodeError:
                content = None
            admissible = content is not None and problem_with(doc_id, content) is None
            rows = rows_of(content) if content is not None and admissible else None
            if rows is not None:
                for model, values in rows:
                    batch[model].extend(values)
                projected += 1
            if done % BATCH == 0 or done == len(ids):
                await _insert(session, batch)
                await bump(session)
                await session.commit()
            if progress is not None:
                progress(done, len(ids))
        await bump(session)  # also when there was nothing to project
        await session.commit()
    return projected


async def _insert(session: AsyncSession, batch: dict[Any, list[dict[str, Any]]]) -> None:
    for model in _INSERT_ORDER:  # parents before children
        if batch.get(model):
            await session.execute(insert(model), batch[model])
    batch.clear()


_INSERT_ORDER = tuple(
    mapper.class_
    for table in PROJECTION_TABLES
    for mapper in Base.registry.mappers
    if mapper.local_table is table
)
