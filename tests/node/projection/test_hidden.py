"""Content a moderator hid on this node is left out of lists and search, and comes back when
the hiding is undone."""

from __future__ import annotations

import asyncio

from node import accounts
from node import projection as p
from node.acting import Acting
from node.runtime import Node

from . import scenes


def test_hidden_documents_leave_lists_and_search_until_undone(node: Node) -> None:
    v = scenes.build(node)
    moderator = Acting(v.ann, b"\x02" * 16, "Ann", frozenset({"resident", "moderator"}))

    async def visible() -> tuple[set[str], set[str], set[str], int]:
        async with node.sessions() as session:
            listed = {i.id for i in (await p.list_initiatives(session)).items}
            found = {h.id for h in await p.search(session, "samen")}
            talks = {d.id for d in (await p.list_discussions(session)).items}
            groen = next(f.count for f in await p.tag_facets(session) if f.value == "groen")
            return listed, found, talks, groen

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            assert (await p.list_initiatives(session)).total == 3
            await accounts.hide(session, moderator, v.repair, reason="Reclame")
            assert (await p.list_initiatives(session)).total == 2  # at once, same session
            await accounts.hide(session, moderator, v.market_talk, reason="Scheldwoorden")
            await session.commit()
        listed, found, talks, groen = await visible()
        assert v.repair not in listed and v.repair not in found and groen == 1
        assert talks == {v.bench_talk}
        async with node.sessions() as session:
            mine = await p.my_initiatives(session, v.ann)  # one's own stay, marked by the page
            assert v.repair in {m.initiative.id for m in mine}
            everything = await p.list_initiatives(session, include_hidden=True)
            assert everything.total == 3
            await accounts.unhide(session, moderator, v.repair)
            await session.commit()
        listed, found, _, groen = await visible()
        assert v.repair in listed and v.repair in found and groen == 2

    asyncio.run(check())
