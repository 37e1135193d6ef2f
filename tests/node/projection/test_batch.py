"""project_all() leaves the same rows as project() document by document, fresh or not."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from sqlalchemy import delete, select

from node.projection import project, remove
from node.projection.batch import project_all, projected_kinds
from node.projection.models import (
    CommentRow,
    DiscussionRow,
    DiscussionTagRow,
    InitiativeAllyRow,
    InitiativeNeedRow,
    InitiativeRow,
    InitiativeTagRow,
    InitiativeTaskRow,
    OrganisationMemberRow,
    OrganisationRow,
    PersonRow,
    PersonTermRow,
    SearchEntryRow,
)
from node.runtime import Node

from . import builders as b

TABLES = (
    InitiativeRow,
    InitiativeTagRow,
    InitiativeAllyRow,
    InitiativeNeedRow,
    InitiativeTaskRow,
    DiscussionRow,
    DiscussionTagRow,
    CommentRow,
    PersonRow,
    PersonTermRow,
    OrganisationRow,
    OrganisationMemberRow,
    SearchEntryRow,
)


def _village(node: Node) -> list[str]:
    """One document of every projected type, with child rows."""
    ann = b.person(node, "Ann")
    bob = b.person(node, "Bob")
    return [
        ann,
        bob,
        b.initiative(
            node,
            ann,
            "Moestuin",
            tags=["Groen"],
            allies={bob: "supporter"},
            needs=[b.need("hands", "Helpen spitten", by=ann)],
            tasks=[b.task("Zaad kopen", by=ann, owner=bob)],
        ),
        b.discussion(
            node, ann, "Bankjes", tags=["Plein"], comments=[(bob, "Bij de kerk", b.at(2))]
        ),
        b.organisation(node, ann, "Gemeente", kind="municipality", members={bob: "member"}),
    ]


async def _dump(node: Node) -> dict[str, list[tuple[Any, ...]]]:
    async with node.sessions() as session:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for model in TABLES:
            # a search entry's own id is a counter, not something the document decides
            columns = [
                c for c in model.__table__.columns if model is not SearchEntryRow or c.key != "id"
            ]
            rows = (await session.execute(select(*columns))).all()
            out[model.__tablename__] = sorted(tuple(r) for r in rows)
        return out


async def _clear(node: Node) -> None:
    async with node.sessions() as session:
        for model in reversed(TABLES):
            await session.execute(delete(model))
        await session.commit()


def test_a_batch_projects_the_same_rows_as_one_document_at_a_time(node: Node) -> None:
    ids = _village(node)

    async def check() -> None:
        contents = [node.documents.read(i) for i in ids]
        async with node.sessions() as session:
            for content in contents:
                await project(session, content, fresh=True)
            await session.commit()
        one_by_one = await _dump(node)
        assert one_by_one[InitiativeTaskRow.__tablename__]  # children were written

        await _clear(node)
        async with node.sessions() as session:
            assert await projected_kinds(session, ids) == {}
            await project_all(session, contents, fresh=set(ids))
            await session.commit()
        assert await _dump(node) == one_by_one

        async with node.sessions() as session:  # again, not fresh: rows replaced, not doubled
            assert set((await projected_kinds(session, ids)).values()) == {
                "person",
                "initiative",
                "discussion",
                "organisation",
            }
            await project_all(session, contents, fresh=set())
            await session.commit()
        assert await _dump(node) == one_by_one

    asyncio.run(check())


def test_a_long_thread_keeps_its_unchanged_comment_rows_and_ends_as_if_rewritten(
    node: Node, monkeypatch: Any
) -> None:
    """A thread of KEEP_FROM comments or more is brought up to date in place (a new comment
    writes one row); the rows must still be exactly those of a projection from scratch, after
    a comment is added, one edited and one gone, by project() and by project_all()."""
    project_module = importlib.import_module("node.projection.project")  # the package's
    # `project` attribute is the function

    ann, bob = b.person(node, "Ann"), b.person(node, "Bob")
    many = [(bob if n % 2 else ann, f"Reactie {n}", b.at(n % 50)) for n in range(260)]
    thread = b.discussion(node, ann, "Het plein", tags=["Plein"], comments=many)
    kept_in_place: list[str] = []
    real = project_module._update_children

    async def spy(session: Any, key: Any, doc_id: str, values: Any) -> None:
        kept_in_place.append(key.class_.__tablename__)
        await real(session, key, doc_id, values)

    monkeypatch.setattr(project_module, "_update_children", spy)

    def changed(content: dict[str, Any], n: int) -> dict[str, Any]:
        comments = dict(content["comments"])
        first, second, *_ = sorted(comments)
        comments[first] = {**comments[first], "body": f"Aangepast {n}"}
        del comments[second]
        comments[f"nieuw{n}"] = {"by": ann, "at": b.at(3), "body": "Nieuw", "reply_to": None}
        return {**content, "title": f"Het plein {n}", "comments": comments}

    async def from_scratch(content: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
        await _clear(node)
        async with node.sessions() as session:
            await project(session, content, fresh=True)
            await session.commit()
        return await _dump(node)

    async def check() -> None:
        content = node.documents.read(thread)
        for n, through_batch in ((1, False), (2, True)):
            await from_scratch(content)
            new = changed(content, n)
            async with node.sessions() as session:
                if through_batch:
                    await project_all(session, [new], fresh=set())
                else:
                    await project(session, new)
                await session.commit()
            updated = await _dump(node)
            assert updated == await from_scratch(new)
            assert len(updated[CommentRow.__tablename__]) == 260
            assert ("Aangepast " + str(n)) in str(updated[CommentRow.__tablename__])
            assert updated[DiscussionRow.__tablename__][0].count(f"Het plein {n}") == 1
        assert kept_in_place == ["comments", "comments"]

    asyncio.run(check())


def test_a_document_projected_by_a_local_edit_after_the_batch_looked_is_replaced_not_doubled(
    node: Node,
) -> None:
    """A page answers from the document, so a resident can edit one that just arrived before the
    replicator's batch projects it: the edit projects it first, and the batch, which found it
    unprojected a moment earlier, must replace those rows (a CI run failed on a UNIQUE error)."""
    ids = _village(node)

    async def check() -> None:
        contents = [node.documents.read(i) for i in ids]
        async with node.sessions() as session:
            for content in contents:  # the resident's edits, committed first
                await project(session, content, fresh=True)
            await session.commit()
        expected = await _dump(node)
        async with node.sessions() as session:
            await project_all(session, contents, fresh=set(ids))  # as found before the edits
            await session.commit()
        assert await _dump(node) == expected

    asyncio.run(check())


def test_two_transactions_projecting_the_same_new_document_both_succeed(node: Node) -> None:
    """A resident's edit and a peer's version of a document nobody projected yet, at once: the
    second waits for the first (PostgreSQL: an advisory lock per document; SQLite: its write
    lock) and then replaces its rows, instead of breaking the unique key with a duplicate."""
    ids = _village(node)
    contents = [node.documents.read(i) for i in ids]

    async def check() -> None:
        await _clear(node)
        first = node.sessions()
        second = node.sessions()
        async with first, second:
            await project(first, contents[0])  # uncommitted: the rows are not visible yet

            async def batch() -> None:
                await project_all(second, contents, fresh=set(ids))
                await second.commit()

            waiting = asyncio.create_task(batch())
            await asyncio.sleep(0.3)  # the batch is under way (and must wait)
            assert not waiting.done()
            await first.commit()
            await asyncio.wait_for(waiting, 30)
        async with node.sessions() as session:
            assert len(await projected_kinds(session, ids)) == len(ids)
            rows = await session.scalars(
                select(SearchEntryRow.doc_id).where(SearchEntryRow.doc_id == ids[0])
            )
            assert list(rows) == [ids[0]]

    asyncio.run(check())


def test_transactions_projecting_several_documents_in_turn_do_not_deadlock(node: Node) -> None:
    """An import projects documents one by one, a batch all at once, the replicator removes a
    quarantined document before its batch: each waits for the other's commit, none is aborted
    as a deadlock (one lock for the whole projection, taken before anything is written)."""
    ids = _village(node)
    contents = {i: node.documents.read(i) for i in ids}

    async def both(one: Any, other: Any) -> None:
        first, second = node.sessions(), node.sessions()
        async with first, second:

            async def run(work: Any, session: Any, delay: float) -> None:
                await asyncio.sleep(delay)
                await work(session)
                await session.commit()

            await asyncio.wait_for(
                asyncio.gather(run(one, first, 0.0), run(other, second, 0.2)), 30
            )

    async def check() -> None:
        await _clear(node)
        a, b = ids[0], ids[1]

        async def one_by_one(session: Any) -> None:
            await project(session, contents[b])
            await asyncio.sleep(0.5)  # the batch starts meanwhile
            await project(session, contents[a])

        async def batch(session: Any) -> None:
            await project_all(session, [contents[a], contents[b]], fresh=set())

        await both(one_by_one, batch)

        async def remove_then_batch(session: Any) -> None:
            await remove(session, ids[2])
            await asyncio.sleep(0.5)  # a resident's edit starts meanwhile
            await project_all(session, [contents[a]], fresh=set())

        async def edit(session: Any) -> None:
            await project(session, contents[a])

        await both(remove_then_batch, edit)
        async with node.sessions() as session:
            assert set(await projected_kinds(session, ids[:2])) == {a, b}

    asyncio.run(check())
