"""Change chunks are byte-identical between our engine and the reference.

Hashes are SHA-256 over the change bytes and every dependency names its parents by hash, so one
differing byte splits the history: a peer would see two different changes. These tests pin the
bytes in both directions and the hashes and metadata the reference decodes.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.automerge import Document, decode_change
from tests.interop.oracle import Oracle
from tests.interop.py_edits import random_edits
from tests.interop.scenarios import (
    actor,
    assert_same_document,
    hexes,
    js_concurrent_doc,
    py_concurrent_doc,
)

pytestmark = pytest.mark.interop

SEEDS = range(25)


# ------------------------------------------------------------------ Python → reference


def _assert_reference_keeps_python_changes(js: Oracle, doc: Document, context: str) -> None:
    ours = doc.get_all_changes()
    js.create("ref")
    js.apply_changes("ref", ours)
    theirs = js.all_changes("ref")
    assert sorted(c.hex() for c in theirs) == sorted(c.hex() for c in ours), (
        f"the reference re-encodes our changes differently ({context})"
    )
    assert_same_document(js, "ref", doc, context)


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_accepts_python_changes_and_keeps_them_byte_identical(
    js: Oracle, seed: int
) -> None:
    doc, _ = py_concurrent_doc(seed)
    _assert_reference_keeps_python_changes(js, doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS[:6])
def test_reference_accepts_each_python_change_as_it_is_made(js: Oracle, seed: int) -> None:
    """Fed one change at a time, in the order made, the reference's heads follow ours exactly."""
    doc = Document(actor=actor(seed, 200))
    js.create("ref")
    for step in range(6):
        before = doc.get_heads()
        random_edits(doc, seed * 101 + step, changes=1, edits=6)
        new = doc.get_changes(before)
        assert len(new) <= 1
        js.apply_changes("ref", new)
        assert hexes(js.heads("ref")) == hexes(doc.get_heads()), f"seed {seed}, step {step}"
    assert_same_document(js, "ref", doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_reencodes_python_changes_byte_for_byte(js: Oracle, seed: int) -> None:
    doc, _ = py_concurrent_doc(seed)
    compared = 0
    for chunk in doc.get_all_changes():
        info = js.decode_change(chunk)
        ours = decode_change(chunk)
        assert info["hash"] == ours.hash.hex()
        assert (info["actor"], info["seq"], info["startOp"]) == (
            ours.actor.hex(),
            ours.seq,
            ours.start_op,
        )
        assert sorted(info["deps"]) == hexes(ours.deps)
        again = js.reencode_change(chunk)
        if again is None:  # bytes or -0.0: the reference's JSON change form cannot carry them
            continue
        assert again.hex() == chunk.hex(), f"seed {seed}, change {info['hash']}"
        compared += 1
    assert compared > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=1000, max_value=2**31 - 1))
def test_reference_keeps_any_python_changes_byte_identical(oracle: Oracle, seed: int) -> None:
    oracle.reset()
    doc, _ = py_concurrent_doc(seed, peers=2)
    _assert_reference_keeps_python_changes(oracle, doc, f"seed {seed}")


# ------------------------------------------------------------------ reference → Python


@pytest.mark.parametrize("seed", SEEDS)
def test_python_decodes_reference_changes_to_the_same_hash_and_metadata(
    js: Oracle, seed: int
) -> None:
    js_concurrent_doc(js, seed)
    for chunk in js.all_changes("doc"):
        info = js.decode_change(chunk)
        ours = decode_change(chunk)
        assert ours.hash.hex() == info["hash"]
        assert ours.actor.hex() == info["actor"]
        assert (ours.seq, ours.start_op, ours.time) == (info["seq"], info["startOp"], info["time"])
        assert (ours.message or None) == info["message"]
        assert hexes(ours.deps) == sorted(info["deps"])


@pytest.mark.parametrize("seed", SEEDS)
def test_python_rebuilds_reference_changes_from_a_saved_document(js: Oracle, seed: int) -> None:
    """A document chunk holds no changes, only ops: rebuilding them must give the exact bytes,
    or the rebuilt hashes would not match the heads the document names."""
    js_concurrent_doc(js, seed)
    doc = Document.load(js.save("doc"))
    assert sorted(c.hex() for c in doc.get_all_changes()) == sorted(
        c.hex() for c in js.all_changes("doc")
    )


@pytest.mark.parametrize("seed", SEEDS[:6])
def test_python_applies_reference_changes_in_any_order(js: Oracle, seed: int) -> None:
    """Changes that arrive before their dependencies wait, and the result does not depend on
    arrival order."""
    js_concurrent_doc(js, seed)
    changes = js.all_changes("doc")
    random.Random(seed).shuffle(changes)
    doc = Document()
    for chunk in changes:
        doc.apply_changes([chunk])
    assert doc.get_missing_deps() == []
    assert_same_document(js, "doc", doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_compressed_change_chunks_read_the_same_in_both_engines(js: Oracle, seed: int) -> None:
    """Type-2 (deflated) change chunks carry the hash of their uncompressed form; the reference
    accepts the ones built here, and so must we, with the same hash and result."""
    js_concurrent_doc(js, seed)
    changes = js.all_changes("doc")
    compressed = [js.compress_change(c) for c in changes]
    assert all(c[8] == 2 for c in compressed)
    js.create("from-compressed")
    js.apply_changes("from-compressed", compressed)
    assert hexes(js.heads("from-compressed")) == hexes(js.heads("doc"))
    for plain, packed in zip(changes, compressed, strict=True):
        assert decode_change(packed).hash == decode_change(plain).hash
    doc = Document()
    doc.apply_changes(compressed)
    assert_same_document(js, "doc", doc, f"seed {seed}")


EVERY_OP_KIND = {
    "makeMap", "makeList", "makeText", "del", "inc", "str", "int", "uint", "float64",
    "boolean", "null", "bytes", "timestamp", "counter", "insert:str", "insert:makeMap",
}  # fmt: skip


def test_python_edit_script_reaches_every_op_kind(js: Oracle) -> None:
    """The byte-identity tests above are only as strong as the changes they feed in."""
    found: set[str] = set()
    for seed in SEEDS:
        doc, _ = py_concurrent_doc(seed)
        for chunk in doc.get_all_changes():
            found.update(js.decode_change(chunk)["kinds"])
    assert found >= EVERY_OP_KIND, f"never produced: {sorted(EVERY_OP_KIND - found)}"


def test_reference_edit_script_reaches_every_op_kind(js: Oracle) -> None:
    found: set[str] = set()
    for seed in SEEDS:
        js_concurrent_doc(js, seed, name=f"doc{seed}")
        for chunk in js.all_changes(f"doc{seed}"):
            found.update(js.decode_change(chunk)["kinds"])
    assert found >= EVERY_OP_KIND, f"never produced: {sorted(EVERY_OP_KIND - found)}"


@pytest.mark.parametrize("seed", SEEDS[:12])
def test_alternating_edits_on_shared_objects_keep_both_engines_identical(
    js: Oracle, seed: int
) -> None:
    """Each side edits objects and text the other made, so our changes name the reference's
    elements and actors (and back); after every hand-over the two documents agree."""
    js.create("ref", actor(seed, 0))
    doc = Document(actor=actor(seed, 1))
    for step in range(5):
        js.random_edits("ref", seed=seed * 100 + step, changes=2, edits=8)
        doc.apply_changes(js.all_changes("ref"))
        assert_same_document(js, "ref", doc, f"seed {seed}, step {step}, after the reference")
        before = doc.get_heads()
        random_edits(doc, seed * 100 + 50 + step, changes=2, edits=8)
        ours = doc.get_changes(before)
        js.apply_changes("ref", ours)
        assert {c.hex() for c in ours} <= {c.hex() for c in js.all_changes("ref")}
        assert_same_document(js, "ref", doc, f"seed {seed}, step {step}, after ours")
