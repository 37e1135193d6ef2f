"""One writer per document's rows at a time, on PostgreSQL.

Projecting clears a document's rows and inserts new ones. Two transactions doing that at once for
the same document (a resident's edit and the replicator bringing a peer's version, or two
replication batches) each clear nothing the other has committed yet, and the second insert then
breaks the unique key: an error page for the resident, a batch retried for the replicator. A
transaction-scoped advisory lock per document makes the second wait until the first commits; its
clearing then sees those rows. SQLite needs none: it lets one transaction write at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

PROJECTION = 8127
"""The first key of our advisory locks, so they cannot meet another application's."""

_LOCK = text(
    "SELECT count(pg_advisory_xact_lock(:space, k)) FROM "
    "(SELECT DISTINCT hashtext(id) AS k FROM unnest(:ids) AS id ORDER BY k) AS keys"
).bindparams(bindparam("ids", type_=ARRAY(Text())))


async def lock_documents(session: AsyncSession, doc_ids: Iterable[str]) -> None:
    """Wait until no other transaction writes these documents' rows; held until commit or
    rollback. Taken in one order (by key) by every caller, so two batches cannot deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted(set(doc_ids))
    if ids:
        await session.execute(_LOCK, {"space": PROJECTION, "ids": ids})
