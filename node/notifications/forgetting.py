"""Notices after an erasure (docs/trust.md §4): a notice keeps the first words of what happened
and the title of what it happened in, so when a person is erased their words must leave the
notices too, on every node, not only the documents.

Gone are the notices of what an erased person did (their comment, their joining, with its
offer), and those about an item the rewritten documents no longer hold (a reply to a comment
that went, say). The title a notice is grouped under is taken again from the projection, which
the erasure has just brought up to date; a notice whose subject is gone goes with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..projection.models import CommentRow, DiscussionRow, EventRow, InitiativeRow
from .models import Notice

CHUNK = 500


async def forget_erased(
    session: AsyncSession, erased: Iterable[str], documents: Iterable[str]
) -> int:
    """Delete or correct the notices an erasure touches; returns how many were deleted. Call
    after the rewritten documents were projected, in the same transaction."""
    erased, documents = sorted(set(erased)), sorted(set(documents))
    deleted = 0
    for people in _chunks(erased):
        done = await session.execute(delete(Notice).where(Notice.actor_id.in_(people)))
        deleted += int(getattr(done, "rowcount", 0) or 0)
    for ids in _chunks(documents):
        held = await session.execute(
            select(CommentRow.discussion_id, CommentRow.comment_id).where(
                CommentRow.discussion_id.in_(ids)
            )
        )
        still = {(doc_id, item_id) for doc_id, item_id in held}
        comments = await session.execute(
            select(Notice.id, Notice.doc_id, Notice.item_id).where(
                Notice.doc_id.in_(ids), Notice.kind.in_(("comment", "reply"))
            )
        )
        gone = [n for n, doc_id, item_id in comments if (doc_id, item_id) not in still]
        if gone:
            await session.execute(delete(Notice).where(Notice.id.in_(gone)))
            deleted += len(gone)
        subjects = set(
            await session.scalars(select(Notice.subject_id).where(Notice.subject_id.in_(ids)))
        )
        for subject_id in subjects:
            title = await _title(session, subject_id)
            if title is None:
                done = await session.execute(delete(Notice).where(Notice.subject_id == subject_id))
                deleted += int(getattr(done, "rowcount", 0) or 0)
            else:
                await session.execute(
                    update(Notice)
                    .where(Notice.subject_id == subject_id)
                    .values(subject_title=title)
                )
    return deleted


async def _title(session: AsyncSession, subject_id: str) -> str | None:
    for column, key in (
        (InitiativeRow.title, InitiativeRow.id),
        (DiscussionRow.title, DiscussionRow.id),
        (EventRow.title, EventRow.id),
    ):
        title = await session.scalar(select(column).where(key == subject_id))
        if title is not None:
            return str(title)[:200]
    return None


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
