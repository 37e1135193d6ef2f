"""The projection follows from the documents alone: dropping every table and reindexing gives
the same answers to every query."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from node import projection as p
from node.projection.reindex import drop_projection
from node.runtime import Node

from . import scenes


async def _answers(node: Node, v: scenes.Village) -> Any:
    async with node.sessions() as session:
        answers = {
            "all": await p.list_initiatives(session),
            "filtered": await p.list_initiatives(session, village="Oldebroek", tag="groen"),
            "needs": await p.list_initiatives(session, needs_kind="skills"),
            "query": await p.list_initiatives(session, query="samen"),
            "search": [
                (h.kind, h.id, h.title, h.snippet) for h in await p.search(session, "snoeien")
            ],
            "tags": await p.tag_facets(session),
            "hoods": await p.neighbourhood_facets(session),
            "who": await p.who_has_what_we_need(session, v.garden),
            "mine": await p.my_initiatives(session, v.ann),
            "tasks": await p.my_tasks(session, v.eva, include_done=True),
            "talks": await p.list_discussions(session),
            "my_talks": await p.my_discussions(session, v.cas),
            "people": await p.list_people(session),
            "orgs": await p.list_organisations(session),
        }
    return msgspec.to_builtins(answers)


def test_reindex_after_dropping_the_tables_gives_identical_results(node: Node) -> None:
    v = scenes.build(node)

    async def check() -> None:
        await scenes.project_all(node)
        before = await _answers(node, v)
        assert before["all"]["total"] == 3 and before["who"]  # the scene is not empty
        async with node.engine.begin() as connection:
            await connection.run_sync(drop_projection)
        seen: list[tuple[int, int]] = []
        count = await p.reindex(node, progress=lambda done, total: seen.append((done, total)))
        assert count == 11  # 5 people, 3 initiatives, 2 discussions, 1 organisation
        assert seen[-1] == (11, 11) and len(seen) == 11
        assert await _answers(node, v) == before

    asyncio.run(check())


def test_reindex_replaces_stale_rows_and_skips_unreadable_files(node: Node) -> None:
    v = scenes.build(node)
    (node.settings.documents_path / "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt.automerge").write_bytes(b"junk")

    async def check() -> None:
        async with node.sessions() as session:
            # a row for a document that no longer exists, as if left by an older version
            await p.project(
                session,
                {**node.documents.read(v.party), "id": "3Ghost1111111111111111111111"},
            )
            await session.commit()
        assert await p.reindex(node) == 11
        async with node.sessions() as session:
            page = await p.list_initiatives(session)
            assert {i.id for i in page.items} == {v.garden, v.repair, v.party}

    asyncio.run(check())
