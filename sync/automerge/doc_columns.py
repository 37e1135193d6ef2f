"""The columns of a document chunk, computed a whole column at a time.

Saving writes a row for every op and every change of the document; with tens of thousands of
them, Python work per row is what a save costs. So each column is taken out with one list
comprehension, runs are found by itertools.groupby, and Python steps once per run, not per row.
Columns that follow from the document's structure (objects, map keys, inserts, sequence numbers)
are built as runs straight away without looking at each op.

The result is byte for byte what the general encoders write for the same rows (change.op_columns,
kept for changes, and the plain column encoders); tests/sync/test_doc_columns.py compares both on
varied documents.
"""

from __future__ import annotations

from itertools import chain, groupby
from typing import TYPE_CHECKING

from . import change as ch
from . import columns as col
from .op import Op
from .values import OpId

if TYPE_CHECKING:
    from .change import Change
    from .opset import OpSet

C_ACTOR, C_SEQ = col.spec(0, col.ACTOR), col.spec(0, col.DELTA)
C_MAX_OP, C_TIME = col.spec(1, col.DELTA), col.spec(2, col.DELTA)
C_MESSAGE = col.spec(3, col.STRING)
C_DEPS_N, C_DEPS = col.spec(4, col.GROUP), col.spec(4, col.DELTA)
C_EXTRA_META, C_EXTRA = col.spec(5, col.VALUE_META), col.spec(5, col.VALUE)


def change_columns(
    changes: list[Change], index: dict[bytes, int], row_of: dict[bytes, int]
) -> list[tuple[int, bytes]]:
    """One row per change, in the order given; deps as row numbers.

    Relies on the order the document keeps: each actor's changes appear with seq 1, 2, 3, ...
    (a change is recorded only if its seq is the next one of its actor), so the seq column
    follows from the actor column.
    """
    count = len(changes)
    actor_runs = [(0, count)] if len(index) == 1 else col.runs([index[c.actor] for c in changes])
    seq_runs: list[tuple[int, int]] = []  # as deltas
    last_seq = [0] * len(index)
    previous = 0
    for actor, rows in actor_runs:
        first = last_seq[actor] + 1
        seq_runs.append((first - previous, 1))
        seq_runs.append((1, rows - 1))
        previous = last_seq[actor] = first + rows - 1
    deps = [c.deps for c in changes]
    extras = [c.extra for c in changes]
    if any(extras):
        extra_meta = col.encode_uleb_column([(len(e) << 4) | col.V_BYTES for e in extras])
    else:
        extra_meta = col.encode_uleb_runs([(col.V_BYTES, count)])
    dep_rows = list(map(row_of.__getitem__, chain.from_iterable(deps)))
    return [
        (C_ACTOR, col.encode_uleb_runs(actor_runs)),
        (C_SEQ, col.encode_sleb_runs(seq_runs)),
        (C_MAX_OP, col.encode_delta_column([c.start_op + len(c.ops) - 1 for c in changes])),
        (C_TIME, col.encode_delta_column([c.time for c in changes])),
        (C_MESSAGE, col.encode_string_column([c.message for c in changes])),
        (C_DEPS_N, col.encode_uleb_column(list(map(len, deps)))),
        (C_DEPS, col.encode_delta_column(dep_rows)),
        (C_EXTRA_META, extra_meta),
        (C_EXTRA, b"".join(extras)),
    ]


def op_columns(opset: OpSet, index: dict[bytes, int]) -> list[tuple[int, bytes]]:
    """The op columns of a document: explicit ids, successors instead of predecessors.

    The object, key string and insert columns come per object, map key and list element as the
    ops are put in order (see _DocumentOrder), so only the columns that differ from op to op look
    at every op.
    """
    order = _DocumentOrder(opset)
    ops = order.ops
    total = len(ops)

    # Keys: map ops have string keys (in order.key_runs), sequence ops element ids. The delta of
    # a key counter is taken from the previous sequence op's, as map keys are nulls there.
    seq_ops = order.seq_ops
    key_ctr: list[int | None] = [None] * total  # as deltas
    key_actor: list[int | None] = [None] * total
    key_ctr_seq = col.deltas([op.key[0] for op in seq_ops])  # type: ignore[misc]
    if b"" in index:  # an empty actor id would look like the head element's (0, b"")
        seq_keys: list[OpId] = [op.key for op in seq_ops]  # type: ignore[misc]
        key_actor_seq = [index[k[1]] if k[0] else None for k in seq_keys]
    else:
        with_head: dict[bytes, int | None] = {**index, b"": None}
        key_actor_seq = [with_head[op.key[1]] for op in seq_ops]  # type: ignore[index]
    for start, seq_start, count in order.seq_slices:
        key_ctr[start : start + count] = key_ctr_seq[seq_start : seq_start + count]
        key_actor[start : start + count] = key_actor_seq[seq_start : seq_start + count]

    if len(index) == 1:
        id_actor = col.encode_uleb_runs([(0, total)])
    else:
        id_actor = col.encode_uleb_column([index[op.id[1]] for op in ops])

    succ_ids: list[OpId] = []
    for op in order.overwritten:
        succ = op.succ
        if succ:
            succ_ids += [succ[0].id] if len(succ) == 1 else sorted([s.id for s in succ])

    meta_runs, raw = _values(ops)
    if opset.has_mark_data:
        expand = [op.expand for op in ops]
        expand_column = col.encode_boolean_column(expand) if True in expand else b""
        mark_column = col.encode_string_column([op.mark_name for op in ops])
    else:  # nothing has ever set them: all false and all null, which are written as nothing
        expand_column = mark_column = b""
    object_runs = order.object_runs
    return [
        (
            ch.OBJ_ACTOR,
            col.encode_uleb_runs([(index[o[1]] if o[0] else None, n) for o, n in object_runs]),
        ),
        (ch.OBJ_CTR, col.encode_uleb_runs([(o[0] or None, n) for o, n in object_runs])),
        (ch.KEY_ACTOR, col.encode_uleb_column(key_actor)),
        (ch.KEY_CTR, col.encode_sleb_column(key_ctr)),
        (ch.KEY_STR, col.encode_string_runs(order.key_runs)),
        (ch.ID_ACTOR, id_actor),
        (ch.ID_CTR, col.encode_delta_column([op.id[0] for op in ops])),
        (ch.INSERT, col.encode_boolean_runs(order.insert_runs)),
        (ch.ACTION, col.encode_uleb_column([op.action for op in ops])),
        (ch.VALUE_META, col.encode_uleb_runs(meta_runs)),
        (ch.VALUE_RAW, raw),
        (ch.SUCC_GROUP, col.encode_uleb_runs(order.succ_runs)),
        (ch.SUCC_ACTOR, col.encode_uleb_column([index[i[1]] for i in succ_ids])),
        (ch.SUCC_CTR, col.encode_delta_column([i[0] for i in succ_ids])),
        (ch.EXPAND, expand_column),
        (ch.MARK_NAME, mark_column),
    ]


class _DocumentOrder:
    """Every stored op (deletes excluded) in the order a document chunk lists them: objects root
    first then by id; map keys in UTF-8 byte order, ops by id; sequences in element order, each
    element's insert op then its other ops.

    Alongside come the columns that follow from that structure, as runs. They rely on what the op
    set guarantees: map ops have string keys and are never inserts (check_change refuses anything
    else, local puts never insert); sequence ops have element ids as keys; an element holding a
    single op holds its insert op; no op of an object that was never overwritten has successors.
    """

    __slots__ = (
        "insert_runs",
        "key_runs",
        "object_runs",
        "ops",
        "overwritten",
        "seq_ops",
        "seq_slices",
        "succ_runs",
    )

    def __init__(self, opset: OpSet) -> None:
        ops: list[Op] = []
        extend = ops.extend
        self.ops = ops
        self.seq_ops: list[Op] = []  # the ops of sequences, in the same order
        self.seq_slices: list[tuple[int, int, int]] = []  # (start in ops, in seq_ops, count)
        self.object_runs: list[tuple[OpId, int]] = []
        self.key_runs: list[tuple[str | None, int]] = []
        self.insert_runs: list[tuple[bool, int]] = []
        self.succ_runs: list[tuple[int, int]] = []  # successor counts
        self.overwritten: list[Op] = []  # the ops of objects where some op has successors
        objects = opset.objects
        for obj_id in sorted(objects):
            obj = objects[obj_id]
            before = len(ops)
            if obj.keys is not None:
                keys = obj.keys
                # Code point order is UTF-8 byte order, and every stored key encodes (it was
                # hashed into a change), so plain str sorting gives the byte order.
                for key in sorted(keys):
                    bucket = keys[key]
                    extend(bucket)
                    self.key_runs.append((key, len(bucket)))
                count = len(ops) - before
                self.insert_runs.append((False, count))
            else:
                assert obj.seq is not None
                elements = 0
                for block in obj.seq.blocks:
                    elements += len(block.elems)
                    for elem in block.elems:
                        extend(elem.ops)
                count = len(ops) - before
                self.seq_slices.append((before, len(self.seq_ops), count))
                mine = ops[before:]
                self.seq_ops += mine
                self.key_runs.append((None, count))
                if count == elements:
                    self.insert_runs.append((True, count))
                else:
                    self.insert_runs += col.runs([op.insert for op in mine])
            self.object_runs.append((obj_id, count))
            if obj.overwritten:
                mine = ops[before:]
                self.overwritten += mine
                self.succ_runs += col.runs([len(op.succ) for op in mine])
            else:
                self.succ_runs.append((0, count))


def _values(ops: list[Op]) -> tuple[list[tuple[int, int]], bytes]:
    """The value metadata column as (len << 4 | type, count) runs, and the raw value bytes.

    Strings, nulls and booleans are by far the most common values, so they are encoded inline;
    the rest go through columns.encode_value."""
    vtypes = [op.vtype for op in ops]
    pieces = [
        value.encode() if vtype == col.V_STR else b"" if vtype <= col.V_TRUE else _raw(vtype, value)
        for vtype, value in zip(vtypes, [op.value for op in ops], strict=True)
    ]
    raw = b"".join(pieces)
    try:
        lengths = bytes(map(len, pieces))
        types = bytes(vtypes)
    except ValueError:  # a value of 256 bytes or more
        lengths = types = b"\xff"
    if max(lengths, default=0) < 16 and max(types, default=0) < 16:
        # Every metadata word fits a byte, so all of them are computed at once, as the bytes of
        # one big integer: (lengths << 4) | types, byte by byte, with nothing carried over.
        size = len(types)
        words = (int.from_bytes(lengths) << 4 | int.from_bytes(types)).to_bytes(size)
        return col.runs(words), raw
    lengths_of = map(len, pieces)
    return [
        ((length << 4) | vtype, len(list(group)))
        for (vtype, length), group in groupby(zip(vtypes, lengths_of, strict=True))
    ], raw


def _raw(vtype: int, value: object) -> bytes:
    out = bytearray()
    col.encode_value(vtype, value, out)
    return bytes(out)
