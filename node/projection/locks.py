"""One writer of the projection at a time, on PostgreSQL.

Projecting clears a document's rows and inserts new ones. Two transactions doing that at once for
the same document (a resident's edit and the replicator bringing a peer's version, or two
replication batches) each clear nothing the other has committed yet, and the second insert then
breaks the unique key: an error page for the resident, a batch retried for the replicator.

Every projecting transaction takes one transaction-scoped advisory lock before it writes a row:
the second waits until the first commits, and its clearing then sees those rows. One lock for the
whole projection rather than one per document: a transaction that projects several documents in
turn (an import, a post and its catalog) cannot then hold one while waiting for another, so no
two can deadlock. It costs no concurrency: every projecting transaction already waited for the
others at the generation counter's single row (generation.bump). SQLite needs none: it lets one
transaction write at a time.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PROJECTION = 0x6D656B616172  # "mekaar": a key no other application's advisory lock uses

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


async def lock_projection(session: AsyncSession) -> None:
    """Wait until no other transaction writes the projection; held until commit or rollback.
    Taken again in the same transaction it returns at once."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_LOCK, {"key": PROJECTION})
