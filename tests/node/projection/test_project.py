"""project() turns one document's content into rows; remove() takes them away again."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import func, select

from node.documents.repository import Author
from node.projection import project, remove
from node.projection.models import (
    CommentRow,
    DiscussionRow,
    InitiativeAllyRow,
    InitiativeNeedRow,
    InitiativeRow,
    InitiativeTaskRow,
    OrganisationMemberRow,
    OrganisationRow,
    PersonRow,
    PersonTermRow,
    SearchEntryRow,
)
from node.replication.catalog import bind_actor
from node.runtime import Node
from sync.automerge import ROOT

from . import builders as b


async def _project_all(node: Node) -> None:
    async with node.sessions() as session:
        for doc_id in node.documents.store.ids():
            await project(session, node.documents.read(doc_id))
        await session.commit()


async def _count(node: Node, model: Any, *where: Any) -> int:
    async with node.sessions() as session:
        return int(
            (
                await session.execute(select(func.count()).select_from(model).where(*where))
            ).scalar_one()
        )


def test_an_initiative_is_projected_with_its_counts_needs_and_tasks(node: Node) -> None:
    ann = b.person(node, "Ann")
    bob = b.person(node, "Bob")
    cas = b.person(node, "Cas")
    doc_id = b.initiative(
        node,
        ann,
        "Moestuin bij de school",
        summary="Samen groente kweken met de kinderen",
        neighbourhood="De Wijk",
        tags=["Groen", "school", "groen "],
        allies={bob: "supporter", cas: "joiner"},
        offers={cas: "Ik heb een kruiwagen"},
        needs=[
            b.need("skills", "Iemand die kan snoeien", skill="snoeien", by=ann),
            b.need("money", "Zaad en gereedschap", amount_cents=25000, by=ann),
            b.need("hands", "Helpen spitten", fulfilled=True, by=ann),
        ],
        tasks=[
            b.task("Zaad kopen", by=ann, owner=cas, due="2025-04-01"),
            b.task("Bakken timmeren", by=ann, status="done", done_at=b.at(3)),
        ],
        updates=[("Eerste oogst", "Radijsjes!", b.at(10))],
    )

    async def check() -> None:
        await _project_all(node)
        async with node.sessions() as session:
            row = await session.get(InitiativeRow, doc_id)
            assert row is not None
            assert row.title == "Moestuin bij de school"
            assert row.village == "Oldebroek" and row.neighbourhood_key == "de wijk"
            assert row.tags == ["Groen", "school"]  # "groen " is the same tag
            assert (row.supporter_count, row.joiner_count) == (1, 2)  # initiator + joiner
            assert (row.tasks_done, row.tasks_total) == (1, 2)
            assert row.open_needs == ["money", "skills"]
            assert row.updated_at == b.at(10)  # the latest update
            assert row.created_by == ann and row.origin_node == node.identity.node_id
            assert row.created_at.tzinfo is not None
            needs = (
                await session.scalars(
                    select(InitiativeNeedRow).where(InitiativeNeedRow.initiative_id == doc_id)
                )
            ).all()
            money = next(n for n in needs if n.kind == "money")
            assert money.amount_cents == 25000 and not money.fulfilled
            assert {n.skill for n in needs} == {"snoeien", ""}
            tasks = (
                await session.scalars(
                    select(InitiativeTaskRow).where(InitiativeTaskRow.initiative_id == doc_id)
                )
            ).all()
            assert {(t.title, t.owner, t.due) for t in tasks} == {
                ("Zaad kopen", cas, date(2025, 4, 1)),
                ("Bakken timmeren", None, None),
            }
            offer = await session.get(InitiativeAllyRow, (doc_id, cas))
            assert offer is not None and offer.offer == "Ik heb een kruiwagen"

    asyncio.run(check())


def test_projecting_again_replaces_the_rows_of_that_document_only(node: Node) -> None:
    ann = b.person(node, "Ann")
    first = b.initiative(node, ann, "Repair café", tasks=[b.task("Zaal boeken", by=ann)])
    other = b.initiative(node, ann, "Buurtfeest", tasks=[b.task("Tent huren", by=ann)])
    asyncio.run(_project_all(node))

    def drop_tasks_and_rename(tx: Any, doc: Any) -> None:
        tasks = doc.get(doc.get(ROOT, "plan"), "tasks")
        for key in list(doc.keys(tasks)):
            tx.delete(tasks, key)
        tx.put(ROOT, "title", "Repair café De Schakel")

    bind_actor(node, b"\x01" * 16, ann)  # Ann on a second device, vouched for by this node
    node.documents.change(first, Author(ann, b"\x01" * 16), "opgeruimd", drop_tasks_and_rename)

    async def check() -> None:
        async with node.sessions() as session:
            await project(session, node.documents.read(first))
            await session.commit()
            row = await session.get(InitiativeRow, first)
            assert row is not None and row.title == "Repair café De Schakel"
            assert row.tasks_total == 0
        assert await _count(node, InitiativeTaskRow, InitiativeTaskRow.initiative_id == first) == 0
        assert await _count(node, InitiativeTaskRow, InitiativeTaskRow.initiative_id == other) == 1
        assert await _count(node, SearchEntryRow) == 3  # two initiatives and Ann

    asyncio.run(check())


def test_a_discussion_counts_its_comments_and_last_activity(node: Node) -> None:
    ann = b.person(node, "Ann")
    bob = b.person(node, "Bob")
    doc_id = b.discussion(
        node,
        ann,
        "Bankjes op het dorpsplein",
        intro="Waar moeten de nieuwe bankjes staan?",
        tags=["Plein"],
        comments=[(bob, "Bij de kerk", b.at(2)), (ann, "Bij de bakker", b.at(5))],
    )

    async def check() -> None:
        await _project_all(node)
        async with node.sessions() as session:
            row = await session.get(DiscussionRow, doc_id)
            assert row is not None
            assert row.comment_count == 2
            assert row.last_activity >= b.at(5)
            assert row.intro == "Waar moeten de nieuwe bankjes staan?"
            assert row.initiative_id is None and row.tags == ["Plein"]
        assert await _count(node, CommentRow, CommentRow.by == bob) == 1

    asyncio.run(check())


def test_a_profile_projects_public_fields_and_matching_terms(node: Node) -> None:
    ann = b.person(
        node,
        "Ann de Vries",
        neighbourhood="Centrum",
        skills=["Fietsen repareren", "koken"],
        offers=["Op dinsdag kan ik helpen met boodschappen."],
        about="Gepensioneerd fietsenmaker.",
    )

    async def check() -> None:
        await _project_all(node)
        async with node.sessions() as session:
            row = await session.get(PersonRow, ann)
            assert row is not None
            assert row.display_name == "Ann de Vries"
            assert row.skills == ["Fietsen repareren", "koken"]
            assert row.neighbourhood == "Centrum"
            terms = (
                await session.scalars(
                    select(PersonTermRow.term)
                    .where(PersonTermRow.person_id == ann)
                    .order_by(PersonTermRow.source, PersonTermRow.position)
                )
            ).all()
            assert terms == [
                "op dinsdag kan ik helpen met boodschappen",
                "fietsen repareren",
                "koken",
            ]

    asyncio.run(check())


def test_an_organisation_counts_its_members(node: Node) -> None:
    ann = b.person(node, "Ann")
    bob = b.person(node, "Bob")
    doc_id = b.organisation(
        node, ann, "Gemeente Oldebroek", kind="municipality", members={bob: "member"}
    )

    async def check() -> None:
        await _project_all(node)
        async with node.sessions() as session:
            row = await session.get(OrganisationRow, doc_id)
            assert row is not None
            assert (row.name, row.kind, row.member_count) == (
                "Gemeente Oldebroek",
                "municipality",
                2,
            )
        assert (
            await _count(node, OrganisationMemberRow, OrganisationMemberRow.person_id == bob) == 1
        )

    asyncio.run(check())


def test_unknown_types_are_ignored_and_remove_drops_every_row(node: Node) -> None:
    ann = b.person(node, "Ann", skills=["koken"])
    doc_id = b.initiative(node, ann, "Soepdag", tasks=[b.task("Pannen", by=ann)])

    async def check() -> None:
        await _project_all(node)
        async with node.sessions() as session:
            await project(session, {"type": "survey", "id": "x" * 30, "title": "?"})
            await project(session, {"type": "initiative"})  # no id: nothing to replace
            await remove(session, doc_id)
            await remove(session, ann)
            await session.commit()
        for model in (
            InitiativeRow,
            InitiativeTaskRow,
            InitiativeAllyRow,
            PersonRow,
            PersonTermRow,
        ):
            assert await _count(node, model) == 0
        assert await _count(node, SearchEntryRow) == 0

    asyncio.run(check())


def test_malformed_content_from_a_peer_costs_only_the_bad_fields(node: Node) -> None:
    """Documents from peers are not trusted: wrong types, huge strings and odd maps."""
    content = {
        "type": "initiative",
        "id": "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt",
        "origin_node": 12,
        "created_at": "gisteren",
        "created_by": ["?"],
        "title": "x" * 5000,
        "summary": None,
        "place": "Oldebroek",
        "tags": ["ok", 5, "", "y" * 300],
        "status": {"nested": True},
        "needs": {"abc": "not a map", "n" * 40: {"kind": "skills"}, "good1": {"kind": "hands"}},
        "allies": ["not", "a", "map"],
        "plan": {"tasks": {"t1": {"title": 7, "status": "done", "due": "2025-13-45"}}},
        "updates": None,
    }

    async def check() -> None:
        async with node.sessions() as session:
            await project(session, content)
            await session.commit()
            row = await session.get(InitiativeRow, content["id"])
            assert row is not None
            assert len(row.title) == 200 and row.summary == "" and row.village == ""
            assert row.tags == ["ok", "y" * 40]
            assert row.open_needs == ["hands"]
            assert (row.tasks_done, row.tasks_total) == (1, 1)
            assert row.supporter_count == 0

    asyncio.run(check())
