"""Document semantics: edits, conflicts, order, history, save/load, and refusing bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.automerge import (
    ROOT,
    Counter,
    DecodeError,
    Document,
    ObjType,
    Uint,
    Unknown,
    decode_change,
)
from sync.automerge.change import Change, encode_change
from sync.automerge.columns import V_STR
from sync.automerge.op import Op
from sync.automerge.values import SET

from .vectors import hex_lines

A = "aa" * 16
B = "bb" * 16


def make_initiative(actor: str = A) -> Document:
    doc = Document(actor=actor)
    with doc.change(message="Initiatief aangemaakt", time=1_700_000_000) as tx:
        tx.put(ROOT, "title", "Moestuin achter het buurthuis")
        tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)
        tx.insert(tasks, 0, "grond omspitten")
        tx.insert(tasks, 1, "zaden kopen")
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Wie helpt mee? é ĳ 🌱")
        tx.put(ROOT, "supporters", Counter(0))
    return doc


def test_a_change_block_becomes_one_change_with_its_message() -> None:
    doc = make_initiative()
    changes = doc.get_all_changes()
    assert len(changes) == 1
    assert doc.to_py() == {
        "title": "Moestuin achter het buurthuis",
        "tasks": ["grond omspitten", "zaden kopen"],
        "body": "Wie helpt mee? é ĳ 🌱",
        "supporters": 0,
    }


def test_an_empty_change_block_makes_no_change() -> None:
    doc = make_initiative()
    with doc.change():
        pass
    assert len(doc.get_all_changes()) == 1


def test_an_exception_in_a_change_block_leaves_the_document_as_it_was() -> None:
    doc = make_initiative()
    before, heads = doc.to_py(), doc.get_heads()
    tasks = doc.get(ROOT, "tasks")
    with pytest.raises(RuntimeError), doc.change() as tx:
        tx.put(ROOT, "title", "Iets anders")
        tx.delete(tasks, 0)
        tx.insert(tasks, 0, "nieuw")
        tx.splice_text(doc.get(ROOT, "body"), 0, 3, "")
        tx.put_object(ROOT, "extra", ObjType.MAP)
        raise RuntimeError("validation failed")
    assert doc.to_py() == before
    assert doc.get_heads() == heads
    with doc.change() as tx:
        tx.put(ROOT, "title", "Daarna")
    assert doc.get(ROOT, "title") == "Daarna"
    assert Document.load(doc.save()).to_py() == doc.to_py()


def test_every_scalar_type_round_trips_through_save_and_load() -> None:
    doc = Document(actor=A)
    when = datetime(2026, 11, 25, 12, 30, 0, 123000, tzinfo=UTC)
    with doc.change() as tx:
        tx.put(ROOT, "str", "tekst")
        tx.put(ROOT, "int", -42)
        tx.put(ROOT, "uint", Uint(2**63 + 5))
        tx.put(ROOT, "float", 2.5)
        tx.put(ROOT, "true", True)
        tx.put(ROOT, "false", False)
        tx.put(ROOT, "null", None)
        tx.put(ROOT, "bytes", b"\x00\xff")
        tx.put(ROOT, "when", when)
        tx.put(ROOT, "count", Counter(10))
        tx.put(ROOT, "future", Unknown(12, b"\x01\x02"))
    loaded = Document.load(doc.save())
    assert loaded.to_py() == {
        "str": "tekst",
        "int": -42,
        "uint": 2**63 + 5,
        "float": 2.5,
        "true": True,
        "false": False,
        "null": None,
        "bytes": b"\x00\xff",
        "when": when,
        "count": 10,
        "future": Unknown(12, b"\x01\x02"),
    }
    assert loaded.get_heads() == doc.get_heads()


def test_concurrent_puts_conflict_and_the_greater_actor_wins() -> None:
    doc = make_initiative()
    other = doc.fork(actor=B)
    with doc.change() as tx:
        tx.put(ROOT, "title", "van A")
    with other.change() as tx:
        tx.put(ROOT, "title", "van B")
    doc.merge(other)
    other.merge(doc)
    assert doc.get(ROOT, "title") == other.get(ROOT, "title") == "van B"
    assert doc.get_all(ROOT, "title") == ["van A", "van B"]
    with doc.change() as tx:
        tx.put(ROOT, "title", "opgelost")
    assert doc.get_all(ROOT, "title") == ["opgelost"]


def test_concurrent_increments_add_up() -> None:
    doc = make_initiative()
    other = doc.fork(actor=B)
    with doc.change() as tx:
        tx.increment(ROOT, "supporters", 3)
    with other.change() as tx:
        tx.increment(ROOT, "supporters", -1)
    doc.merge(other)
    assert doc.get(ROOT, "supporters") == 2
    assert Document.load(doc.save()).get(ROOT, "supporters") == 2


def test_incrementing_something_that_is_not_a_counter_is_refused() -> None:
    doc = make_initiative()
    with pytest.raises(TypeError), doc.change() as tx:
        tx.increment(ROOT, "title", 1)


def test_concurrent_text_inserts_at_one_place_order_like_the_reference() -> None:
    # The reference vector: "abc", A inserts X at 1, B inserts Y at 3 -> "aXbcY"
    saved = hex_lines("out_basic.txt", "SAVED DOC")[0]
    doc = Document.load(saved)
    assert doc.to_py() == {
        "title": "from B",
        "list": [0, 1, 2, 3, 4],
        "text": "aXbcY",
        "count": 13,
        "nested": {"f": 1.5, "x": True},
    }
    assert [h.hex()[:8] for h in doc.get_heads()] == ["99589f32", "a6d56b19"]


def test_saving_a_reference_document_reproduces_its_bytes() -> None:
    saved = hex_lines("out_basic.txt", "SAVED DOC")[0]
    assert Document.load(saved).save() == saved


def test_deflated_reference_documents_load() -> None:
    saved = hex_lines("out_big.txt", "SAVED DOC")[0]
    doc = Document.load(saved)
    assert doc.to_py()["text"] == "y" * 3000
    assert doc.to_py()["k299"] == 299
    assert Document.load(doc.save()).get_heads() == doc.get_heads()


def test_changes_arriving_out_of_order_wait_for_their_dependencies() -> None:
    doc = make_initiative()
    for i in range(3):
        with doc.change() as tx:
            tx.put(ROOT, "title", f"versie {i}")
    changes = doc.get_all_changes()
    replica = Document(actor=B)
    replica.apply_changes(list(reversed(changes[1:])))
    assert replica.to_py() == {}
    assert replica.get_missing_deps() == [Document.load(changes[0]).get_heads()[0]]
    replica.apply_changes([changes[0]])
    assert replica.to_py() == doc.to_py()
    assert replica.get_missing_deps() == []


def test_history_can_be_read_at_earlier_heads() -> None:
    doc = make_initiative()
    first = doc.get_heads()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Nieuw")
        tx.splice_text(doc.get(ROOT, "body"), 0, 3, "Jij")
        tx.increment(ROOT, "supporters", 5)
    old = doc.to_py(heads=first)
    assert old["title"] == "Moestuin achter het buurthuis"
    assert old["body"] == "Wie helpt mee? é ĳ 🌱"
    assert old["supporters"] == 0
    assert doc.fork(heads=first).to_py() == old
    assert doc.to_py()["body"] == "Jij helpt mee? é ĳ 🌱"


def test_get_changes_returns_only_what_the_other_side_lacks() -> None:
    doc = make_initiative()
    heads = doc.get_heads()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Nieuw")
    assert len(doc.get_changes(heads)) == 1
    assert doc.get_changes([]) == doc.get_all_changes()


def test_save_incremental_writes_only_new_changes() -> None:
    doc = make_initiative()
    base = doc.save()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Nieuw")
    increment = doc.save_incremental()
    assert doc.save_incremental() == b""
    replica = Document.load(base + increment)
    assert replica.to_py() == doc.to_py()


def test_list_delete_put_and_nested_objects() -> None:
    doc = make_initiative()
    tasks = doc.get(ROOT, "tasks")
    with doc.change() as tx:
        task = tx.insert_object(tasks, 2, ObjType.MAP)
        tx.put(task, "title", "water geven")
        tx.put(task, "done", False)
        tx.delete(tasks, 0)
        tx.put(tasks, 0, "zaden gekocht")
    assert doc.to_py()["tasks"] == ["zaden gekocht", {"title": "water geven", "done": False}]
    assert doc.length(tasks) == 2


def test_malformed_bytes_raise_decode_error_and_leave_the_document_alone() -> None:
    doc = make_initiative()
    before = doc.to_py()
    saved = doc.save()
    for bad in (b"", b"\x85\x6f\x4a\x83", saved[:-5], b"hello world", saved[:20] + b"\x00" * 10):
        if not bad:
            continue
        with pytest.raises(DecodeError):
            doc.load_incremental(bad)
        with pytest.raises(DecodeError):
            doc.apply_changes([bad])
    assert doc.to_py() == before


def test_a_change_referring_to_an_unknown_object_is_refused_whole() -> None:
    doc = make_initiative()
    before, heads = doc.to_py(), doc.get_heads()
    good = Op((10, bytes.fromhex(B)), (0, b""), "title", False, SET, V_STR, "overschreven", [])
    bad = Op((11, bytes.fromhex(B)), (99, bytes.fromhex(A)), "x", False, SET, V_STR, "?", [])
    change = Change(bytes.fromhex(B), 1, 10, 0, None, heads, [good, bad], b"")
    encode_change(change)
    with pytest.raises(DecodeError, match="unknown object"):
        doc.apply_changes([change.raw])
    assert doc.to_py() == before
    assert doc.get_heads() == heads
    assert doc.get_missing_deps() == []


def test_a_change_with_a_seq_gap_is_refused() -> None:
    doc = make_initiative()
    op = Op((10, bytes.fromhex(A)), (0, b""), "title", False, SET, V_STR, "x", [])
    change = Change(bytes.fromhex(A), 3, 10, 0, None, doc.get_heads(), [op], b"")
    encode_change(change)
    with pytest.raises(DecodeError, match="seq"):
        doc.apply_changes([change.raw])


def test_a_deeply_nested_document_from_a_peer_reads_without_recursion_errors() -> None:
    hostile = Document(actor=B)
    with hostile.change() as tx:
        obj = ROOT
        for _ in range(3000):
            obj = tx.put_object(obj, "x", ObjType.MAP)
        tx.put(obj, "title", "<script>alert(1)</script>")
    doc = Document.load(hostile.save())
    depth, node = 0, doc.to_py()
    while "x" in node:
        node, depth = node["x"], depth + 1
    assert depth == 3000
    assert node == {"title": "<script>alert(1)</script>"}
    assert len(doc.diff([], doc.get_heads())) == 1


def test_one_document_can_write_changes_for_several_actors() -> None:
    doc = make_initiative()
    with doc.change(actor=B) as tx:
        tx.put(ROOT, "title", "door B")
    with doc.change() as tx:
        tx.put(ROOT, "summary", "door A")
    with doc.change(actor=B) as tx:
        tx.put(ROOT, "title", "weer door B")
    changes = [decode_change(c) for c in doc.get_all_changes()]
    assert [(c.actor.hex()[:2], c.seq) for c in changes] == [
        ("aa", 1),
        ("bb", 1),
        ("aa", 2),
        ("bb", 2),
    ]
    assert Document.load(doc.save()).to_py() == doc.to_py()
