"""Leave out what this node's moderators hid.

Moderation records are local-only data of `node.accounts`; the projection only reads them. The
import is deferred because accounts also reads the projection (display names), and two packages
importing each other at load time would depend on which one is imported first.

Two forms: `hidden_documents` fetches the (few) hidden ids once, for list pages whose counts would
otherwise probe the moderation table for every row; `not_hidden` is a correlated condition for
queries that only look at a handful of rows (search hits, matches).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

SESSION_KEY = "mekaar.hidden_documents"
"""Where the hidden ids are kept in `session.info` for the rest of that session (one request:
a list page with facets asks once). node.accounts.moderation drops it when it hides or shows."""


async def hidden_documents(session: AsyncSession) -> list[str]:
    """Ids of the documents hidden as a whole on this node now."""
    from ..accounts.models import ModerationRecord

    cached: list[str] | None = session.info.get(SESSION_KEY)
    if cached is not None:
        return cached
    rows = await session.scalars(
        select(ModerationRecord.doc_id)
        .where(ModerationRecord.item_id.is_(None), ModerationRecord.undone_at.is_(None))
        .distinct()
    )
    found = list(rows.all())
    session.info[SESSION_KEY] = found
    return found


def forget_hidden(session: AsyncSession) -> None:
    session.info.pop(SESSION_KEY, None)


async def visible(
    session: AsyncSession, doc_id: Any, include_hidden: bool
) -> list[ColumnElement[bool]]:
    """The condition (none, or one NOT IN) that leaves hidden documents out of a list."""
    if include_hidden:
        return []
    hidden = await hidden_documents(session)
    return [doc_id.not_in(hidden)] if hidden else []


def not_hidden(doc_id: Any) -> ColumnElement[bool]:
    """True for documents with no active moderation record on the whole document."""
    from ..accounts.models import ModerationRecord

    return ~exists(
        select(ModerationRecord.id).where(
            ModerationRecord.doc_id == doc_id,
            ModerationRecord.item_id.is_(None),
            ModerationRecord.undone_at.is_(None),
        )
    )
