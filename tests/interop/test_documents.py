"""Whole documents cross between our engine and the reference and read back the same.

Each case is a seed: several actors edit concurrently (every scalar type, nested objects, text
with non-ASCII, counters, deletes), then merge. A failure names the seed; rebuild the document
with scenarios.js_concurrent_doc / py_concurrent_doc to reproduce it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.automerge import ROOT, Counter, Document, ObjType, Uint
from tests.interop.canonical import canonical
from tests.interop.oracle import Oracle
from tests.interop.scenarios import (
    assert_same_document,
    deflated_columns,
    hexes,
    js_concurrent_doc,
    py_concurrent_doc,
)

pytestmark = pytest.mark.interop

SEEDS = range(25)


# ------------------------------------------------------------------ reference → Python


@pytest.mark.parametrize("seed", SEEDS)
def test_python_loads_reference_save_with_same_content_and_heads(js: Oracle, seed: int) -> None:
    js_concurrent_doc(js, seed)
    doc = Document.load(js.save("doc"))
    assert_same_document(js, "doc", doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_python_loads_concatenated_reference_changes(js: Oracle, seed: int) -> None:
    js_concurrent_doc(js, seed)
    doc = Document.load(b"".join(js.all_changes("doc")))
    assert_same_document(js, "doc", doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_python_loads_reference_incremental_saves(js: Oracle, seed: int) -> None:
    chunks = js_concurrent_doc(js, seed)
    whole = Document.load(b"".join(chunks))
    assert_same_document(js, "doc", whole, f"seed {seed}, concatenated chunks")
    piecewise = Document.load(chunks[0])
    for chunk in chunks[1:]:
        piecewise.load_incremental(chunk)
    assert_same_document(js, "doc", piecewise, f"seed {seed}, chunk by chunk")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=1000, max_value=2**31 - 1))
def test_python_loads_any_reference_document(oracle: Oracle, seed: int) -> None:
    oracle.reset()
    js_concurrent_doc(oracle, seed, peers=2)
    assert_same_document(oracle, "doc", Document.load(oracle.save("doc")), f"seed {seed}")


# ------------------------------------------------------------------ Python → reference


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_loads_python_save_with_same_content_and_heads(js: Oracle, seed: int) -> None:
    doc, _ = py_concurrent_doc(seed)
    js.load("doc", doc.save())
    assert_same_document(js, "doc", doc, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_loads_python_incremental_saves(js: Oracle, seed: int) -> None:
    doc, chunks = py_concurrent_doc(seed)
    js.load("whole", b"".join(chunks))
    assert_same_document(js, "whole", doc, f"seed {seed}, concatenated chunks")
    js.create("piecewise")
    for chunk in chunks:
        js.load_incremental("piecewise", chunk)
    assert_same_document(js, "piecewise", doc, f"seed {seed}, chunk by chunk")


@pytest.mark.parametrize("seed", SEEDS[:6])
def test_reference_document_survives_a_python_load_and_save(js: Oracle, seed: int) -> None:
    """Python must write back every op it read, including ones it shows no value for."""
    js_concurrent_doc(js, seed)
    js.load("back", Document.load(js.save("doc")).save())
    assert hexes(js.heads("back")) == hexes(js.heads("doc"))
    assert js.canonical("back") == js.canonical("doc")


def test_saves_are_byte_identical_unless_a_column_is_deflated(js: Oracle) -> None:
    """Same document, same save: row order, column choice and encodings all match the reference.
    Only DEFLATE output may differ (see scenarios.deflated_columns)."""
    compared = 0
    for seed in SEEDS:
        js.reset()
        js_concurrent_doc(js, seed)
        reference = js.save("doc")
        ours = Document.load(reference).save()
        if not deflated_columns(reference) and not deflated_columns(ours):
            assert ours.hex() == reference.hex(), f"seed {seed}, reference-made"
            compared += 1
        doc, _ = py_concurrent_doc(seed)
        js.load("ours", doc.save())
        reference = js.save("ours")
        if not deflated_columns(reference) and not deflated_columns(doc.save()):
            assert doc.save().hex() == reference.hex(), f"seed {seed}, ours"
            compared += 1
    assert compared >= len(SEEDS)


# ------------------------------------------------------------------ conflicts

# (our value, the same value typed for the oracle)
VALUES: dict[str, tuple[Any, list[Any]]] = {
    "str": ("ĳs 😀", ["str", "ĳs 😀"]),
    "int": (-(2**40), ["int", -(2**40)]),
    "uint": (Uint(2**53 - 1), ["uint", 2**53 - 1]),
    "float": (2.5, ["float", 2.5]),
    "bool": (True, ["bool", True]),
    "null": (None, ["null"]),
    "bytes": (b"\x00\x01", ["bytes", "0001"]),
    "ts": (datetime(2001, 2, 3, 4, 5, 6, 789000, tzinfo=UTC), ["ts", 981173106789]),
}
PAIRS = [("str", "int"), ("uint", "float"), ("bool", "null"), ("bytes", "ts"), ("str", "str")]
LOW_ACTOR = bytes.fromhex("0a" * 16)
HIGH_ACTOR = bytes.fromhex("f0" * 16)


@pytest.mark.parametrize(
    "python_wins", [True, False], ids=["python-actor-higher", "js-actor-higher"]
)
@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=["-".join(p) for p in PAIRS])
def test_concurrent_puts_keep_both_values_and_pick_the_reference_winner(
    js: Oracle, ours: str, theirs: str, python_wins: bool
) -> None:
    py_actor, js_actor = (HIGH_ACTOR, LOW_ACTOR) if python_wins else (LOW_ACTOR, HIGH_ACTOR)
    doc = Document(actor=py_actor)
    with doc.change(message="basis", time=1) as tx:
        tx.put(ROOT, "title", "basis")
        nested = tx.put_object(ROOT, "nested", ObjType.MAP)
        tx.put(nested, "k", 0)
        items = tx.put_object(ROOT, "items", ObjType.LIST)
        tx.insert(items, 0, "eerste")
    js.load("doc", doc.save(), js_actor)
    base_heads = doc.get_heads()

    our_value, their_value = VALUES[ours][0], VALUES[theirs][1]
    if ours == theirs:  # same type, different value: still two ops, still a conflict
        our_value = "ours"
    with doc.change(time=2) as tx:
        tx.put(ROOT, "title", our_value)
        tx.put(nested, "k", our_value)
        tx.put(items, 0, our_value)
    js.change(
        "doc",
        [
            ["put", [], "title", their_value],
            ["put", ["nested"], "k", their_value],
            ["put", ["items"], 0, their_value],
        ],
    )
    ours_changes = doc.get_changes(base_heads)
    doc.apply_changes(js.all_changes("doc"))
    js.apply_changes("doc", ours_changes)

    assert_same_document(js, "doc", doc)
    for obj, path, key in ((ROOT, [], "title"), (nested, ["nested"], "k"), (items, ["items"], 0)):
        reference = js.conflicts("doc", path, key)
        assert len(reference) == 2
        assert [canonical(v) for v in doc.get_all(obj, key)] == reference, f"get_all at {key!r}"
        assert canonical(doc.get(obj, key)) == reference[-1], f"winner at {key!r}"
        assert canonical(doc.get(obj, key)) == js.call("get", doc="doc", path=[*path, key])
    winner = our_value if python_wins else VALUES[theirs][0]
    assert canonical(doc.get(ROOT, "title")) == canonical(winner)


def test_concurrent_counter_increments_add_up_like_the_reference(js: Oracle) -> None:
    doc = Document(actor=LOW_ACTOR)
    with doc.change(time=1) as tx:
        tx.put(ROOT, "count", Counter(10))
    js.load("doc", doc.save(), HIGH_ACTOR)
    base = doc.get_heads()
    with doc.change(time=2) as tx:
        tx.increment(ROOT, "count", 5)
    js.change("doc", [["increment", [], "count", -7]])
    js.change("doc", [["increment", [], "count", 1]])
    ours = doc.get_changes(base)
    doc.apply_changes(js.all_changes("doc"))
    js.apply_changes("doc", ours)
    assert_same_document(js, "doc", doc)
    assert doc.get(ROOT, "count") == 9


# ------------------------------------------------------------------ large documents


def test_large_reference_document_with_deflated_columns_loads_in_python(js: Oracle) -> None:
    """save() deflates every column of 256 bytes or more; reading them must give the same doc."""
    js.create("doc", LOW_ACTOR)
    ops: list[Any] = [["put", [], "body", ["text", "Moestuin é ĳ 😀 " * 150]]]
    ops += [["put", [], f"k{i}", ["str", f"waarde {i} ✓"]] for i in range(300)]
    js.change("doc", ops)
    js.change("doc", [["splice", ["body"], 10, 200, "ingekort"]])
    saved = js.save("doc")
    assert len(saved) < sum(len(c) for c in js.all_changes("doc")) // 2  # really compressed
    assert_same_document(js, "doc", Document.load(saved))


def test_large_python_document_loads_in_the_reference(js: Oracle) -> None:
    doc = Document(actor=HIGH_ACTOR)
    with doc.change(message="groot", time=1) as tx:
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Moestuin é ĳ 😀 " * 150)
        for i in range(300):
            tx.put(ROOT, f"k{i}", f"waarde {i} ✓")
    with doc.change(time=2) as tx:
        tx.splice_text(body, 10, 200, "ingekort")
    js.load("doc", doc.save())
    assert_same_document(js, "doc", doc)
    js.create("applied")
    js.apply_changes("applied", doc.get_all_changes())
    assert hexes(js.all_changes("applied")) == hexes(doc.get_all_changes())
