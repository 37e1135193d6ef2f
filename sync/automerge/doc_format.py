"""Document chunks: the compressed columnar save format (rust/automerge/src/storage/document.rs,
storage/document/{doc_change_columns,doc_op_columns,compression}.rs, op_set2/columns.rs export).

A document stores ops once, with successors instead of predecessors and no delete ops, plus one
row per change. Loading rebuilds every change from that (rust/automerge/src/storage/load/
reconstruct_document.rs), re-encodes it and checks the hashes against the stored heads, so a
document that loads is exactly the history it claims to be.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from . import change as ch
from . import columns as col
from . import doc_columns
from .chunk import DOCUMENT, build_chunk
from .doc_columns import (
    C_ACTOR,
    C_DEPS,
    C_DEPS_N,
    C_EXTRA,
    C_EXTRA_META,
    C_MAX_OP,
    C_MESSAGE,
    C_SEQ,
    C_TIME,
)
from .errors import DecodeError
from .leb import encode_uleb, read_uleb
from .op import Op
from .values import DEL, OpId

if TYPE_CHECKING:
    from .document import Document


def encode_document(doc: Document, deflate: bool) -> bytes:
    actors = sorted(doc._by_actor)
    index = {a: i for i, a in enumerate(actors)}
    row_of = doc._rows.row_of

    change_columns = doc_columns.change_columns(doc._rows, index)
    op_columns = doc_columns.op_columns(doc._opset, index)
    change_meta, change_data = col.encode_columns(change_columns, deflate)
    op_meta, op_data = col.encode_columns(op_columns, deflate)

    out = bytearray()
    encode_uleb(len(actors), out)
    for actor in actors:
        encode_uleb(len(actor), out)
        out += actor
    heads = doc.get_heads()
    encode_uleb(len(heads), out)
    for head in heads:
        out += head
    out += change_meta
    out += op_meta
    out += change_data
    out += op_data
    for head in heads:
        encode_uleb(row_of[head], out)
    return build_chunk(DOCUMENT, bytes(out))[0]


def decode_document(data: bytes, digest: bytes) -> list[ch.Change]:
    """Rebuild the changes a document chunk holds, in the order stored (topological)."""
    return decode_document_ops(data, digest)[0]


def decode_document_ops(data: bytes, digest: bytes) -> tuple[list[ch.Change], list[Op]]:
    """The changes, and the ops in the order the document stored them (doc_load builds an op
    set from that order)."""
    pos = 0
    nactors, pos = read_uleb(data, pos)
    if nactors > len(data):
        raise DecodeError("too many actors", pos)
    actors: list[bytes] = []
    for _ in range(nactors):
        length, pos = read_uleb(data, pos)
        if pos + length > len(data):
            raise DecodeError("actor runs past the end of the document", pos)
        actors.append(data[pos : pos + length])
        pos += length
    nheads, pos = read_uleb(data, pos)
    if pos + 32 * nheads > len(data):
        raise DecodeError("heads run past the end of the document", pos)
    heads = [data[pos + 32 * i : pos + 32 * i + 32] for i in range(nheads)]
    pos += 32 * nheads
    change_meta, pos = col.read_column_meta(data, pos)
    op_meta, pos = col.read_column_meta(data, pos)
    change_cols, pos = col.slice_columns(change_meta, data, pos, allow_deflate=True)
    op_cols, pos = col.slice_columns(op_meta, data, pos, allow_deflate=True)
    # The head index section that follows is advisory; heads are checked against the hashes.

    ops = ch.decode_ops(op_cols, actors, 0, b"", is_document=True)
    changes, dep_rows, max_ops = _change_rows(change_cols, actors)
    _attach_ops(changes, max_ops, ops)
    for change, rows in zip(changes, dep_rows, strict=True):
        change.deps = [changes[row].hash for row in rows]  # encode_change sorts them
        ch.encode_change(change)
    computed = {c.hash for c in changes}
    for c in changes:
        computed.difference_update(c.deps)
    if sorted(computed) != sorted(heads):
        raise DecodeError("document heads do not match the changes it holds")
    return changes, ops


def _change_rows(
    cols: dict[int, bytes], actors: list[bytes]
) -> tuple[list[ch.Change], list[list[int]], list[int]]:
    """The change rows; for each, the row indices of its dependencies and its max op."""
    get = cols.get
    actor = col.decode_uleb_column(get(C_ACTOR, b""))
    seq = col.decode_delta_column(get(C_SEQ, b""))
    max_op = col.decode_delta_column(get(C_MAX_OP, b""))
    time = col.decode_delta_column(get(C_TIME, b""))
    message = col.decode_string_column(get(C_MESSAGE, b""))
    ndeps = col.decode_uleb_column(get(C_DEPS_N, b""))
    deps = col.decode_delta_column(get(C_DEPS, b""))
    extras = col.decode_values(get(C_EXTRA_META, b""), get(C_EXTRA, b""))
    n = len(actor)
    if any(len(c) > n for c in (seq, max_op, time, message, ndeps, extras)):
        raise DecodeError("change columns have different lengths")
    changes: list[ch.Change] = []
    dep_rows: list[list[int]] = []
    dep_pos = 0
    last_seq: dict[bytes, tuple[int, int]] = {}
    for i in range(n):
        a = actor[i]
        if a is None or a >= len(actors):
            raise DecodeError(f"change row {i}: actor index out of range")
        who = actors[a]
        s = seq[i] if i < len(seq) else None
        m = max_op[i] if i < len(max_op) else None
        if s is None or m is None or s < 1 or m < 0:
            raise DecodeError(f"change row {i}: missing seq or max op")
        prev_seq, prev_max = last_seq.get(who, (0, 0))
        if s != prev_seq + 1 or m < prev_max:
            raise DecodeError(f"change row {i}: changes of one actor out of order")
        last_seq[who] = (s, m)
        rows: list[int] = []
        for _ in range((ndeps[i] if i < len(ndeps) else 0) or 0):
            if dep_pos >= len(deps):
                raise DecodeError(f"change row {i}: dependency list too short")
            d = deps[dep_pos]
            dep_pos += 1
            if d is None or not 0 <= d < i:
                raise DecodeError(f"change row {i}: dependency on a later or unknown row")
            rows.append(d)
        vtype, value = extras[i] if i < len(extras) else (col.V_BYTES, b"")
        extra = value if vtype == col.V_BYTES and isinstance(value, bytes) else b""
        t = time[i] if i < len(time) else 0
        change = ch.Change(
            who, s, 0, t or 0, message[i] if i < len(message) else None, [], [], extra
        )
        changes.append(change)
        dep_rows.append(rows)
    if dep_pos != len(deps):
        raise DecodeError("dependency column has rows no change accounts for")
    return changes, dep_rows, max_op  # type: ignore[return-value]  # no nulls: checked above


def _attach_ops(changes: list[ch.Change], max_ops: list[int], ops: list[Op]) -> None:
    """Give every change its ops, with preds rebuilt from successors and deletes restored.

    A document keeps no delete ops: a successor id without a row of its own was a delete, of
    every op that lists it, at the key (or list element) of those ops.
    """
    by_id: dict[OpId, Op] = {}
    for op in ops:
        if op.id in by_id:
            raise DecodeError(f"op {op.id[0]} appears twice")
        by_id[op.id] = op
    preds: dict[OpId, list[OpId]] = {}
    deletes: dict[OpId, Op] = {}
    for op in ops:
        for succ in op.pred:  # successor ids, as decoded from a document
            preds.setdefault(succ, []).append(op.id)
            if succ not in by_id and succ not in deletes:
                key = op.id if op.insert else op.key
                deletes[succ] = Op(succ, op.obj, key, False, DEL, 0, None, ())
    for op in [*ops, *deletes.values()]:
        op.pred = tuple(sorted(preds.get(op.id, ())))
    ranges: dict[bytes, tuple[list[int], list[ch.Change]]] = {}
    for change, max_op in zip(changes, max_ops, strict=True):
        maxes, owners = ranges.setdefault(change.actor, ([], []))
        maxes.append(max_op)
        owners.append(change)
    for op in [*ops, *deletes.values()]:
        entry = ranges.get(op.id[1])
        if entry is None:
            raise DecodeError(f"op {op.id[0]} by an actor with no changes")
        maxes, owners = entry
        i = bisect_left(maxes, op.id[0])
        if i == len(maxes):
            raise DecodeError(f"op {op.id[0]} is beyond its actor's last change")
        owners[i].ops.append(op)
    for change, max_op in zip(changes, max_ops, strict=True):
        change.ops.sort(key=_counter)
        change.start_op = max_op - len(change.ops) + 1
        for k, op in enumerate(change.ops):
            if op.id[0] != change.start_op + k:
                raise DecodeError("a change's ops are not consecutive")
            op.succ = ()


def _counter(op: Op) -> int:
    return op.id[0]
