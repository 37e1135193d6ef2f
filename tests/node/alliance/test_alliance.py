"""An alliance through the keeper and the rights across nodes: the founding node makes it, a
member publishes its figures and the skills of residents who chose to show them; an entry
written for another node, or by a resident, counts nowhere; leaving takes the entry out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from node.alliance import service
from node.alliance.keeper import keep
from node.alliance.views import build_alliance, get_alliance
from node.errors import Invalid, NotFound
from node.replication.catalog import node_author
from sync.automerge import ROOT, ObjType
from tests.node.residents import UNKNOWN_ID, Town

OTHER_NODE = "9" * 44


def _founded(town: Town, name: str = "Dorpen van de Veluwe") -> str:
    alliance_id = town.query(_commit(service.found), name)
    asyncio.run(keep(town.node))
    return alliance_id


def _commit(action):  # type: ignore[no-untyped-def]
    async def run(session, *args):  # type: ignore[no-untyped-def]
        result = await action(session, *args)
        await session.commit()
        return result

    return run


def test_the_founding_node_publishes_figures_and_only_chosen_skills(town: Town) -> None:
    anna = town.resident("Anna", skills=["koken"], in_alliance_directory="on")
    town.resident("Bert", skills=["fietsen maken"])  # did not choose to show them
    town.initiative(anna, "Buurtmoestuin")
    alliance_id = _founded(town)
    view = town.read(get_alliance, alliance_id)
    assert view.name == "Dorpen van de Veluwe"
    [member] = view.members
    assert member.node_id == town.node.identity.node_id and member.village == "Oldebroek"
    assert member.figures["initiatives"] == 1 and view.totals["initiatives"] == 1
    assert [(s.name, s.skills, s.village) for s in view.skills] == [
        ("Anna", ["koken"], "Oldebroek")
    ]
    assert town.read(get_alliance, alliance_id, "fiets").skills == []
    assert [s.name for s in town.read(get_alliance, alliance_id, "KOK").skills] == ["Anna"]


def test_the_entry_is_rewritten_only_when_the_figures_moved(town: Town) -> None:
    anna = town.resident("Anna")
    alliance_id = _founded(town)
    heads = town.heads(alliance_id)
    asyncio.run(keep(town.node))
    assert town.heads(alliance_id) == heads
    town.initiative(anna, "Buurtkoor")
    asyncio.run(keep(town.node))
    assert town.heads(alliance_id) != heads
    assert town.read(get_alliance, alliance_id).totals["initiatives"] == 1


def test_an_entry_for_another_node_or_by_a_resident_counts_nowhere(town: Town) -> None:
    anna = town.resident("Anna")
    alliance_id = _founded(town)
    me = town.node.identity.node_id

    def forged_entry(key: str):  # type: ignore[no-untyped-def]
        def edit(tx, doc):  # type: ignore[no-untyped-def]
            entry = tx.put_object(doc.get(ROOT, "members"), key, ObjType.MAP)
            tx.put(entry, "village", "Nepdorp")
            for moment in ("joined_at", "updated_at"):
                tx.put(entry, moment, datetime(2026, 1, 1, tzinfo=UTC))
            tx.put(tx.put_object(entry, "figures", ObjType.MAP), "initiatives", 99)
            tx.put_object(entry, "skills", ObjType.MAP)

        return edit

    town.node.documents.change(alliance_id, node_author(town.node), "nep", forged_entry(OTHER_NODE))
    town.node.documents.change(alliance_id, anna.author, "nep", forged_entry(me))
    town.node.documents.change(
        alliance_id, anna.author, "nep", lambda tx, _doc: tx.put(ROOT, "name", "Overgenomen")
    )
    view = town.read(get_alliance, alliance_id)
    assert view.name == "Dorpen van de Veluwe"
    assert [m.village for m in view.members] == ["Oldebroek"]


def test_joining_waits_for_the_document_and_leaving_takes_the_entry_out(town: Town) -> None:
    town.query(_commit(service.join), UNKNOWN_ID)
    asyncio.run(keep(town.node))  # not held: nothing to write yet, nothing fails
    alliance_id = _founded(town)
    assert len(town.read(get_alliance, alliance_id).members) == 1
    with pytest.raises(Invalid):  # a member of two: say which
        town.query(_commit(service.leave), None)
    town.query(_commit(service.leave), alliance_id)
    asyncio.run(keep(town.node))
    assert town.read(get_alliance, alliance_id).members == []
    assert [r.alliance_id for r in town.query(service.memberships)] == [UNKNOWN_ID]
    with pytest.raises(NotFound):
        town.query(_commit(service.leave), alliance_id)


def test_hostile_or_malformed_entries_are_read_defensively() -> None:
    content = {
        "id": UNKNOWN_ID,
        "name": "A",
        "members": {
            "n1": {"village": "<script>x</script>", "figures": {"allies": "veel", "initiatives": 3},
                   "skills": {"p1": {"name": "Eve", "skills": ["<b>lassen</b>"]},
                              "p2": "geen kaart"}},
            "n2": "geen kaart",
        },
    }  # fmt: skip
    view = build_alliance(content)
    assert view.totals["initiatives"] == 3 and view.totals["allies"] == 0
    assert view.members[0].village == "<script>x</script>"  # kept as text; pages escape it
    assert [s.skills for s in view.skills] == [["<b>lassen</b>"]]
