"""Moderation on this node: moderators and hosts hide a document or one item in it (a comment,
an update) from this node's pages. Never a change to the document — other nodes decide for
themselves — and never silent: every hide and every undo is a kept record.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..errors import Invalid, NotFound, PermissionDenied
from ..phrases import N_
from ..projection.generation import bump
from ..projection.hidden import forget_hidden
from .models import ID, ModerationRecord

REASON = 500
ITEM_ID = 32


class ModerationEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    doc_id: str
    item_id: str | None
    """None: the whole document."""
    by: str
    reason: str
    at: datetime
    undone_at: datetime | None
    undone_by: str | None

    @property
    def active(self) -> bool:
        return self.undone_at is None


def _entry(record: ModerationRecord) -> ModerationEntry:
    return ModerationEntry(
        id=record.id,
        doc_id=record.doc_id,
        item_id=record.item_id,
        by=record.by,
        reason=record.reason,
        at=record.at,
        undone_at=record.undone_at,
        undone_by=record.undone_by,
    )


def _moderator(acting: Acting | None) -> Acting:
    if acting is None or not acting.moderates:
        raise PermissionDenied(N_("Alleen moderatoren van deze node kunnen berichten verbergen."))
    return acting


def _target(doc_id: object, item_id: object) -> tuple[str, str | None]:
    if not isinstance(doc_id, str) or not 0 < len(doc_id) <= ID:
        raise Invalid("doc_id", N_("Onbekend document."))
    if item_id is None or item_id == "":
        return doc_id, None
    if not isinstance(item_id, str) or len(item_id) > ITEM_ID:
        raise Invalid("item_id", N_("Onbekend onderdeel."))
    return doc_id, item_id


async def _active(
    session: AsyncSession, doc_id: str, item_id: str | None
) -> ModerationRecord | None:
    item = (
        ModerationRecord.item_id.is_(None)
        if item_id is None
        else (ModerationRecord.item_id == item_id)
    )
    return await session.scalar(
        select(ModerationRecord)
        .where(ModerationRecord.doc_id == doc_id, item, ModerationRecord.undone_at.is_(None))
        .order_by(ModerationRecord.id)
        .limit(1)
    )


async def hide(
    session: AsyncSession,
    acting: Acting | None,
    doc_id: str,
    *,
    item_id: str | None = None,
    reason: str,
    now: datetime | None = None,
) -> ModerationEntry:
    """Hide a document (item_id None) or one item in it, with a reason; returns the record.
    Hiding what is already hidden returns the record that hides it."""
    me = _moderator(acting)
    doc_id, item = _target(doc_id, item_id)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > REASON:
        raise Invalid("reason", N_("Geef een reden op van hoogstens %(max)d tekens."), max=REASON)
    existing = await _active(session, doc_id, item)
    if existing is not None:
        return _entry(existing)
    record = ModerationRecord(
        doc_id=doc_id, item_id=item, by=me.person_id, reason=reason, at=now or datetime.now(UTC)
    )
    session.add(record)
    await session.flush()
    forget_hidden(session)
    await bump(session)
    return _entry(record)


async def unhide(
    session: AsyncSession,
    acting: Acting | None,
    doc_id: str,
    *,
    item_id: str | None = None,
    now: datetime | None = None,
) -> ModerationEntry:
    """Show a hidden document or item again; the record stays, marked undone."""
    me = _moderator(acting)
    doc_id, item = _target(doc_id, item_id)
    record = await _active(session, doc_id, item)
    if record is None:
        raise NotFound(N_("verborgen inhoud"))
    record.undone_at = now or datetime.now(UTC)
    record.undone_by = me.person_id
    await session.flush()
    forget_hidden(session)
    await bump(session)
    return _entry(record)


async def hidden_items(session: AsyncSession, doc_id: str) -> frozenset[str | None]:
    """What is hidden in one document now: item ids, and None if the whole document is."""
    rows = await session.scalars(
        select(ModerationRecord.item_id).where(
            ModerationRecord.doc_id == doc_id, ModerationRecord.undone_at.is_(None)
        )
    )
    return frozenset(rows.all())


async def is_hidden(session: AsyncSession, doc_id: str, item_id: str | None = None) -> bool:
    return await _active(session, doc_id, item_id) is not None


async def moderation_log(
    session: AsyncSession,
    acting: Acting | None,
    *,
    doc_id: str | None = None,
    limit: int = 100,
) -> list[ModerationEntry]:
    """Records, newest first (of one document if given, undone ones included); moderators only."""
    _moderator(acting)
    statement = select(ModerationRecord).order_by(ModerationRecord.id.desc())
    if doc_id is not None:
        statement = statement.where(ModerationRecord.doc_id == doc_id)
    records = await session.scalars(statement.limit(max(1, min(limit, 1000))))
    return [_entry(record) for record in records]
