""" "Who has what we need": people whose skills or offers match open skill needs, nearest first."""

from __future__ import annotations

import asyncio

import pytest

from node import projection as p
from node.errors import NotFound
from node.runtime import Node

from . import builders as b
from . import scenes


def test_neighbours_come_first_then_the_village_then_others(node: Node) -> None:
    v = scenes.build(node)

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            found = await p.who_has_what_we_need(session, v.garden)
        assert [(c.person.display_name, c.proximity) for c in found] == [
            ("Bob", "neighbourhood"),  # supporter, same neighbourhood: ask them first
            ("Cas", "village"),  # "bomen snoeien" contains the need
            ("Dirk", "elsewhere"),  # offers to help with pruning
        ]  # Eva can prune too, but she already joined; Ann started it
        assert found[0].matched == ["Snoeien"]
        assert found[2].matched == ["Ik wil graag helpen met snoeien in het voorjaar"]
        assert all(len(c.need_ids) == 1 for c in found)

    asyncio.run(check())


def test_people_matching_more_needs_come_first_within_a_place(node: Node) -> None:
    ann = b.person(node, "Ann", neighbourhood="Noord")
    one = b.person(node, "Aaron", neighbourhood="Noord", skills=["koken"])
    both = b.person(node, "Zoë", neighbourhood="Noord", skills=["koken", "Elektra"])
    b.person(node, "Nobody", neighbourhood="Noord", skills=["zingen", "ko"])
    doc_id = b.initiative(
        node,
        ann,
        "Buurtmaaltijd",
        neighbourhood="Noord",
        needs=[
            b.need("skills", "Koken voor dertig mensen", skill="Koken", by=ann),
            b.need("skills", "Iemand die de elektriciteit regelt", skill="elektra", by=ann),
            b.need("skills", "Zingen", skill="zingen", fulfilled=True, by=ann),
            b.need("hands", "Tafels dekken", by=ann),
        ],
    )

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            found = await p.who_has_what_we_need(session, doc_id)
        assert [c.person.id for c in found] == [both, one]
        assert len(found[0].need_ids) == 2 and found[0].matched == ["koken", "Elektra"]

    asyncio.run(check())


def test_a_need_without_skill_is_matched_on_its_description(node: Node) -> None:
    ann = b.person(node, "Ann")
    fixer = b.person(node, "Fien", skills=["fietsen"])
    doc_id = b.initiative(
        node, ann, "Fietsdag", needs=[b.need("skills", "Wie kan fietsen maken?", by=ann)]
    )

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            found = await p.who_has_what_we_need(session, doc_id)
            assert [c.person.id for c in found] == [fixer]
            with pytest.raises(NotFound):
                await p.who_has_what_we_need(session, "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt")

    asyncio.run(check())
