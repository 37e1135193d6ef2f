"""Two villages' nodes act on the same initiative while apart; merged, every action stands.

Node B gets a copy of the document (as replication would deliver it), people act on both nodes
through the services with their own actor on each node, and the stored bytes are merged both ways.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.acting import Acting
from node.initiatives import (
    InitiativeForm,
    JoinForm,
    TaskForm,
    add_task,
    edit_initiative,
    get_initiative,
    join_initiative,
    make_coordinator,
    take_task,
)
from node.projection.catalog_id import catalog_id_of
from node.replication.catalog import bind_actor
from sync.automerge import Document
from tests.node.residents import Town, open_town


@pytest.fixture
def other_town(tmp_path: Path) -> Iterator[Town]:
    node = open_town(tmp_path / "village-b")
    yield Town(node)
    asyncio.run(node.close())


def test_plans_and_descriptions_edited_on_two_nodes_merge(town: Town, other_town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna, description="Samen repareren.")
    town.act(join_initiative, jan, initiative, JoinForm())
    town.act(make_coordinator, anna, initiative, jan.person_id)
    shared = town.act(add_task, anna, initiative, TaskForm(title="Zaal regelen"))
    other_town.node.documents.store.replace(initiative, town.stored(initiative))
    # B has A's catalog (it replicates like any document), so it knows who writes for whom
    catalog = catalog_id_of(town.node.identity.node_id)
    other_town.node.documents.store.replace(catalog, town.stored(catalog))
    jan_there = Acting(jan.person_id, os.urandom(16), "Jan")  # his actor on node B
    bind_actor(other_town.node, jan_there.actor, jan.person_id)

    seen = town.read(get_initiative, initiative)
    town.act(add_task, anna, initiative, TaskForm(title="Koffie regelen"))
    town.act(
        edit_initiative,
        anna,
        initiative,
        InitiativeForm(title=seen.title, description="Elke maand samen repareren."),
    )
    other_town.act(add_task, jan_there, initiative, TaskForm(title="Flyer maken"))
    other_town.act(take_task, jan_there, initiative, shared)
    other_town.act(
        edit_initiative,
        jan_there,
        initiative,
        InitiativeForm(title=seen.title, description="Samen repareren en koffie drinken."),
    )

    a = Document.load(town.stored(initiative))
    b = Document.load(other_town.stored(initiative))
    a.merge(b)
    b.merge(a)
    merged = a.to_py()
    assert merged == b.to_py()
    tasks = {t["title"]: t for t in merged["plan"]["tasks"].values()}
    assert sorted(tasks) == ["Flyer maken", "Koffie regelen", "Zaal regelen"]
    assert tasks["Zaal regelen"]["owner"] == jan.person_id
    assert merged["description"] == "Elke maand samen repareren en koffie drinken."
    assert merged["contributors"][jan_there.actor.hex()] == jan.person_id
