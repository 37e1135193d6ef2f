"""Finding news in the projection: what a change added, and who follows the thing it changed.

Every way a document changes here passes the projection: a resident's own edit
(node/service.py) and what peers or an import bring (node/replication/admission.py). Both take
a `snapshot` of the projected rows that carry news before projecting, then call `find` with the
new content: what is in the new rows and not in the snapshot is what happened. `mekaar reindex`
rebuilds the projection without either, so rebuilding never makes news.

Who follows a discussion: its starter and everyone who commented in it, plus the followers of
the initiative it belongs to. An initiative: its initiator and its allies (supporters too),
and whoever started or commented in one of its discussions. Only people with an account here
hear anything; nobody hears about what they did themselves. A change made here names its
author; a change from elsewhere names nobody here (people write through their home node).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.models import Account
from ..projection import content as c
from ..projection.models import (
    CommentRow,
    DiscussionRow,
    EventRow,
    InitiativeAllyRow,
    InitiativeRow,
    InitiativeTaskRow,
    PollRow,
)
from ..projection.project import Rows, rows_of
from .inbox import News, record

CHUNK = 500
WATCHED = frozenset({"discussion", "initiative", "poll", "event"})
LEADS = frozenset({"initiator", "coordinator"})


@dataclass
class Snapshot:
    """What the projection held of the watched documents before the change."""

    known: set[str] = field(default_factory=set)
    comments: dict[str, dict[str, str]] = field(default_factory=dict)
    """discussion id → comment id → its author"""
    allies: dict[str, set[str]] = field(default_factory=dict)
    owners: dict[str, dict[str, str | None]] = field(default_factory=dict)
    """initiative id → task id → who has it"""
    closed: dict[str, bool] = field(default_factory=dict)
    """poll or event id → whether it was closed (a poll) or cancelled (an event)"""


async def snapshot(session: AsyncSession, documents: Iterable[tuple[str, str]]) -> Snapshot:
    """Read before projecting: `documents` are (id, type) pairs; other types are skipped."""
    by_type: dict[str, list[str]] = {}
    for doc_id, doc_type in documents:
        if doc_type in WATCHED:
            by_type.setdefault(doc_type, []).append(doc_id)
    before = Snapshot()
    for ids in _chunks(by_type.get("discussion", [])):
        before.known |= set(
            await session.scalars(select(DiscussionRow.id).where(DiscussionRow.id.in_(ids)))
        )
        rows = await session.execute(
            select(CommentRow.discussion_id, CommentRow.comment_id, CommentRow.by).where(
                CommentRow.discussion_id.in_(ids)
            )
        )
        for discussion_id, comment_id, by in rows:
            before.comments.setdefault(discussion_id, {})[comment_id] = by
    for ids in _chunks(by_type.get("initiative", [])):
        before.known |= set(
            await session.scalars(select(InitiativeRow.id).where(InitiativeRow.id.in_(ids)))
        )
        allies = await session.execute(
            select(InitiativeAllyRow.initiative_id, InitiativeAllyRow.person_id).where(
                InitiativeAllyRow.initiative_id.in_(ids)
            )
        )
        for initiative_id, person_id in allies:
            before.allies.setdefault(initiative_id, set()).add(person_id)
        tasks = await session.execute(
            select(
                InitiativeTaskRow.initiative_id, InitiativeTaskRow.task_id, InitiativeTaskRow.owner
            ).where(InitiativeTaskRow.initiative_id.in_(ids))
        )
        for initiative_id, task_id, owner in tasks:
            before.owners.setdefault(initiative_id, {})[task_id] = owner
    for ids in _chunks(by_type.get("poll", [])):
        polls = await session.execute(select(PollRow.id, PollRow.closed).where(PollRow.id.in_(ids)))
        for poll_id, closed in polls:
            before.known.add(poll_id)
            before.closed[poll_id] = closed
    for ids in _chunks(by_type.get("event", [])):
        events = await session.execute(
            select(EventRow.id, EventRow.cancelled).where(EventRow.id.in_(ids))
        )
        for event_id, cancelled in events:
            before.known.add(event_id)
            before.closed[event_id] = cancelled
    return before


@dataclass(frozen=True, slots=True)
class Happening:
    """Something that happened, before it is addressed to people."""

    kind: str
    doc_id: str
    item_id: str
    about: str
    """The discussion or initiative whose followers hear of it."""
    actor: str
    at: datetime
    summary: str
    also: tuple[str, ...] = ()
    """People who hear of it besides the followers (the author of the comment replied to)."""
    only: tuple[str, ...] | None = None
    """Only these people hear of it (a task's old or new owner), not the followers."""


async def find(
    session: AsyncSession,
    before: Snapshot,
    contents: Sequence[dict[str, Any]],
    *,
    actor: str | None,
    now: datetime | None = None,
    rows: Mapping[str, Rows | None] | None = None,
) -> int:
    """Record the news the projected `contents` bring, against `before`; returns how many
    notices were written. Call after projecting (followers are read from the new rows);
    `rows`: what the projection built per document id, when the caller has it."""
    now = now or datetime.now(UTC)
    happenings: list[Happening] = []
    for content in contents:
        if content.get("type") not in WATCHED:
            continue
        doc_id = str(content["id"])
        built = rows[doc_id] if rows is not None and doc_id in rows else rows_of(content)
        if built is None:
            continue
        tables = {model: values for model, values in built}
        if content["type"] == "discussion":
            happenings += _comments(doc_id, tables.get(CommentRow, []), before, now)
        elif content["type"] == "initiative":
            happenings += _allies(doc_id, tables.get(InitiativeAllyRow, []), before, now)
            happenings += _tasks(doc_id, tables.get(InitiativeTaskRow, []), before, actor, now)
        elif content["type"] == "event":
            happenings += _events(doc_id, content, tables.get(EventRow, []), before, now)
        else:
            happenings += _polls(doc_id, content, tables.get(PollRow, []), before, now)
    if not happenings:
        return 0
    return await record(session, await _address(session, happenings, actor), now)


def _comments(
    doc_id: str, comments: list[dict[str, Any]], before: Snapshot, now: datetime
) -> list[Happening]:
    old = before.comments.get(doc_id, {})
    authors = {**old, **{row["comment_id"]: row["by"] for row in comments}}
    found = []
    for row in comments:
        if row["comment_id"] in old:
            continue
        replied = authors.get(row["reply_to"] or "")
        found.append(
            Happening(
                kind="comment",
                doc_id=doc_id,
                item_id=row["comment_id"],
                about=doc_id,
                actor=row["by"],
                at=row["at"] or now,
                summary=c.line(row["body"], 200),
                also=(replied,) if replied else (),
            )
        )
    return found


def _allies(
    doc_id: str, allies: list[dict[str, Any]], before: Snapshot, now: datetime
) -> list[Happening]:
    if doc_id not in before.known:
        return []  # a new initiative's first allies are its makers, not news
    old = before.allies.get(doc_id, set())
    leads = tuple(sorted(row["person_id"] for row in allies if row["role"] in LEADS))
    return [
        Happening(
            "ally",
            doc_id,
            row["person_id"],
            doc_id,
            row["person_id"],
            row["since"] or now,
            "",
            only=leads,
        )
        for row in allies
        if row["person_id"] not in old and row["role"] not in LEADS
    ]


def _tasks(
    doc_id: str, tasks: list[dict[str, Any]], before: Snapshot, actor: str | None, now: datetime
) -> list[Happening]:
    """Ownership moves carry no moment of their own: they happened when they arrive."""
    if doc_id not in before.known:
        return []
    owners = before.owners.get(doc_id, {})
    found = []
    for row in tasks:
        if row["task_id"] not in owners:
            continue
        old, new = owners[row["task_id"]], row["owner"]
        if old == new:
            continue
        # people take tasks on themselves: from elsewhere, the new owner is who did it
        by = actor or new or ""
        if new:
            found.append(
                Happening(
                    "task_given", doc_id, row["task_id"], doc_id, by, now, row["title"], only=(new,)
                )
            )
        if old:
            found.append(
                Happening(
                    "task_taken", doc_id, row["task_id"], doc_id, by, now, row["title"], only=(old,)
                )
            )
    return found


def _polls(
    doc_id: str,
    content: dict[str, Any],
    polls: list[dict[str, Any]],
    before: Snapshot,
    now: datetime,
) -> list[Happening]:
    if not polls or not polls[0]["about"]:
        return []
    poll = polls[0]
    if doc_id not in before.known:
        return [
            Happening(
                "poll_opened",
                doc_id,
                doc_id,
                poll["about"],
                poll["created_by"],
                poll["created_at"],
                poll["title"],
            )
        ]
    if poll["closed"] and not before.closed.get(doc_id, False):
        at = c.moment(content.get("closed_at")) or now
        return [Happening("poll_closed", doc_id, doc_id, poll["about"], "", at, poll["title"])]
    return []


def _events(
    doc_id: str,
    content: dict[str, Any],
    events: list[dict[str, Any]],
    before: Snapshot,
    now: datetime,
) -> list[Happening]:
    """A new event of a followed initiative (for its followers); a cancelled one (for whoever
    registered for it, and only them: they planned to come)."""
    if not events:
        return []
    event = events[0]
    about = event["organiser_id"] if event["organiser_type"] == "initiative" else ""
    if doc_id not in before.known:
        if not about or event["cancelled"]:
            return []
        return [
            Happening(
                "event_planned",
                doc_id,
                doc_id,
                about,
                event["created_by"],
                event["created_at"],
                event["title"],
            )
        ]
    if event["cancelled"] and not before.closed.get(doc_id, False):
        registered = c.mapping(content.get("registrations"))
        cancelled = content.get("cancelled")
        cancelled = cancelled if isinstance(cancelled, dict) else {}
        by = cancelled.get("by")
        return [
            Happening(
                "event_cancelled",
                doc_id,
                doc_id,
                about or doc_id,
                by if isinstance(by, str) else "",
                c.moment(cancelled.get("at")) or now,
                event["title"],
                only=tuple(sorted(registered)),
            )
        ]
    return []


# ----------------------------------------------------------------------------- followers


@dataclass(frozen=True, slots=True)
class Subject:
    id: str
    kind: str
    title: str
    followers: frozenset[str]


async def _address(
    session: AsyncSession, happenings: list[Happening], actor: str | None
) -> list[News]:
    subjects: dict[str, Subject | None] = {}
    wanted: set[str] = set()
    for happening in happenings:
        if happening.about not in subjects:
            subjects[happening.about] = await _subject(session, happening.about)
        subject = subjects[happening.about]
        if subject is not None:
            wanted |= subject.followers | set(happening.also)
        wanted |= set(happening.only or ())
    local = await _with_account(session, wanted)
    news = []
    for happening in happenings:
        subject = subjects[happening.about]
        if subject is None and happening.only is not None:  # an organisation's event: its own
            subject = Subject(happening.doc_id, "event", happening.summary, frozenset())
        if subject is None:
            continue
        if happening.only is not None:
            people = set(happening.only)
        else:
            people = set(subject.followers) | set(happening.also)
        kind = happening.kind
        for person in sorted((people & local) - {happening.actor, actor or ""}):
            kind_for = "reply" if kind == "comment" and person in happening.also else kind
            news.append(
                News(
                    person_id=person,
                    kind=kind_for,
                    doc_id=happening.doc_id,
                    item_id=happening.item_id,
                    subject_id=subject.id,
                    subject_kind=subject.kind,
                    subject_title=subject.title,
                    actor_id=happening.actor,
                    summary=happening.summary,
                    at=happening.at,
                )
            )
    return news


async def _subject(session: AsyncSession, doc_id: str) -> Subject | None:
    """The initiative or discussion news about `doc_id` is grouped under, and its followers."""
    discussion = await session.get(DiscussionRow, doc_id)
    if discussion is not None:
        followers = {discussion.created_by, *await _commenters(session, [doc_id])}
        if discussion.initiative_id:
            parent = await _subject(session, discussion.initiative_id)
            if parent is not None:
                return Subject(parent.id, parent.kind, parent.title, parent.followers | followers)
        return Subject(doc_id, "discussion", discussion.title, frozenset(followers))
    initiative = await session.get(InitiativeRow, doc_id)
    if initiative is None:
        return None
    allies = set(
        await session.scalars(
            select(InitiativeAllyRow.person_id).where(InitiativeAllyRow.initiative_id == doc_id)
        )
    )
    threads = (
        await session.execute(
            select(DiscussionRow.id, DiscussionRow.created_by).where(
                DiscussionRow.initiative_id == doc_id
            )
        )
    ).all()
    followers = {initiative.created_by, *allies, *(by for _id, by in threads)}
    followers |= await _commenters(session, [thread_id for thread_id, _by in threads])
    return Subject(doc_id, "initiative", initiative.title, frozenset(followers))


async def _commenters(session: AsyncSession, discussion_ids: list[str]) -> set[str]:
    if not discussion_ids:
        return set()
    return set(
        await session.scalars(
            select(CommentRow.by).where(CommentRow.discussion_id.in_(discussion_ids)).distinct()
        )
    )


async def _with_account(session: AsyncSession, people: set[str]) -> set[str]:
    found: set[str] = set()
    for ids in _chunks(sorted(p for p in people if p)):
        found |= set(
            await session.scalars(select(Account.person_id).where(Account.person_id.in_(ids)))
        )
    return found


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])
