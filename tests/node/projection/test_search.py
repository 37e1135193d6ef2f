"""Full-text search: ranked, title first, websearch syntax, never FTS syntax from a person."""

from __future__ import annotations

import asyncio

import pytest

from node import projection as p
from node.projection.search import fts5_expression
from node.runtime import Node

from . import builders as b
from . import scenes


def test_a_title_match_ranks_above_body_matches(node: Node) -> None:
    ann = b.person(node, "Ann")
    in_body = b.initiative(
        node,
        ann,
        "Groenteplan voor de buurt",
        summary="Een moestuin, nog een moestuin en een derde moestuin in de wijk.",
        description="Elke moestuin krijgt bakken.",
    )
    in_title = b.initiative(node, ann, "Moestuin", summary="Samen groente kweken.")
    b.initiative(node, ann, "Repair café", summary="Spullen maken.")

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            hits = await p.search(session, "moestuin")
            assert [h.id for h in hits] == [in_title, in_body]
            assert hits[0].kind == "initiative" and hits[0].title == "Moestuin"
            assert "moestuin" in hits[1].snippet.casefold()
            page = await p.list_initiatives(session, query="moestuin")
            assert [i.id for i in page.items] == [in_title, in_body] and page.total == 2

    asyncio.run(check())


def test_search_finds_every_kind_and_can_be_narrowed(node: Node) -> None:
    v = scenes.build(node)

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            found = {(h.kind, h.id) for h in await p.search(session, "snoeien")}
            assert ("initiative", v.garden) in found
            assert ("person", v.bob) in found and ("person", v.dirk) in found
            assert ("discussion", v.bench_talk) in {
                (h.kind, h.id) for h in await p.search(session, "bankjes")
            }
            assert [h.id for h in await p.search(session, "gemeente")] == [v.municipality]
            people = await p.search(session, "snoeien", kinds=("person",))
            assert {h.kind for h in people} == {"person"}
            talks = await p.list_discussions(session, query="ingang")  # in a comment
            assert [d.id for d in talks.items] == [v.bench_talk]

    asyncio.run(check())


def test_websearch_syntax_works_on_both_databases(node: Node) -> None:
    v = scenes.build(node)

    async def ids(query: str) -> set[str]:
        async with node.sessions() as session:
            return {h.id for h in await p.search(session, query, kinds=("initiative",))}

    async def check() -> None:
        await scenes.project_all(node)
        assert await ids("samen") == {v.garden, v.repair}
        assert await ids("samen kinderen") == {v.garden}  # every word
        assert await ids("kinderen or fietsen") == {v.garden, v.repair}
        assert await ids("samen -kinderen") == {v.repair}
        assert await ids('"spullen repareren"') == {v.repair}
        assert await ids('"repareren spullen"') == set()
        assert await ids("   ") == set()

    asyncio.run(check())


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(a b)", "title:moestuin", "a AND", "(", "^moes", "-", "OR OR", "'; DROP"],
)
def test_hostile_queries_are_plain_words(node: Node, query: str) -> None:
    scenes.build(node)

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            await p.search(session, query)  # never an SQL or FTS syntax error
            await p.list_initiatives(session, query=query)

    asyncio.run(check())


def test_fts5_expressions_quote_every_word() -> None:
    assert fts5_expression("moestuin school") == '("moestuin"*) AND ("school"*)'
    assert fts5_expression('"repair café" or fietsen') == '("repair café" OR "fietsen"*)'
    assert fts5_expression("groen -feest") == '(("groen"*)) NOT ("feest"*)'
    assert fts5_expression("title:x NEAR(y)") == '("title x"*) AND ("NEAR y"*)'
    assert fts5_expression("-alleen") is None
    assert fts5_expression("or") is None
    assert fts5_expression(" ".join(f"w{i}" for i in range(40))).count('"') == 32


def test_a_word_finds_its_plural_on_both_databases(node: Node) -> None:
    ann = b.person(node, "Ann")
    gardens = b.initiative(node, ann, "Groen dorp", summary="Drie moestuinen en een boomgaard.")

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            assert [h.id for h in await p.search(session, "moestuin")] == [gardens]

    asyncio.run(check())
