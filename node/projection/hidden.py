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


async def hidden_documents(session: AsyncSession) -> list[str]:
    """Ids of the documents hidden as a whole on this node now."""
    from ..accounts.models import ModerationRecord

    rows = await session.scalars(
        select(ModerationRecord.doc_id)
        .where(ModerationRecord.item_id.is_(None), ModerationRecord.undone_at.is_(None))
        .distinct()
    )
    return list(rows.all())


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
