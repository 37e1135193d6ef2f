"""Loading a saved document builds its op set in one pass (doc_load); the result must be exactly
what applying its changes one by one gives, down to the bytes a save writes and the documents
further edits make, and a stored order that applying would not give must not be believed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given

from sync.automerge import ROOT, Document, ObjId, ObjType, doc_format, doc_load
from sync.automerge import change as ch
from sync.automerge.errors import DecodeError
from sync.automerge.op import Op
from sync.automerge.opset import OpSet
from sync.automerge.values import SET, V_STR

from .test_doc_columns import assert_columns_match, plain_document_order
from .test_properties import DEFAULT, by_merge, make_replicas, scripts, steps


@contextmanager
def spying() -> Iterator[list[bool]]:
    """Whether each load built its op set directly (True) or fell back to applying (False)."""
    seen: list[bool] = []
    real = doc_load.build_opset

    def spy(changes: list[ch.Change], stored_ops: list[Op]) -> OpSet | None:
        opset = real(changes, stored_ops)
        seen.append(opset is not None)
        return opset

    with patch("sync.automerge.document.build_opset", spy):
        yield seen


def applied(doc: Document) -> Document:
    """The same document, its changes applied one by one (no document chunk involved)."""
    other = Document(actor=doc.actor)
    other.apply_changes(doc.get_all_changes())
    return other


def sequences(doc: Document) -> list[tuple[ObjId, bool]]:
    """Every list and text object, reachable or not, with whether it is text."""
    return sorted(
        (ObjId(*obj_id), state.seq.is_text)
        for obj_id, state in doc._opset.objects.items()
        if state.seq is not None
    )


def edit_everywhere(doc: Document) -> None:
    """The same edits on any copy: into the middle of every list and text, the first element
    deleted, and a put; each in a change of its own (an edit the engine refuses, such as one
    inside a multi-character text element, refuses alike on every copy)."""
    for obj, is_text in sequences(doc):
        length = doc.length(obj)
        with suppress(IndexError), doc.change(time=5, actor="dd" * 16) as tx:
            if is_text:
                tx.splice_text(obj, length // 2, 0, "✂x")
            else:
                tx.insert(obj, length // 2, "midden")
        with suppress(IndexError), doc.change(time=6, actor="dd" * 16) as tx:
            if length:
                tx.delete(obj, 0)
    with doc.change(time=7, actor="dd" * 16) as tx:
        tx.put(ROOT, "after-load", "ja")


def same(loaded: Document, expected: Document) -> None:
    assert loaded.get_heads() == expected.get_heads()
    assert loaded.to_py() == expected.to_py()
    assert loaded.save() == expected.save()
    assert_columns_match(loaded)


def check(doc: Document) -> None:
    slow = applied(doc)
    with spying() as built:
        loaded = Document.load(doc.save())
    assert built == [True], "an honest document is built directly"
    same(loaded, slow)
    for copy in (loaded, slow):
        edit_everywhere(copy)
    same(loaded, slow)


@DEFAULT
@given(base_script=scripts, steps_=steps)
def test_random_documents_load_as_their_changes_apply(
    base_script: list[Any], steps_: list[Any]
) -> None:
    base, replicas = make_replicas(base_script, steps_)
    for doc in [base.doc, *(r.doc for r in replicas), by_merge(replicas, (2, 0, 1))]:
        check(doc)


# --- stored orders that applying would not give --------------------------------------------------


def saved_in_order(doc: Document, reorder: Callable[[list[Op]], list[Op]]) -> bytes:
    """The document saved with its ops listed in `reorder`'s order: what a hostile or broken
    peer could send. The change hashes do not depend on that order, so the heads still check."""

    def columns(opset: OpSet, index: dict[bytes, int]) -> list[tuple[int, bytes]]:
        return ch.op_columns(reorder(list(plain_document_order(opset))), index, True)

    with patch("sync.automerge.doc_columns.op_columns", columns):
        return doc_format.encode_document(doc, deflate=False)


def text_elements(ops: list[Op]) -> list[int]:
    return [i for i, op in enumerate(ops) if op.insert]


def swap_last_two_elements(ops: list[Op]) -> list[Op]:
    *_, a, b = text_elements(ops)  # every element here has just its insert op
    ops = list(ops)
    ops[a], ops[b] = ops[b], ops[a]
    return ops


def typed(*sittings: tuple[str, int, str]) -> tuple[Document, ObjId]:
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        text = tx.put_object(ROOT, "text", ObjType.TEXT)
    for actor, at, chars in sittings:
        with doc.change(time=2, actor=actor) as tx:
            tx.splice_text(text, at, 0, chars)
    return doc, text


def test_the_stored_order_is_the_one_plain_encoders_write() -> None:
    doc, _ = typed(("aa" * 16, 0, "abc"))
    assert saved_in_order(doc, list) == doc_format.encode_document(doc, deflate=False)


@pytest.mark.parametrize(
    "sittings",
    [
        [("aa" * 16, 0, "abc")],  # a chain: c would follow b before b is there
        [("aa" * 16, 0, "x"), ("bb" * 16, 0, "y")],  # siblings at the head, in ascending order
    ],
)
def test_elements_stored_out_of_order_load_as_the_changes_apply(
    sittings: list[tuple[str, int, str]],
) -> None:
    doc, text = typed(*sittings)
    hostile = saved_in_order(doc, swap_last_two_elements)
    assert hostile != doc.save()
    with spying() as built:
        loaded = Document.load(hostile)
    assert built == [False]
    assert loaded.text(text) == doc.text(text)
    same(loaded, applied(doc))


def test_an_insert_numbered_below_the_element_it_follows_is_applied_not_built() -> None:
    """A peer's change may start its op ids anywhere; integration then depends on the order of
    arrival, so the stored order of such an element is not taken."""
    doc, text = typed(("aa" * 16, 0, "abcdef"))
    first = doc._opset.ops[(2, doc.actor)]  # the "a"
    low = Op((0, b""), (1, doc.actor), first.id, True, SET, V_STR, "!", ())
    doc.apply_changes([foreign_change_at(doc, bytes.fromhex("bb" * 16), [low], start=1)])
    assert low.id < first.id and doc.text(text) == "abcdef!"
    with spying() as built:
        loaded = Document.load(doc.save())
    assert built == [False]
    same(loaded, applied(doc))


def foreign_change_at(doc: Document, actor: bytes, ops: list[Op], start: int) -> bytes:
    for k, op in enumerate(ops):
        op.id = (start + k, actor)
    change = ch.Change(actor, 1, start, 0, None, doc.get_heads(), ops, b"")
    ch.encode_change(change)
    return change.raw


def test_a_document_followed_by_a_broken_change_loads_nothing() -> None:
    doc, text = typed(("aa" * 16, 0, "abc"))
    later = Document.load(doc.save(), actor="bb" * 16)
    with later.change(time=3) as tx:
        tx.splice_text(text, 3, 0, "d")
    broken = bytearray(later.get_changes(doc.get_heads())[0])
    broken[-1] ^= 0xFF  # the change's bytes no longer match its checksum
    fresh = Document()
    with pytest.raises(DecodeError):
        fresh.load_incremental(doc.save() + bytes(broken))
    assert fresh.get_heads() == [] and fresh.to_py() == {}
    assert fresh.load_incremental(doc.save()) == len(doc.get_all_changes())
    same(fresh, doc)
