"""Project one document into the SQL tables: `project(session, content)` replaces every row that
came from that document with rows made from its current content; `remove(session, doc_id)` drops
them. Callers pass what `Document.to_py()` gives (timestamps as aware datetimes, texts as str) and
commit at their request boundary.

The projection must be rebuildable from documents alone, so nothing here reads the clock or any
other table: the same content always gives the same rows. An initiative's `updated_at` is the
latest moment found in it (created, an ally's since, a need, a task, an update, or a top-level
`updated_at` if the domain writes one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..events import rules as event_rules
from . import content as c
from . import contributions
from .catalog_id import catalog_id_of
from .generation import bump
from .locks import lock_projection
from .models import (
    ID,
    AllianceRow,
    CommentRow,
    ContributionRow,
    DiscussionRow,
    DiscussionTagRow,
    EventRow,
    GrantCallRow,
    InitiativeAllyRow,
    InitiativeNeedRow,
    InitiativeRow,
    InitiativeTagRow,
    InitiativeTaskRow,
    JobRow,
    OrganisationMemberRow,
    OrganisationRow,
    PersonRow,
    PersonTermRow,
    PlaceBookingRow,
    PlaceRow,
    PollRow,
    SearchEntryRow,
    VillageRow,
)

KEEP_FROM = 200
"""Child rows of one document (comments of a thread) from which unchanged ones are kept."""
CHUNK = 500  # ids per IN (...) list, well below SQLite's limit on bound parameters
MAX_ITEMS = 10_000  # rows per map (allies, tasks, comments…) a single document may put in SQL
EXCERPT = 1_000  # characters of a long text kept on a list row
SEARCH_BODY = 60_000  # characters of a document's body the search index sees
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Rows = list[tuple[type[Any], list[dict[str, Any]]]]


def rows_of(content: dict[str, Any]) -> Rows | None:
    """The rows a document projects to, per table; None for unknown types or a missing id."""
    build = _BUILDERS.get(content.get("type"))  # type: ignore[arg-type]
    doc_id = content.get("id")
    if build is None or not isinstance(doc_id, str) or not 0 < len(doc_id) <= ID:
        return None
    return build(doc_id, content)


async def project(
    session: AsyncSession, content: dict[str, Any], *, fresh: bool = False
) -> Rows | None:
    """Replace the rows of the document `content` describes, and return them (news reads them:
    building a long thread's rows twice per comment would double the work). Unknown types are
    ignored (None).

    A document keeps its type for life, so only the tables of its type are cleared first;
    `fresh`: the caller knows it has no rows yet (projected_kind said None), so nothing is.
    A child table with many rows for the document (a thread's comments) is not cleared: its
    unchanged rows stay, so a new comment in a thread of 5,000 writes one row, not 5,000.
    """
    rows = rows_of(content)
    if rows is None:
        return None
    await lock_projection(session)
    await write_rows(session, content, rows, fresh=fresh)
    await bump(session)
    return rows


async def write_rows(
    session: AsyncSession, content: dict[str, Any], rows: Rows, *, fresh: bool = False
) -> None:
    """`project` with the rows already built (a batch builds them first), without the
    generation bump (the caller bumps once)."""
    if not fresh:
        kept = await _refresh(session, content, rows)
        rows = [(model, values) for model, values in rows if model not in kept]
    for model, values in rows:
        if values:
            await session.execute(insert(model), values)


def has_many_children(content: dict[str, Any], rows: Rows) -> bool:
    """Whether `project` keeps some of this document's rows instead of rewriting them."""
    children = {column.class_ for column in _OWNED.get(content.get("type", ""), ())[:-1]}
    return any(
        model in children and _by_item(model) and len(values) >= KEEP_FROM for model, values in rows
    )


def _by_item(model: Any) -> bool:
    """Rows keyed by (document, item): the ones `_update_children` can tell apart."""
    return len(model.__table__.primary_key.columns) == 2


async def _refresh(session: AsyncSession, content: dict[str, Any], rows: Rows) -> set[Any]:
    """Clear the document's rows before `rows` are inserted, or bring large child tables and
    the parent row up to date in place (the parent cannot be deleted under kept children: its
    foreign keys cascade). Returns the models already written."""
    doc_id, doc_type = content["id"], content["type"]
    if not has_many_children(content, rows):
        await _delete(session, doc_id, (doc_type,))
        return set()
    values_of = dict(rows)
    *children, parent = _OWNED[doc_type]
    for row in values_of.get(parent.class_, []):
        done = await session.execute(update(parent.class_).where(parent == doc_id).values(row))
        if not getattr(done, "rowcount", 1):
            await session.execute(insert(parent.class_), [row])
    for column in children:
        values = values_of.get(column.class_, [])
        if len(values) >= KEEP_FROM and _by_item(column.class_):
            await _update_children(session, column, doc_id, values)
        else:
            await session.execute(delete(column.class_).where(column == doc_id))
            if values:
                await session.execute(insert(column.class_), values)
    await session.execute(delete(SearchEntryRow).where(SearchEntryRow.doc_id == doc_id))
    return {column.class_ for column in _OWNED[doc_type]}


async def _update_children(
    session: AsyncSession, key: Any, doc_id: str, values: list[dict[str, Any]]
) -> None:
    """The rows of one child table for one document: rows that did not change stay, the
    changed and vanished ones are deleted, the changed and new ones inserted."""
    model = key.class_
    item = next(col for col in model.__table__.primary_key.columns if col.name != key.name)
    wanted = {v[item.name]: v for v in values}
    found = await session.execute(select(model.__table__).where(key == doc_id))
    unchanged: set[Any] = set()
    stale: list[Any] = []
    for row in found.mappings():
        new = wanted.get(row[item.name])
        if new is not None and all(row.get(name) == value for name, value in new.items()):
            unchanged.add(row[item.name])
        else:
            stale.append(row[item.name])
    for start in range(0, len(stale), CHUNK):
        ids = stale[start : start + CHUNK]
        await session.execute(delete(model).where(key == doc_id, item.in_(ids)))
    fresh_rows = [v for k, v in wanted.items() if k not in unchanged]
    if fresh_rows:
        await session.execute(insert(model), fresh_rows)


async def projected_kind(session: AsyncSession, doc_id: str) -> str | None:
    """The type a document is projected as now (None: not projected)."""
    kind = await session.scalar(select(SearchEntryRow.kind).where(SearchEntryRow.doc_id == doc_id))
    if kind is None:
        village = await session.scalar(
            select(VillageRow.node_id).where(VillageRow.catalog_id == doc_id)
        )
        return "catalog" if village is not None else None
    return str(kind)


async def remove(session: AsyncSession, doc_id: str) -> None:
    """Drop every projected row of one document, whatever its type."""
    await lock_projection(session)
    await _delete(session, doc_id, tuple(_OWNED))
    await bump(session)


async def _delete(session: AsyncSession, doc_id: str, doc_types: tuple[str, ...]) -> None:
    """Children first: nothing relies on foreign-key cascades being switched on."""
    for doc_type in doc_types:
        for column in _OWNED[doc_type]:
            await session.execute(delete(column.class_).where(column == doc_id))
    await session.execute(delete(SearchEntryRow).where(SearchEntryRow.doc_id == doc_id))


# ---------------------------------------------------------------------------------- builders


def _envelope(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "origin_node": c.line(content.get("origin_node"), ID),
        "created_at": c.moment(content.get("created_at")) or EPOCH,
    }


def _place(content: dict[str, Any]) -> dict[str, str]:
    village, neighbourhood = c.place(content)
    return {
        "village": village,
        "village_key": c.key(village),
        "neighbourhood": neighbourhood,
        "neighbourhood_key": c.key(neighbourhood),
    }


def _tags(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, label) per distinct tag, in the document's order."""
    seen: dict[str, str] = {}
    for label in c.strings(content.get("tags"), 40, 20):
        seen.setdefault(c.key(label), label)
    return list(seen.items())


def _items(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Entries of an id-keyed map with a usable item id, capped at MAX_ITEMS."""
    entries = [(k, v) for k, v in c.mapping(value).items() if 0 < len(k) <= ID]
    return entries[:MAX_ITEMS]


def _latest(moments: Iterable[datetime | None], floor: datetime) -> datetime:
    return max((m for m in moments if m is not None and m > floor), default=floor)


def _search(doc_id: str, kind: str, title: str, parts: Iterable[str]) -> list[dict[str, Any]]:
    body, size = [], 0
    for part in parts:
        if not part:
            continue
        body.append(part[: SEARCH_BODY - size])
        size += len(body[-1]) + 1
        if size >= SEARCH_BODY:
            break
    return [{"doc_id": doc_id, "kind": kind, "title": title, "body": "\n".join(body)}]


def _initiative(doc_id: str, content: dict[str, Any]) -> Rows:
    envelope = _envelope(content)
    tags = _tags(content)
    allies: list[dict[str, Any]] = [
        {
            "initiative_id": doc_id,
            "person_id": person_id,
            "role": c.line(ally.get("role"), 16),
            "offer": c.text(ally.get("offer"), 2000),
            "organisation_id": c.line(ally.get("organisation"), ID) or None,
            "since": c.moment(ally.get("since")),
        }
        for person_id, ally in _items(content.get("allies"))
    ]
    needs: list[dict[str, Any]] = [
        {
            "initiative_id": doc_id,
            "need_id": need_id[:32],
            "kind": c.line(need.get("kind"), 16),
            "skill": c.line(need.get("skill"), 60),
            "description": c.line(need.get("description"), 200),
            "fulfilled": need.get("fulfilled") is True,
            "amount_cents": c.integer(need.get("amount_cents"), 0, 100_000_000),
            "created_at": c.moment(need.get("created_at")),
            "created_by": c.line(need.get("created_by"), ID),
        }
        for need_id, need in _items(content.get("needs"))
        if len(need_id) <= 32
    ]
    plan = content.get("plan")
    tasks: list[dict[str, Any]] = [
        {
            "initiative_id": doc_id,
            "task_id": task_id,
            "title": c.line(task.get("title"), 200),
            "owner": c.line(task.get("owner"), ID) or None,
            "status": c.line(task.get("status"), 8),
            "due": c.day(task.get("due")),
            "created_at": c.moment(task.get("created_at")),
            "done_at": c.moment(task.get("done_at")),
        }
        for task_id, task in _items(plan.get("tasks") if isinstance(plan, dict) else None)
        if len(task_id) <= 32
    ]
    updates = _items(content.get("updates"))
    updated_at = _latest(
        [
            c.moment(content.get("updated_at")),
            *(a["since"] for a in allies),
            *(n["created_at"] for n in needs),
            *(t["created_at"] for t in tasks),
            *(t["done_at"] for t in tasks),
            *(c.moment(u.get("at")) for _, u in updates),
        ],
        envelope["created_at"],
    )
    title = c.line(content.get("title"), 200)
    summary = c.text(content.get("summary"), 2000)
    place = _place(content)
    row = {
        "id": doc_id,
        "title": title,
        "summary": summary,
        "status": c.line(content.get("status"), 24),
        **place,
        "tags": [label for _, label in tags],
        "created_by": c.line(content.get("created_by"), ID),
        "updated_at": updated_at,
        "supporter_count": sum(a["role"] == "supporter" for a in allies),
        "joiner_count": sum(a["role"] in {"initiator", "coordinator", "joiner"} for a in allies),
        "tasks_done": sum(t["status"] == "done" for t in tasks),
        "tasks_total": len(tasks),
        "open_needs": sorted({n["kind"] for n in needs if not n["fulfilled"] and n["kind"]}),
        **envelope,
    }
    search_parts = [
        summary,
        c.text(content.get("description"), SEARCH_BODY),
        " ".join(label for _, label in tags),
        place["village"],
        place["neighbourhood"],
        *(f"{n['skill']} {n['description']}" for n in needs if not n["fulfilled"]),
    ]
    return [
        (InitiativeRow, [row]),
        (
            InitiativeTagRow,
            [
                {"initiative_id": doc_id, "tag": k, "label": v, "village_key": place["village_key"]}
                for k, v in tags
            ],
        ),
        (InitiativeAllyRow, allies),
        (InitiativeNeedRow, needs),
        (InitiativeTaskRow, tasks),
        (ContributionRow, contributions.of_initiative(doc_id, content)),
        (SearchEntryRow, _search(doc_id, "initiative", title, search_parts)),
    ]


def _discussion(doc_id: str, content: dict[str, Any]) -> Rows:
    envelope = _envelope(content)
    tags = _tags(content)
    comments: list[dict[str, Any]] = [
        {
            "discussion_id": doc_id,
            "comment_id": comment_id,
            "by": c.line(comment.get("by"), ID),
            "at": c.moment(comment.get("at")),
            "body": c.text(comment.get("body"), 10_000),
            "reply_to": c.line(comment.get("reply_to"), 32) or None,
            "edited_at": c.moment(comment.get("edited_at")),
        }
        for comment_id, comment in _items(content.get("comments"))
        if len(comment_id) <= 32
    ]
    intro = c.text(content.get("intro"), SEARCH_BODY)
    title = c.line(content.get("title"), 200)
    place = _place(content)
    row = {
        "id": doc_id,
        "title": title,
        "intro": intro[:EXCERPT],
        "initiative_id": c.line(content.get("initiative"), ID) or None,
        **place,
        "tags": [label for _, label in tags],
        "created_by": c.line(content.get("created_by"), ID),
        "comment_count": len(comments),
        "last_activity": _latest(
            [*(x["at"] for x in comments), *(x["edited_at"] for x in comments)],
            envelope["created_at"],
        ),
        **envelope,
    }
    search_parts = [
        intro,
        " ".join(label for _, label in tags),
        place["village"],
        place["neighbourhood"],
        *(x["body"] for x in comments),
    ]
    return [
        (DiscussionRow, [row]),
        (DiscussionTagRow, [{"discussion_id": doc_id, "tag": k, "label": v} for k, v in tags]),
        (CommentRow, comments),
        (SearchEntryRow, _search(doc_id, "discussion", title, search_parts)),
    ]


def _person(doc_id: str, content: dict[str, Any]) -> Rows:
    skills = c.strings(content.get("skills"), 60, 40)
    offers = c.strings(content.get("offers"), 200, 40)
    name = c.line(content.get("display_name"), 80)
    about = c.text(content.get("about"), 2000)
    place = _place(content)
    row = {
        "id": doc_id,
        "display_name": name,
        **place,
        "skills": skills,
        "offers": offers,
        "about": about,
        "in_alliance": content.get("in_alliance_directory") is True,
        **_envelope(content),
    }
    terms = [
        {"person_id": doc_id, "source": source, "position": i, "term": c.terms(value)[:200]}
        for source, values in (("skill", skills), ("offer", offers))
        for i, value in enumerate(values)
        if c.terms(value)
    ]
    search_parts = [*skills, *offers, about, place["village"], place["neighbourhood"]]
    return [
        (PersonRow, [row]),
        (PersonTermRow, terms),
        (SearchEntryRow, _search(doc_id, "person", name, search_parts)),
    ]


def _organisation(doc_id: str, content: dict[str, Any]) -> Rows:
    members = [
        {
            "organisation_id": doc_id,
            "person_id": person_id,
            "role": c.line(member.get("role"), 8),
            "since": c.moment(member.get("since")),
        }
        for person_id, member in _items(content.get("members"))
    ]
    name = c.line(content.get("name"), 120)
    about = c.text(content.get("about"), SEARCH_BODY)
    place = _place(content)
    row = {
        "id": doc_id,
        "name": name,
        "kind": c.line(content.get("kind"), 24),
        "about": about[:EXCERPT],
        **place,
        "website": c.line(content.get("website"), 300),
        "member_count": len(members),
        "created_by": c.line(content.get("created_by"), ID),
        **_envelope(content),
    }
    search_parts = [about, place["village"], place["neighbourhood"]]
    return [
        (OrganisationRow, [row]),
        (OrganisationMemberRow, members),
        (SearchEntryRow, _search(doc_id, "organisation", name, search_parts)),
    ]


def _grant_call(doc_id: str, content: dict[str, Any]) -> Rows:
    rounds = [r for _id, r in _items(content.get("rounds"))]
    deadlines = [c.moment(r.get("deadline")) for r in rounds]
    title = c.line(content.get("title"), 200)
    about = c.text(content.get("about"), SEARCH_BODY)
    neighbourhoods = c.strings(content.get("neighbourhoods"), 100, 50)
    max_grant = content.get("max_grant_cents")
    row = {
        "id": doc_id,
        "title": title,
        "about": about[:EXCERPT],
        "organisation_id": c.line(content.get("organisation"), ID) or None,
        "max_grant_cents": max_grant if isinstance(max_grant, int) else 0,
        "neighbourhoods": neighbourhoods,
        "last_deadline": max((d for d in deadlines if d is not None), default=None),
        "round_count": len(rounds),
        "application_count": len(_items(content.get("applications"))),
        "created_by": c.line(content.get("created_by"), ID),
        **_envelope(content),
    }
    return [
        (GrantCallRow, [row]),
        (ContributionRow, contributions.of_grant_call(doc_id, content)),
        (SearchEntryRow, _search(doc_id, "grant_call", title, [about, *neighbourhoods])),
    ]


def _job(doc_id: str, content: dict[str, Any]) -> Rows:
    shifts = [s for _id, s in _items(content.get("shifts"))]
    starts = [m for m in (c.moment(s.get("start")) for s in shifts) if m is not None]
    ends = [m for m in (c.moment(s.get("end")) for s in shifts) if m is not None]
    taken = 0
    for _id, signup in _items(content.get("signups")):
        if "withdrawn_at" not in signup:
            people = signup.get("people")
            guests = signup.get("guests")
            taken += (len(people) if isinstance(people, list) else 0) + (
                guests if isinstance(guests, int) else 0
            )
    hands = sum(s["hands"] for s in shifts if isinstance(s.get("hands"), int))
    title = c.line(content.get("title"), 200)
    about = c.text(content.get("about"), SEARCH_BODY)
    place = _place(content)
    row = {
        "id": doc_id,
        "title": title,
        "about": about[:EXCERPT],
        "organisation_id": c.line(content.get("organisation"), ID) or None,
        "village": place["village"],
        "neighbourhood": place["neighbourhood"],
        "size": c.line(content.get("size"), 8),
        "status": c.line(content.get("status"), 12),
        "first_start": min(starts, default=None),
        "last_end": max(ends, default=None),
        "hands": hands,
        "hands_taken": taken,
        "created_by": c.line(content.get("created_by"), ID),
        **_envelope(content),
    }
    search_parts = [about, c.line(content.get("support"), 2000), place["village"]]
    return [
        (JobRow, [row]),
        (ContributionRow, contributions.of_job(doc_id, content)),
        (SearchEntryRow, _search(doc_id, "job", title, search_parts)),
    ]


def _poll(doc_id: str, content: dict[str, Any]) -> Rows:
    title = c.line(content.get("title"), 200)
    row = {
        "id": doc_id,
        "title": title,
        "kind": c.line(content.get("kind"), 12),
        "about": c.line(content.get("about"), ID) or None,
        "closes_at": c.moment(content.get("closes_at")),
        "closed": "closed_at" in content or "outcome" in content,
        "vote_count": len(_items(content.get("votes"))),
        "created_by": c.line(content.get("created_by"), ID),
        **_envelope(content),
    }
    details = c.text(content.get("details"), SEARCH_BODY)
    return [(PollRow, [row]), (SearchEntryRow, _search(doc_id, "poll", title, [details]))]


def _place_doc(doc_id: str, content: dict[str, Any]) -> Rows:
    name = c.line(content.get("name"), 200)
    about = c.text(content.get("about"), SEARCH_BODY)
    address = c.line(content.get("address"), 200)
    facilities = c.strings(content.get("facilities"), 100, 30)
    rooms = _items(content.get("rooms"))
    capacities = [c.integer(room.get("capacity"), 0, 10_000) or 0 for _id, room in rooms]
    access = content.get("accessibility")
    access = access if isinstance(access, dict) else {}
    row = {
        "id": doc_id,
        "name": name,
        "kind": c.line(content.get("kind"), 24),
        "about": about[:EXCERPT],
        "address": address,
        **_place(content),
        "step_free": access.get("step_free") is True,
        "room_count": len(rooms),
        "max_capacity": max(capacities, default=0),
        "created_by": c.line(content.get("created_by"), ID),
        **_envelope(content),
    }
    bookings = [
        {
            "place_id": doc_id,
            "booking_id": booking_id,
            "room_id": c.line(booking.get("room"), ID),
            "person_id": c.line(booking.get("by"), ID),
            "start": c.moment(booking.get("start")),
            "end": c.moment(booking.get("end")),
        }
        for booking_id, booking in _items(content.get("bookings"))
    ]
    room_names = [c.line(room.get("name"), 200) for _id, room in rooms]
    search_parts = [about, address, *_row_place(row), *facilities, *room_names]
    return [
        (PlaceRow, [row]),
        (PlaceBookingRow, bookings),
        (SearchEntryRow, _search(doc_id, "place", name, search_parts)),
    ]


def _event(doc_id: str, content: dict[str, Any]) -> Rows:
    title = c.line(content.get("title"), 200)
    venue = c.mapping(content.get("venue"))
    location = c.line(venue.get("label"), 200) or c.line(content.get("location"), 200)
    line = event_rules.line_up(content)
    envelope = _envelope(content)
    row = {
        "id": doc_id,
        "title": title,
        "starts_at": c.moment(content.get("starts_at")),
        "ends_at": c.moment(content.get("ends_at")),
        "time_zone": c.line(content.get("time_zone"), 64),
        "organiser_id": c.line(content.get("organiser"), ID),
        "organiser_type": c.line(content.get("organiser_type"), 16),
        "location": location,
        "place_id": c.line(venue.get("place"), ID) or None,
        "capacity": event_rules.capacity(content),
        "registration_count": sum(1 for seat in line if not seat.waiting),
        "seats_taken": event_rules.seats_taken(line),
        "waiting_count": sum(1 for seat in line if seat.waiting),
        "cancelled": event_rules.is_cancelled(content),
        "updated_at": c.moment(content.get("updated_at")) or envelope["created_at"],
        "created_by": c.line(content.get("created_by"), ID),
        **envelope,
    }
    description = c.text(content.get("description"), SEARCH_BODY)
    return [
        (EventRow, [row]),
        (SearchEntryRow, _search(doc_id, "event", title, [description, location])),
    ]


def _row_place(row: dict[str, Any]) -> list[str]:
    return [row["village"], row["neighbourhood"]]


def _alliance(doc_id: str, content: dict[str, Any]) -> Rows:
    name = c.line(content.get("name"), 200)
    description = c.text(content.get("description"), 2000)
    row = {
        "id": doc_id,
        "name": name,
        "description": description,
        "member_count": len(c.mapping(content.get("members"))),
        **_envelope(content),
    }
    return [
        (AllianceRow, [row]),
        (SearchEntryRow, _search(doc_id, "alliance", name, [description])),
    ]


def _catalog(doc_id: str, content: dict[str, Any]) -> Rows:
    """Only a catalog at the id its node's id gives counts: another document cannot name a
    village for a node it does not belong to."""
    node_id = c.line(content.get("origin_node"), ID)
    documents = content.get("documents")
    if not node_id or catalog_id_of(node_id) != doc_id:
        return []
    row = {
        "node_id": node_id,
        "name": c.line(content.get("name"), 80),
        "catalog_id": doc_id,
        "documents": len(documents) if isinstance(documents, dict) else 0,
    }
    return [(VillageRow, [row])]


_BUILDERS: dict[str, Callable[[str, dict[str, Any]], Rows]] = {
    "initiative": _initiative,
    "discussion": _discussion,
    "person": _person,
    "organisation": _organisation,
    "catalog": _catalog,
    "grant_call": _grant_call,
    "job": _job,
    "poll": _poll,
    "place": _place_doc,
    "event": _event,
    "alliance": _alliance,
}

_OWNED: dict[str, tuple[Any, ...]] = {
    "catalog": (VillageRow.catalog_id,),
    "initiative": (
        InitiativeTagRow.initiative_id,
        InitiativeAllyRow.initiative_id,
        InitiativeNeedRow.initiative_id,
        InitiativeTaskRow.initiative_id,
        ContributionRow.doc_id,
        InitiativeRow.id,
    ),
    "discussion": (DiscussionTagRow.discussion_id, CommentRow.discussion_id, DiscussionRow.id),
    "person": (PersonTermRow.person_id, PersonRow.id),
    "organisation": (OrganisationMemberRow.organisation_id, OrganisationRow.id),
    "grant_call": (ContributionRow.doc_id, GrantCallRow.id),
    "job": (ContributionRow.doc_id, JobRow.id),
    "poll": (PollRow.id,),
    "place": (PlaceBookingRow.place_id, PlaceRow.id),
    "event": (EventRow.id,),
    "alliance": (AllianceRow.id,),
}
"""The key column of every table a document type fills, children before parents."""
