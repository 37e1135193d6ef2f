"""List pages, facets and a person's own pages, as the web shows them."""

from __future__ import annotations

import asyncio

import pytest

from node import projection as p
from node.errors import Invalid
from node.runtime import Node

from . import scenes


def _scene(node: Node) -> scenes.Village:
    village = scenes.build(node)
    asyncio.run(scenes.project_all(node))
    return village


def test_initiatives_are_listed_newest_activity_first(node: Node) -> None:
    v = _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            page = await p.list_initiatives(session)
            assert [i.id for i in page.items] == [v.garden, v.repair, v.party]
            assert page.total == 3 and page.pages == 1 and not page.has_next
            garden = page.items[0]
            assert garden.title == "Moestuin bij de school"
            assert (garden.supporter_count, garden.joiner_count) == (1, 2)
            assert (garden.tasks_done, garden.tasks_total) == (1, 3)
            assert garden.open_needs == ["hands", "skills"]

    asyncio.run(check())


def test_filters_combine_and_ignore_case(node: Node) -> None:
    v = _scene(node)

    async def ids(**filters: object) -> list[str]:
        async with node.sessions() as session:
            page = await p.list_initiatives(session, **filters)  # type: ignore[arg-type]
            assert page.total == len(page.items)
            return [i.id for i in page.items]

    async def check() -> None:
        assert await ids(village="oldebroek") == [v.garden, v.repair]
        assert await ids(village=" OLDEBROEK ", neighbourhood="zuid") == [v.repair]
        assert await ids(tag="GROEN") == [v.garden, v.repair]
        assert await ids(tag="groen", status="active") == [v.repair]
        assert await ids(needs_kind="skills") == [v.garden]
        assert await ids(needs_kind="money") == []  # the money need is fulfilled
        assert await ids(needs_kind="room", village="Elburg") == [v.party]
        assert await ids(village="", tag="", status="") == [v.garden, v.repair, v.party]

    asyncio.run(check())


def test_pages_split_the_list_and_keep_the_total(node: Node) -> None:
    v = _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            first = await p.list_initiatives(session, per_page=2)
            second = await p.list_initiatives(session, per_page=2, page=2)
            assert [i.id for i in first.items] == [v.garden, v.repair]
            assert [i.id for i in second.items] == [v.party]
            assert first.total == second.total == 3
            assert first.pages == 2 and first.has_next and not second.has_next

    asyncio.run(check())


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"needs_kind": "love"}, "needs_kind"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
        ({"village": "x" * 101}, "village"),
        ({"tag": "x" * 41}, "tag"),
    ],
)
def test_impossible_filters_are_refused_in_dutch(
    node: Node, filters: dict[str, object], field: str
) -> None:
    async def check() -> None:
        async with node.sessions() as session:
            with pytest.raises(Invalid) as refused:
                await p.list_initiatives(session, **filters)  # type: ignore[arg-type]
            assert refused.value.field == field
            assert refused.value.message  # a sentence for a resident

    asyncio.run(check())


def test_facets_count_tags_and_neighbourhoods(node: Node) -> None:
    _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            tags = await p.tag_facets(session)
            assert [(f.value, f.count) for f in tags] == [
                ("groen", 2),
                ("feest", 1),
                ("repair", 1),
                ("school", 1),
            ]
            assert tags[0].label == "Groen"  # as someone wrote it
            in_oldebroek = await p.tag_facets(session, village="Oldebroek")
            assert "feest" not in {f.value for f in in_oldebroek}
            hoods = await p.neighbourhood_facets(session, village="Oldebroek")
            assert [(f.label, f.count) for f in hoods] == [("Centrum", 1), ("Zuid", 1)]
            villages = await p.village_facets(session)
            assert [(f.label, f.count) for f in villages] == [("Oldebroek", 2), ("Elburg", 1)]

    asyncio.run(check())


def test_my_pages_show_a_persons_initiatives_tasks_and_discussions(node: Node) -> None:
    v = _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            mine = await p.my_initiatives(session, v.ann)
            assert [(m.initiative.id, m.role) for m in mine] == [
                (v.garden, "initiator"),
                (v.repair, "coordinator"),
            ]
            tasks = await p.my_tasks(session, v.eva)
            assert [t.title for t in tasks] == ["Zaad kopen", "Gieter halen"]  # due first
            assert tasks[0].initiative_title == "Moestuin bij de school"
            everything = await p.my_tasks(session, v.eva, include_done=True)
            assert [t.title for t in everything][-1] == "Bakken timmeren"
            talks = await p.my_discussions(session, v.cas)  # commented only
            assert [d.id for d in talks] == [v.bench_talk]
            assert await p.my_tasks(session, v.dirk) == []
            orgs = await p.my_organisations(session, v.bob)
            assert [(role, o.name) for role, o in orgs] == [("member", "Gemeente Oldebroek")]

    asyncio.run(check())


def test_discussions_are_listed_by_activity_and_by_initiative(node: Node) -> None:
    v = _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            everything = await p.list_discussions(session)
            assert [d.id for d in everything.items] == [v.bench_talk, v.market_talk]
            bench = everything.items[0]
            assert bench.comment_count == 2 and bench.initiative_id == v.garden
            threads = await p.list_discussions(session, initiative=v.garden)
            assert [d.id for d in threads.items] == [v.bench_talk]
            elburg = await p.list_discussions(session, village="elburg")
            assert [d.id for d in elburg.items] == [v.market_talk]
            tagged = await p.list_discussions(session, tag="Groen")
            assert tagged.total == 1

    asyncio.run(check())


def test_people_and_organisations_are_listed_by_name(node: Node) -> None:
    v = _scene(node)

    async def check() -> None:
        async with node.sessions() as session:
            centrum = await p.list_people(session, village="Oldebroek", neighbourhood="centrum")
            assert [x.display_name for x in centrum.items] == ["Ann", "Bob", "Eva"]
            pruners = await p.list_people(session, skill="SNOEIEN")
            assert [x.id for x in pruners.items] == [v.bob, v.eva]
            orgs = await p.list_organisations(session, kind="municipality")
            assert [(o.name, o.member_count) for o in orgs.items] == [("Gemeente Oldebroek", 2)]
            names = await p.display_names(session, [v.ann, v.dirk, "unknown" * 3])
            assert names == {v.ann: "Ann", v.dirk: "Dirk"}

    asyncio.run(check())
