"""Actor bindings and the admission rule built on them (docs/trust.md §2), without a network."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from node.projection.catalog_id import catalog_id_of
from node.trust.bindings import Binding, BindingError, make_binding, parse_binding
from node.trust.held import HeldChanges
from node.trust.vouchers import Vouchers
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.change import Change
from sync.repo.proof import node_id_of

NODE_KEY = SigningKey.generate()
NODE = node_id_of(NODE_KEY.verify_key)
CATALOG = catalog_id_of(NODE)
ROGUE_KEY = SigningKey.generate()
ROGUE = node_id_of(ROGUE_KEY.verify_key)


def actor() -> bytes:
    return os.urandom(16)


def test_a_binding_survives_its_string_form_and_checks_its_signature() -> None:
    anna = actor()
    binding = make_binding(NODE_KEY, anna, "persoon-anna", issued=1_800_000_000)
    text = binding.encode()
    assert text.startswith("v1.") and len(text) < 300
    assert parse_binding(text) == binding


def test_a_binding_with_a_changed_field_does_not_hold() -> None:
    binding = make_binding(NODE_KEY, actor(), "persoon-anna")
    for forged in (
        Binding(binding.actor, "persoon-bert", binding.node, binding.issued, binding.sig),
        Binding(actor(), binding.person, binding.node, binding.issued, binding.sig),
        Binding(binding.actor, binding.person, ROGUE, binding.issued, binding.sig),
        Binding(binding.actor, binding.person, binding.node, binding.issued + 1, binding.sig),
    ):
        with pytest.raises(BindingError):
            parse_binding(forged.encode())


@pytest.mark.parametrize(
    "value", [None, 5, "", "v1.", "v2.abc", "v1.!!!", "v1." + "A" * 700, "v1.oA"]
)
def test_garbage_is_no_binding(value: object) -> None:
    with pytest.raises(BindingError):
        parse_binding(value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_strings_only_ever_raise_binding_error(value: str) -> None:
    with pytest.raises(BindingError):
        parse_binding("v1." + value)


def catalog(key: SigningKey, *residents: tuple[bytes, str]) -> tuple[str, dict[str, object]]:
    node = node_id_of(key.verify_key)
    doc_id = catalog_id_of(node)
    actors = {a.hex(): make_binding(key, a, person).encode() for a, person in residents}
    return doc_id, {"type": "catalog", "origin_node": node, "actors": actors}


def change_by(writer: bytes, edit: object = None) -> Change:
    doc = Document(writer)
    with doc.change() as tx:
        if callable(edit):
            edit(tx, doc)
        else:
            tx.put(ROOT, "title", "iets")
    [change] = doc.changes_since([])
    return change


def test_a_change_is_admitted_when_a_catalog_vouches_for_its_actor() -> None:
    anna, stranger = actor(), actor()
    vouchers = Vouchers()
    assert vouchers.learn_catalog(*catalog(NODE_KEY, (anna, "persoon-anna"))) == 1
    admit = vouchers.admit_for("een-initiatief")
    assert admit(change_by(anna))
    assert not admit(change_by(stranger))


def test_a_catalog_carries_only_its_own_nodes_bindings() -> None:
    anna = actor()
    doc_id, content = catalog(ROGUE_KEY, (anna, "persoon-anna"))
    content["origin_node"] = NODE  # a rogue catalog posing as another node's
    vouchers = Vouchers()
    assert vouchers.learn_catalog(doc_id, content) == 0
    # signed by the rogue but listed in the honest node's catalog: not the catalog's own binding
    honest_id, honest = catalog(NODE_KEY)
    honest["actors"] = {anna.hex(): make_binding(ROGUE_KEY, anna, "persoon-anna").encode()}
    assert vouchers.learn_catalog(honest_id, honest) == 0
    assert not vouchers.admit_for("een-initiatief")(change_by(anna))


def test_a_node_actor_proves_itself_in_its_first_catalog_change_and_residents_cannot_write_it() -> (
    None
):
    node_actor, anna = actor(), actor()
    binding = make_binding(NODE_KEY, node_actor, CATALOG)

    def first(tx: object, doc: Document) -> None:
        tx.put(ROOT, "type", "catalog")  # type: ignore[attr-defined]
        contributors = tx.put_object(ROOT, "contributors", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(contributors, node_actor.hex(), CATALOG)  # type: ignore[attr-defined]
        actors = tx.put_object(ROOT, "actors", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(actors, node_actor.hex(), binding.encode())  # type: ignore[attr-defined]

    vouchers = Vouchers()
    assert vouchers.admit_for(CATALOG)(change_by(node_actor, first))
    assert vouchers.is_catalog(CATALOG)
    vouchers.learn_catalog(*catalog(NODE_KEY, (anna, "persoon-anna")))
    assert vouchers.admit_for("een-initiatief")(change_by(anna))
    assert not vouchers.admit_for(CATALOG)(change_by(anna))  # a resident never writes it

    # the same self-binding in another document (or by another actor) proves nothing
    assert not Vouchers().admit_for("een-initiatief")(change_by(node_actor, first))
    stolen = change_by(actor(), first)
    assert not Vouchers().admit_for(CATALOG)(stolen)


def test_an_app_connection_vouches_for_new_actors_but_never_in_a_catalog() -> None:
    vouchers = Vouchers()
    vouchers.learn_catalog(*catalog(NODE_KEY))
    app_actor = actor()
    bound: list[bytes] = []

    def vouch(new: bytes) -> bool:
        bound.append(new)
        vouchers.learn(make_binding(NODE_KEY, new, "persoon-jet"), CATALOG)
        return True

    assert vouchers.admit_for("een-initiatief", vouch)(change_by(app_actor))
    assert bound == [app_actor]
    assert not vouchers.admit_for(CATALOG, vouch)(change_by(actor()))
    assert len(bound) == 1


def test_held_changes_are_kept_listed_bounded_and_dropped(tmp_path: Path) -> None:
    held = HeldChanges(tmp_path / "held")
    doc = Document(actor())
    for title in ("iets", "iets anders"):
        with doc.change() as tx:
            tx.put(ROOT, "title", title)
    on_top = doc.changes_since([])[-1]  # builds on the first
    changes = [change_by(actor()), change_by(actor()), on_top]
    assert held.keep("2Ri8ThtHFdW1ebvALCjfZbS3PX9B", changes, "Bathmen", "niemand") == 3
    assert held.keep("2Ri8ThtHFdW1ebvALCjfZbS3PX9B", changes, "Bathmen", "niemand") == 0
    [row] = held.listing()
    assert row.changes == 3 and row.peers == ["Bathmen"] and len(row.actors) == 3

    again = HeldChanges(tmp_path / "held")  # after a restart
    assert sorted(again.hashes("2Ri8ThtHFdW1ebvALCjfZbS3PX9B")) == sorted(c.hash for c in changes)
    assert {data for _, data in again.load("2Ri8ThtHFdW1ebvALCjfZbS3PX9B")} == {
        c.raw for c in changes
    }
    # what they build on, so a reloaded document asks for a dependency that never came
    assert again.deps("2Ri8ThtHFdW1ebvALCjfZbS3PX9B") == {c.hash: c.deps for c in changes}
    # an index written before deps were noted gets them when the change is held again
    index = tmp_path / "held" / "2Ri8ThtHFdW1ebvALCjfZbS3PX9B" / "index.json"
    entries = json.loads(index.read_text())
    index.write_text(
        json.dumps({h: {k: v for k, v in e.items() if k != "deps"} for h, e in entries.items()})
    )
    older = HeldChanges(tmp_path / "held")
    assert older.deps("2Ri8ThtHFdW1ebvALCjfZbS3PX9B") == {c.hash: [] for c in changes}
    assert older.keep("2Ri8ThtHFdW1ebvALCjfZbS3PX9B", changes, "Bathmen", "niemand") == 0
    assert HeldChanges(tmp_path / "held").deps("2Ri8ThtHFdW1ebvALCjfZbS3PX9B") == {
        c.hash: c.deps for c in changes
    }
    again.drop("2Ri8ThtHFdW1ebvALCjfZbS3PX9B", [c.hash for c in changes])
    assert (
        again.listing() == [] and not (tmp_path / "held" / "2Ri8ThtHFdW1ebvALCjfZbS3PX9B").exists()
    )
    with pytest.raises(ValueError):
        again.keep("../buiten", changes, "x", "y")


def test_a_flood_of_held_changes_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from node.trust import held as held_module

    monkeypatch.setattr(held_module, "MAX_PER_DOCUMENT", 5)
    held = HeldChanges(tmp_path / "held")
    for _ in range(4):
        held.keep("2Ri8ThtHFdW1ebvALCjfZbS3PX9B", [change_by(actor()) for _ in range(3)], "x", "y")
    assert len(held.hashes("2Ri8ThtHFdW1ebvALCjfZbS3PX9B")) == 5
    assert len(list((tmp_path / "held" / "2Ri8ThtHFdW1ebvALCjfZbS3PX9B").glob("*.change"))) == 5


def test_a_node_publishing_bindings_for_another_nodes_actors_takes_nothing_over() -> None:
    """Actor ids are public: a rogue binding for them must neither win (first learned) nor let
    the rogue freeze the honest node's catalog."""
    anna, node_actor = actor(), actor()
    rogue_id, rogue = catalog(ROGUE_KEY, (anna, "persoon-van-de-vervalser"), (node_actor, "x"))
    honest_id, honest = catalog(NODE_KEY, (anna, "persoon-anna"))
    honest["actors"][node_actor.hex()] = make_binding(NODE_KEY, node_actor, CATALOG).encode()  # type: ignore[index]
    vouchers = Vouchers()
    vouchers.learn_catalog(rogue_id, rogue)  # the rogue's catalog arrives first
    vouchers.learn_catalog(honest_id, honest)
    assert vouchers.binding(anna) is None  # two nodes disagree: credited to nobody
    assert vouchers.admit_for("een-initiatief")(change_by(anna))  # but some node vouches
    assert vouchers.admit_for(CATALOG)(change_by(node_actor))  # the honest catalog goes on


def test_nobody_makes_another_nodes_catalog_before_it_does() -> None:
    anna = actor()
    vouchers = Vouchers()
    vouchers.learn_catalog(*catalog(ROGUE_KEY, (anna, "persoon-anna")))

    def fake_catalog(tx: object, doc: Document) -> None:
        tx.put(ROOT, "type", "catalog")  # type: ignore[attr-defined]
        tx.put(ROOT, "name", "Nep-Aadorp")  # type: ignore[attr-defined]

    assert not vouchers.admit_for(CATALOG)(change_by(anna, fake_catalog))


def test_changes_kept_aside_after_their_binding_arrived_are_retried(tmp_path: Path) -> None:
    """A binding can arrive (another peer's catalog, another thread) between judging a change
    and keeping it aside; the retry that arrival asked for found nothing held then, and without
    a second one the change would wait for the next catalog change (a CI run hung on this)."""
    from node.replication.host import NodeHost
    from sync.repo.host import PeerInfo
    from sync.repo.messages import PeerMetadata

    vouchers, retries = Vouchers(), []
    held = HeldChanges(tmp_path / "held")
    host = NodeHost(
        None,  # type: ignore[arg-type]  # holding touches no documents without erasures
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        lambda document_id, peer: None,
        vouchers,
        held,
        retry_held=lambda: retries.append(True),
    )
    peer = PeerInfo("mekaar-b", PeerMetadata())
    anna, bert = actor(), actor()

    host.held(peer, "2Ri8ThtHFdW1ebvALCjfZbS3PX9B", [change_by(anna)])
    assert retries == []  # nobody vouches for Anna: held, and nothing to retry

    vouchers.learn(make_binding(NODE_KEY, bert, "persoon-bert"), CATALOG)  # arrives meanwhile
    host.held(peer, "2Ri8ThtHFdW1ebvALCjfZbS3PX9B", [change_by(bert)])
    assert retries == [True]
    assert len(held.hashes("2Ri8ThtHFdW1ebvALCjfZbS3PX9B")) == 2
