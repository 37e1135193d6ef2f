"""Writing and reading notices, calmly.

A notice is written only for what happened recently: not before the person's `seen_until`
(they marked everything read after it), not more than MAX_AGE before it arrived here, never of
a kind they turned off, and at most PER_ARRIVAL per person from one arrival. So a peer that
delivers a thousand old comments at once, or a village that was offline for a month, writes
nothing or a few rows — not a storm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.models import Account
from ..projection import content as c
from ..projection.models import PersonRow
from .kinds import DEFAULT_DIGEST, KINDS
from .models import ITEM, SUMMARY, Notice, NoticeSettings

MAX_AGE = timedelta(days=14)
"""What happened longer ago than this when it arrives is not news any more."""
PER_ARRIVAL = 20
"""Notices one arrival (one change here, one batch from a peer) writes per person at most."""
PAGE = 200
"""Notices the page shows (newest first)."""
UNREAD_SHOWN = 99
"""The header counts unread notices up to this; more show as 99+."""

SUBJECT_PAGES = {
    "initiative": "/initiatieven/",
    "discussion": "/gesprekken/",
    "event": "/activiteiten/",
}
"""Where the page of what news is grouped under lives, per kind of subject."""


@dataclass(frozen=True, slots=True)
class News:
    person_id: str
    kind: str
    doc_id: str
    item_id: str
    subject_id: str
    subject_kind: str
    subject_title: str
    actor_id: str
    summary: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Preferences:
    digest: str
    muted: frozenset[str]
    seen_until: datetime | None


async def preferences(session: AsyncSession, person_id: str) -> Preferences:
    """A person's choices, the defaults when they never chose (seen_until: their joining)."""
    row = await session.get(NoticeSettings, person_id)
    if row is not None:
        return Preferences(row.digest, frozenset(row.muted), row.seen_until)
    joined = await session.scalar(select(Account.created_at).where(Account.person_id == person_id))
    return Preferences(DEFAULT_DIGEST, frozenset(), joined)


async def settings_row(session: AsyncSession, person_id: str) -> NoticeSettings:
    """The person's settings row, made with the defaults when there is none yet."""
    row = await session.get(NoticeSettings, person_id)
    if row is None:
        current = await preferences(session, person_id)
        row = NoticeSettings(
            person_id=person_id,
            digest=current.digest,
            muted=[],
            seen_until=current.seen_until,
            digested_id=0,
        )
        session.add(row)
        await session.flush()
    return row


async def record(session: AsyncSession, news: Sequence[News], now: datetime) -> int:
    """Write the notices that are news (see the module's rules); returns how many."""
    per_person: dict[str, list[News]] = defaultdict(list)
    for item in news:
        per_person[item.person_id].append(item)
    written = 0
    for person_id, items in per_person.items():
        choices = await preferences(session, person_id)
        oldest = now - MAX_AGE
        if choices.seen_until is not None and choices.seen_until > oldest:
            oldest = choices.seen_until
        fresh = [
            item
            for item in items
            if item.kind in KINDS and item.kind not in choices.muted and min(item.at, now) > oldest
        ]
        fresh.sort(key=lambda item: item.at, reverse=True)
        fresh = await _not_yet_written(session, person_id, fresh)
        values = [_values(item, now) for item in fresh[:PER_ARRIVAL]]
        if values:
            await session.execute(insert(Notice), values)
            written += len(values)
    return written


async def _not_yet_written(session: AsyncSession, person_id: str, items: list[News]) -> list[News]:
    if not items:
        return items
    docs = {item.doc_id for item in items}
    existing = set(
        (
            await session.execute(
                select(Notice.kind, Notice.doc_id, Notice.item_id).where(
                    Notice.person_id == person_id, Notice.doc_id.in_(docs)
                )
            )
        ).all()
    )
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for item in items:
        key = (item.kind, item.doc_id, item.item_id[:ITEM])
        if key not in existing and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _values(item: News, now: datetime) -> dict[str, object]:
    return {
        "person_id": item.person_id,
        "kind": item.kind,
        "doc_id": item.doc_id,
        "item_id": item.item_id[:ITEM],
        "subject_id": item.subject_id,
        "subject_kind": item.subject_kind,
        "subject_title": c.line(item.subject_title, 200),
        "actor_id": item.actor_id,
        "summary": c.line(item.summary, SUMMARY),
        "at": min(item.at, now),
        "recorded_at": now,
        "read_at": None,
    }


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Shown:
    """A notice as the page and a digest show it."""

    id: int
    kind: str
    who: str
    summary: str
    link: str
    at: datetime
    unread: bool


@dataclass(frozen=True, slots=True)
class Group:
    """The notices about one initiative or discussion, newest first."""

    subject_id: str
    subject_kind: str
    title: str
    link: str
    notices: list[Shown]


async def unread_count(session: AsyncSession, person_id: str) -> int:
    """Up to UNREAD_SHOWN + 1: the header shows 99+ beyond that; one indexed query."""
    unread = (
        select(Notice.id)
        .where(Notice.person_id == person_id, Notice.read_at.is_(None))
        .limit(UNREAD_SHOWN + 1)
        .subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(unread)) or 0)


async def notices(session: AsyncSession, person_id: str) -> list[Group]:
    """The person's newest notices (PAGE at most) grouped per initiative or discussion, the
    group with the newest news first."""
    rows = list(
        await session.scalars(
            select(Notice)
            .where(Notice.person_id == person_id)
            .order_by(Notice.at.desc(), Notice.id.desc())
            .limit(PAGE)
        )
    )
    return await group(session, rows)


async def group(session: AsyncSession, rows: Sequence[Notice]) -> list[Group]:
    """Rows (newest first) in groups per subject, in the order of their newest row."""
    names = await _names(session, {row.actor_id for row in rows if row.actor_id})
    groups: dict[str, Group] = {}
    for row in rows:
        found = groups.get(row.subject_id)
        if found is None:
            base = SUBJECT_PAGES.get(row.subject_kind, "/gesprekken/")
            found = Group(
                row.subject_id, row.subject_kind, row.subject_title, base + row.subject_id, []
            )
            groups[row.subject_id] = found
        kind = KINDS.get(row.kind)
        found.notices.append(
            Shown(
                id=row.id,
                kind=row.kind,
                who=names.get(row.actor_id, ""),
                summary=row.summary,
                link=kind.link(row.doc_id, row.item_id) if kind else found.link,
                at=row.at,
                unread=row.read_at is None,
            )
        )
    return list(groups.values())


async def _names(session: AsyncSession, people: set[str]) -> dict[str, str]:
    if not people:
        return {}
    rows = await session.execute(
        select(PersonRow.id, PersonRow.display_name).where(PersonRow.id.in_(sorted(people)))
    )
    return {person_id: name for person_id, name in rows}


async def mark_all_read(session: AsyncSession, person_id: str, now: datetime) -> None:
    """Everything read, and everything that happened until now old news from here on."""
    await session.execute(
        update(Notice)
        .where(Notice.person_id == person_id, Notice.read_at.is_(None))
        .values(read_at=now)
    )
    row = await settings_row(session, person_id)
    row.seen_until = now
    await session.flush()
