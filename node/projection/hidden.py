"""Leave out what this node's moderators hid.

Moderation records are local-only data of `node.accounts`; the projection only reads them. The
import is deferred because accounts also reads the projection (display names), and two packages
importing each other at load time would depend on which one is imported first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, select


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
