"""Rebuild the whole projection from the documents alone (`mekaar reindex`).

Every projection table is dropped and created again (so a changed table definition takes effect),
then each stored document is read and projected. Documents that cannot be read are skipped and
reported to `progress`; local-only tables (accounts, moderation) are never touched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from ..db import Base
from ..errors import NodeError
from .models import PROJECTION_TABLES
from .project import DOCUMENT_TYPES, project

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
    """Drop and rebuild every projection table; returns how many documents were projected."""
    async with node.engine.begin() as connection:
        await connection.run_sync(drop_projection)
        await connection.run_sync(create_projection)
    ids = list(node.documents.store.ids())
    projected = 0
    async with node.sessions() as session:
        for done, doc_id in enumerate(ids, start=1):
            try:
                content = await asyncio.to_thread(node.documents.read, doc_id)
            except NodeError:
                content = None
            if content is not None and content.get("type") in DOCUMENT_TYPES:
                await project(session, content)
                projected += 1
            if done % BATCH == 0:
                await session.commit()
            if progress is not None:
                progress(done, len(ids))
        await session.commit()
    return projected
