"""Erasure at run time: the records in force applied to this node's documents (node/trust/erasure.py
`settle`), the projection brought along, and the database rewritten so that deleted rows leave
no words behind in free pages, the full-text index or the write-ahead log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from ..errors import NotFound
from ..notifications.forgetting import forget_erased
from ..projection import remove
from ..trust.erasure import Settled, settle
from ..trust.held import HeldChanges
from .admission import admit
from .sync_states import SyncStateFiles

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.replication")
SOURCE = "wissen"  # the "peer" of documents rewritten by an erasure, for projection and logs


async def apply_erasures(
    node: Node,
    held: HeldChanges | None = None,
    sync_states: SyncStateFiles | None = None,
    reset: Callable[[str], None] | None = None,
) -> Settled:
    """Settle the records in force, project what changed, and scrub the database if anything
    did. The replicator calls it whenever a catalog changed; CLI commands once."""
    data = node.settings.data_path
    held = held if held is not None else HeldChanges(data / "held")
    sync_states = sync_states if sync_states is not None else SyncStateFiles(data / "sync-states")
    result = await asyncio.to_thread(settle, node, held, sync_states, reset)
    if not (result.changed or result.removed):
        return result  # nothing new here (a restart, a record seen before)

    def read() -> dict[str, dict[str, Any]]:
        contents = {}
        for document_id in sorted(result.changed):
            try:
                contents[document_id] = node.documents.read(document_id)
            except NotFound:
                continue
        return contents

    contents = await asyncio.to_thread(read)
    async with node.sessions() as session:
        for document_id in sorted(result.removed):
            await remove(session, document_id)
        for document_id, content in contents.items():
            await admit(session, document_id, content, SOURCE)
        # notices keep words too: the erased people's, and titles of what was rewritten
        await forget_erased(session, node.erasures.erasures, result.changed | result.removed)
        await session.commit()
    await scrub_database(node)
    return result


async def scrub_database(node: Node) -> None:
    """Rewrite the SQLite file without the pages rows were deleted from: merge the full-text
    index (its old segments keep deleted words), VACUUM, and empty the write-ahead log."""
    if node.engine.dialect.name != "sqlite":
        return  # PostgreSQL: VACUUM FULL is the host's to schedule (docs/trust.md §4)
    async with node.engine.connect() as connection:
        auto = await connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            await auto.execute(text("INSERT INTO search_fts(search_fts) VALUES('optimize')"))
        except Exception:  # no full-text table (an old database): nothing to merge
            log.info("no full-text index to merge")
        await auto.execute(text("VACUUM"))
        await auto.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
