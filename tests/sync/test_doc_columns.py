"""The column-at-a-time encoders of a saved document against the plain row-by-row encoders.

doc_columns builds most columns from runs and from the document's structure; what it writes must
be exactly what the straightforward encoders below write for the same rows (they are the encoders
the engine used before, kept here as the definition), or saved documents would change bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.automerge import ROOT, Document, ObjType, doc_columns, doc_format
from sync.automerge import change as ch
from sync.automerge import columns as col
from sync.automerge.change import Change, encode_change
from sync.automerge.errors import DecodeError
from sync.automerge.leb import encode_sleb, encode_uleb, sleb_bytes, uleb_bytes
from sync.automerge.op import Op
from sync.automerge.opset import OpSet
from sync.automerge.values import HEAD, MARK, SET

from .test_properties import DEFAULT, by_merge, make_replicas, scripts, steps

# --- the plain encoders --------------------------------------------------------------------------


def plain_rle(values: list[Any], write: Callable[[bytearray, Any], None]) -> bytes:
    """The reference RleEncoder, one row at a time."""
    out = bytearray()
    literal: list[Any] = []
    leading_nulls = 0
    seen_value = False

    def flush() -> None:
        encode_sleb(-len(literal), out)
        for item in literal:
            write(out, item)
        literal.clear()

    for value, group in groupby(values):
        count = len(list(group))
        if value is None:
            if not seen_value:
                leading_nulls += count
                continue
            if literal:
                flush()
            out.append(0)
            encode_uleb(count, out)
            continue
        if not seen_value:
            seen_value = True
            if leading_nulls:
                out.append(0)
                encode_uleb(leading_nulls, out)
        if count == 1:
            literal.append(value)
        else:
            if literal:
                flush()
            encode_sleb(count, out)
            write(out, value)
    if literal:
        flush()
    return bytes(out)


def write_uleb(out: bytearray, value: int) -> None:
    encode_uleb(value, out)


def write_sleb(out: bytearray, value: int) -> None:
    encode_sleb(value, out)


def write_str(out: bytearray, value: str) -> None:
    raw = value.encode("utf-8")
    encode_uleb(len(raw), out)
    out += raw


def plain_deltas(values: list[int | None]) -> list[int | None]:
    deltas: list[int | None] = []
    previous = 0
    for value in values:
        if value is None:
            deltas.append(None)
        else:
            deltas.append(value - previous)
            previous = value
    return deltas


def plain_boolean(values: list[bool]) -> bytes:
    out = bytearray()
    current, count = False, 0
    for value in values:
        if value == current:
            count += 1
        else:
            encode_uleb(count, out)
            current, count = value, 1
    if count or out:
        encode_uleb(count, out)
    return bytes(out)


def plain_values(ops: list[Op]) -> tuple[list[int], bytes]:
    raw = bytearray()
    return [col.encode_value(op.vtype, op.value, raw) for op in ops], bytes(raw)


def plain_document_order(opset: OpSet) -> Iterator[Op]:
    for obj_id in sorted(opset.objects):
        obj = opset.objects[obj_id]
        if obj.keys is not None:
            for key in sorted(obj.keys, key=lambda k: k.encode("utf-8")):
                yield from obj.keys[key]
        else:
            assert obj.seq is not None
            for elem in obj.seq:
                yield from elem.ops


def plain_op_columns(doc: Document) -> list[tuple[int, bytes]]:
    index = {a: i for i, a in enumerate(sorted(doc._by_actor))}
    ops = list(plain_document_order(doc._opset))
    keys = [op.key for op in ops]
    meta, raw = plain_values(ops)
    succs = [sorted(s.id for s in op.succ) for op in ops]
    flat = [link for group in succs for link in group]
    expand = [op.expand for op in ops]

    def uleb(values: list[Any]) -> bytes:
        return plain_rle(values, write_uleb)

    def delta(values: list[Any]) -> bytes:
        return plain_rle(plain_deltas(values), write_sleb)

    columns = [
        (ch.OBJ_ACTOR, uleb([index[op.obj[1]] if op.obj[0] else None for op in ops])),
        (ch.OBJ_CTR, uleb([op.obj[0] or None for op in ops])),
        (ch.KEY_ACTOR, uleb([None if type(k) is str or not k[0] else index[k[1]] for k in keys])),
        (ch.KEY_CTR, delta([None if type(k) is str else k[0] for k in keys])),
        (ch.KEY_STR, plain_rle([k if type(k) is str else None for k in keys], write_str)),
        (ch.ID_ACTOR, uleb([index[op.id[1]] for op in ops])),
        (ch.ID_CTR, delta([op.id[0] for op in ops])),
        (ch.INSERT, plain_boolean([op.insert for op in ops])),
        (ch.ACTION, uleb([op.action for op in ops])),
        (ch.VALUE_META, uleb(meta)),
        (ch.VALUE_RAW, raw),
        (ch.SUCC_GROUP, uleb([len(group) for group in succs])),
        (ch.SUCC_ACTOR, uleb([index[link[1]] for link in flat])),
        (ch.SUCC_CTR, delta([link[0] for link in flat])),
        (ch.EXPAND, plain_boolean(expand) if any(expand) else b""),
        (ch.MARK_NAME, plain_rle([op.mark_name for op in ops], write_str)),
    ]
    return [(spec, data) for spec, data in columns if data]


def plain_change_columns(doc: Document) -> list[tuple[int, bytes]]:
    changes = doc._changes
    index = {a: i for i, a in enumerate(sorted(doc._by_actor))}
    row_of = {c.hash: i for i, c in enumerate(changes)}
    deps = [row_of[d] for c in changes for d in c.deps]
    columns = [
        (doc_columns.C_ACTOR, plain_rle([index[c.actor] for c in changes], write_uleb)),
        (doc_columns.C_SEQ, plain_rle(plain_deltas([c.seq for c in changes]), write_sleb)),
        (doc_columns.C_MAX_OP, plain_rle(plain_deltas([c.max_op for c in changes]), write_sleb)),
        (doc_columns.C_TIME, plain_rle(plain_deltas([c.time for c in changes]), write_sleb)),
        (doc_columns.C_MESSAGE, plain_rle([c.message for c in changes], write_str)),
        (doc_columns.C_DEPS_N, plain_rle([len(c.deps) for c in changes], write_uleb)),
        (doc_columns.C_DEPS, plain_rle(plain_deltas(deps), write_sleb)),
        (
            doc_columns.C_EXTRA_META,
            plain_rle([(len(c.extra) << 4) | col.V_BYTES for c in changes], write_uleb),
        ),
        (doc_columns.C_EXTRA, b"".join(c.extra for c in changes)),
    ]
    return [(spec, data) for spec, data in columns if data]


def assert_columns_match(doc: Document) -> None:
    index = {a: i for i, a in enumerate(sorted(doc._by_actor))}
    assert doc._rows.row_of == {c.hash: i for i, c in enumerate(doc._changes)}
    fast_ops = [(s, d) for s, d in doc_columns.op_columns(doc._opset, index) if d]
    assert fast_ops == plain_op_columns(doc)
    fast_changes = [(s, d) for s, d in doc_columns.change_columns(doc._rows, index) if d]
    assert fast_changes == plain_change_columns(doc)
    saved = doc_format.encode_document(doc, deflate=False)
    assert Document.load(saved).get_heads() == doc.get_heads()


# --- single columns ------------------------------------------------------------------------------

small_ints = st.one_of(st.none(), st.integers(0, 3), st.integers(0, 1 << 20), st.just(1 << 64))
signed_ints = st.one_of(st.none(), st.integers(-3, 3), st.integers(-(1 << 40), 1 << 40))
strings = st.one_of(st.none(), st.sampled_from(["", "a", "by", "ü"]), st.text(max_size=20))


@given(st.lists(small_ints, max_size=60))
def test_uleb_columns_match_the_plain_encoder(values: list[int | None]) -> None:
    assert col.encode_uleb_column(values) == plain_rle(values, write_uleb)


@given(st.lists(signed_ints, max_size=60))
def test_delta_columns_match_the_plain_encoder(values: list[int | None]) -> None:
    expected = plain_rle(plain_deltas(values), write_sleb)
    assert col.encode_delta_column(values) == expected
    assert col.encode_sleb_column(col.deltas(values)) == expected


@given(st.lists(strings, max_size=60))
def test_string_columns_match_the_plain_encoder(values: list[str | None]) -> None:
    assert col.encode_string_column(values) == plain_rle(values, write_str)


@given(st.lists(st.booleans(), max_size=60))
def test_boolean_columns_match_the_plain_encoder(values: list[bool]) -> None:
    assert col.encode_boolean_column(values) == plain_boolean(values)


def split_into_runs(values: list[Any], cuts: list[int]) -> list[tuple[Any, int]]:
    """Arbitrary (value, count) pairs for the rows: neighbours may repeat, counts may be 0."""
    pairs: list[tuple[Any, int]] = []
    for position, value in enumerate(values):
        pairs.append((value, 1))
        if position < len(cuts) and cuts[position] == 0:
            pairs.append((value, 0))
    return pairs


@given(
    st.lists(small_ints, max_size=40),
    st.lists(signed_ints, max_size=40),
    st.lists(strings, max_size=40),
    st.lists(st.booleans(), max_size=40),
    st.lists(st.integers(0, 3), max_size=40),
)
def test_columns_given_as_runs_match_the_plain_encoders(
    unsigned: list[int | None],
    signed: list[int | None],
    texts: list[str | None],
    flags: list[bool],
    cuts: list[int],
) -> None:
    assert col.encode_uleb_runs(split_into_runs(unsigned, cuts)) == plain_rle(unsigned, write_uleb)
    assert col.encode_sleb_runs(split_into_runs(signed, cuts)) == plain_rle(signed, write_sleb)
    assert col.encode_string_runs(split_into_runs(texts, cuts)) == plain_rle(texts, write_str)
    assert col.encode_boolean_runs(split_into_runs(flags, cuts)) == plain_boolean(flags)


def test_leb_tables_agree_with_the_loops_around_their_edges() -> None:
    from sync.automerge.leb import TABLE_SIZE

    for n in [*range(300), *range(TABLE_SIZE - 300, TABLE_SIZE + 300), 1 << 63]:
        out = bytearray()
        encode_uleb(n, out)
        assert uleb_bytes(n) == bytes(out)
    for n in [*range(-TABLE_SIZE - 300, -TABLE_SIZE + 300), *range(-300, 300)]:
        for value in (n, -n):
            out = bytearray()
            encode_sleb(value, out)
            assert sleb_bytes(value) == bytes(out)
    with pytest.raises(ValueError):
        col.encode_uleb_column([1, 2, -1])


# --- whole documents -----------------------------------------------------------------------------


@DEFAULT
@given(base_script=scripts, steps_=steps)
def test_random_documents_get_the_columns_of_the_plain_encoders(
    base_script: list[Any], steps_: list[Any]
) -> None:
    base, replicas = make_replicas(base_script, steps_)
    for doc in [base.doc, *(r.doc for r in replicas), by_merge(replicas, (2, 0, 1))]:
        assert_columns_match(doc)
        assert_columns_match(Document.load(doc.save()))


def typed_document() -> Document:
    """Text typed a character per change, comments, overwritten and deleted list items."""
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        items = tx.put_object(ROOT, "items", ObjType.LIST)
    for i, char in enumerate("Hallo wêreld, 🌱 groeit! " * 3):
        with doc.change(time=1 + i // 7) as tx:
            tx.splice_text(body, i, 0, char)
    for i in range(12):
        with doc.change(time=100) as tx:
            comment = tx.insert_object(items, i, ObjType.MAP)
            tx.put(comment, "by", f"p{i % 3}")
            tx.put(comment, "text", "x" * (i * 3))  # values of 16 bytes and more
            tx.put(comment, "n", i * 1000 - 5000)
    with doc.change(time=200) as tx:
        tx.splice_text(body, 3, 4, "")
        tx.put(ROOT, "long", "y" * 300)
        tx.delete(items, 2)
    other = doc.fork(actor="bb" * 16)
    with other.change(time=300, message="van bb") as tx:
        tx.splice_text(body, 0, 0, "Ja! ")
        tx.put(ROOT, "title", "Moestuin")
    doc.merge(other)
    with doc.change(time=400) as tx:
        tx.splice_text(body, 10, 0, "...")
    return doc


def test_a_typed_and_edited_document_gets_the_columns_of_the_plain_encoders() -> None:
    doc = typed_document()
    assert len(doc._by_actor) == 2
    assert_columns_match(doc)
    single = Document(actor="cc" * 16)
    with single.change(time=5) as tx:
        text = tx.put_object(ROOT, "t", ObjType.TEXT)
    for i in range(40):
        with single.change(time=5) as tx:
            tx.splice_text(text, i // 2, 0, "ab"[i % 2])
    assert_columns_match(single)


def test_rolled_back_ops_and_changes_leave_no_rows_behind() -> None:
    """Sequence blocks and the change rows are written as ops and changes arrive; a change that
    fails locally, or a batch with a bad change, must take its rows out again, also from the
    middle of split blocks whose elements hold several ops."""
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        items = tx.put_object(ROOT, "items", ObjType.LIST)
        text = tx.put_object(ROOT, "text", ObjType.TEXT)
        tx.splice_text(text, 0, 0, "x" * 300)
    for i in range(300):
        with doc.change(time=2) as tx:
            tx.insert(items, i, i)
    for i in range(0, 300, 7):
        with doc.change(time=3) as tx:
            tx.put(items, i, -i)  # elements with two ops, spread over the blocks
    clean = doc.save()
    with pytest.raises(RuntimeError), doc.change(time=4) as tx:
        tx.put(items, 14, "again")  # a third op on an element
        tx.put(items, 15, "other")
        tx.insert(items, 150, "new")
        tx.insert(items, 0, "first")
        tx.splice_text(text, 100, 5, "abc")
        tx.delete(items, 200)
        raise RuntimeError("abandoned")
    assert doc.save() == clean
    assert_columns_match(doc)

    actor = bytes.fromhex("bb" * 16)
    heads = doc.get_heads()
    start = doc._opset.max_op + 1
    good = Change(
        actor, 1, start, 0, None, heads, [Op((start, actor), items, HEAD, True, SET, 4, 7, [])], b""
    )
    encode_change(good)
    bad = Change(
        actor,
        1,
        start,
        0,
        "twice seq 1",
        heads,
        [Op((start, actor), items, HEAD, True, SET, 4, 8, [])],
        b"",
    )
    encode_change(bad)
    with pytest.raises(DecodeError):
        doc.apply_changes([good.raw, bad.raw])
    assert doc.save() == clean
    assert_columns_match(doc)
    doc.apply_changes([good.raw])
    assert_columns_match(doc)
    assert Document.load(doc.save()).save() == doc.save()


def foreign_change(doc: Document, actor: bytes, ops: list[Op]) -> bytes:
    """A change our API never makes (marks, expand on a plain op), encoded as a peer would."""
    start = doc._opset.max_op + 1
    for k, op in enumerate(ops):
        op.id = (start + k, actor)
    change = Change(actor, 1, start, 0, None, doc.get_heads(), ops, b"")
    encode_change(change)
    return change.raw


def test_marks_and_expand_flags_get_the_columns_of_the_plain_encoders() -> None:
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        text = tx.put_object(ROOT, "t", ObjType.TEXT)
        tx.splice_text(text, 0, 0, "abc")
    assert not doc._opset.has_mark_data
    text_id = (text.counter, text.actor)
    first = doc._opset.objects[text_id].seq
    assert first is not None
    elems = [e.id for e in first]
    actor = bytes.fromhex("dd" * 8)
    marks = [
        Op((0, b""), text_id, HEAD, True, MARK, col.V_TRUE, True, [], True, "bold"),
        Op((0, b""), text_id, elems[1], True, MARK, col.V_NULL, None, [], True, None),
        Op((0, b""), (0, b""), "plain", False, SET, col.V_INT, 7, [], True, None),
    ]
    doc.apply_changes([foreign_change(doc, actor, marks)])
    assert doc._opset.has_mark_data
    assert_columns_match(doc)
    assert Document.load(doc.save()).save() == doc.save()


def test_a_value_of_a_type_code_this_engine_does_not_know_is_kept() -> None:
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        tx.put(ROOT, "a", 1.5)
        tx.put(ROOT, "b", b"\x00\x01")
    actor = bytes.fromhex("ee" * 8)
    unknown = Op((0, b""), (0, b""), "c", False, SET, 12, b"\x05" * 20, [])
    doc.apply_changes([foreign_change(doc, actor, [unknown])])
    assert_columns_match(doc)
    assert struct.pack("<d", 1.5) in doc_format.encode_document(doc, deflate=False)


def test_an_empty_actor_id_is_not_mistaken_for_the_head_element() -> None:
    doc = Document(actor="aa" * 16)
    with doc.change(time=1) as tx:
        items = tx.put_object(ROOT, "items", ObjType.LIST)
        tx.insert(items, 0, "first")
    items_id = (items.counter, items.actor)
    nobody = [Op((0, b""), items_id, HEAD, True, SET, col.V_STR, "zero", [])]
    doc.apply_changes([foreign_change(doc, b"", nobody)])
    assert b"" in doc._by_actor
    inserted = doc._opset.max_op
    after_nobody = [Op((0, b""), items_id, (inserted, b""), True, SET, col.V_STR, "one", [])]
    doc.apply_changes([foreign_change(doc, bytes.fromhex("ff" * 4), after_nobody)])
    assert_columns_match(doc)
