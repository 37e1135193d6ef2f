"""Change chunks: one transaction's ops with actor, seq, start op, time, message and deps
(rust/automerge/src/storage/change.rs, storage/change/change_op_columns.rs,
storage/change/change_actors.rs, op_set2/change.rs `build_change_inner`).

The encoder must be byte-identical to the reference: the change hash is SHA-256 over these bytes,
and heads, deps and sync all speak in hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from . import columns as col
from .chunk import CHANGE, DOCUMENT, build_chunk, read_chunk
from .errors import DecodeError
from .leb import read_sleb, read_uleb, sleb_bytes, uleb_bytes
from .op import Op
from .values import DEL, HEAD, INC, MARK, SET, OpId

# Op column specs in a change chunk (column id << 4 | type).
OBJ_ACTOR, OBJ_CTR = col.spec(0, col.ACTOR), col.spec(0, col.ULEB)
KEY_ACTOR, KEY_CTR, KEY_STR = (
    col.spec(1, col.ACTOR),
    col.spec(1, col.DELTA),
    col.spec(1, col.STRING),
)
ID_ACTOR, ID_CTR = col.spec(2, col.ACTOR), col.spec(2, col.DELTA)
INSERT = col.spec(3, col.BOOLEAN)
ACTION = col.spec(4, col.ULEB)
VALUE_META, VALUE_RAW = col.spec(5, col.VALUE_META), col.spec(5, col.VALUE)
PRED_GROUP, PRED_ACTOR, PRED_CTR = (
    col.spec(7, col.GROUP),
    col.spec(7, col.ACTOR),
    col.spec(7, col.DELTA),
)
SUCC_GROUP, SUCC_ACTOR, SUCC_CTR = (
    col.spec(8, col.GROUP),
    col.spec(8, col.ACTOR),
    col.spec(8, col.DELTA),
)
EXPAND = col.spec(9, col.BOOLEAN)
MARK_NAME = col.spec(10, col.STRING)

ROOT_ID: OpId = (0, b"")


@dataclass(slots=True, eq=False)
class Change:
    """A decoded change. `raw` is the uncompressed type-1 chunk the hash was taken over."""

    actor: bytes
    seq: int
    start_op: int
    time: int
    message: str | None
    deps: list[bytes]
    ops: list[Op]
    extra: bytes
    hash: bytes = b""
    raw: bytes = b""
    other_actors: list[bytes] = field(default_factory=list)

    @property
    def max_op(self) -> int:
        return self.start_op + len(self.ops) - 1


def encode_change(change: Change) -> None:
    """Fill change.raw and change.hash from its fields and ops (ops already in id order)."""
    actor = change.actor
    ops = change.ops
    others: set[bytes] = set()
    for op in ops:
        if op.obj[0]:
            others.add(op.obj[1])
        key = op.key
        if type(key) is tuple and key[0]:
            others.add(key[1])
        for p in op.pred:
            others.add(p[1])
    others.discard(actor)
    other_actors = sorted(others)
    index = {a: i + 1 for i, a in enumerate(other_actors)}
    index[actor] = 0

    if len(ops) == 1:
        column_block = single_op_column_block(ops[0], index)
    else:
        column_block = b"".join(col.encode_columns(op_columns(ops, index, document=False)))

    deps = sorted(change.deps)
    message = (change.message or "").encode("utf-8")
    parts = [
        uleb_bytes(len(deps)),
        *deps,
        uleb_bytes(len(actor)),
        actor,
        uleb_bytes(change.seq),
        uleb_bytes(change.start_op),
        sleb_bytes(change.time),
        uleb_bytes(len(message)),
        message,
        uleb_bytes(len(other_actors)),
    ]
    for other in other_actors:
        parts.append(uleb_bytes(len(other)))
        parts.append(other)
    parts += (column_block, change.extra)
    change.deps = deps
    change.other_actors = other_actors
    change.raw, change.hash = build_chunk(CHANGE, b"".join(parts))


def op_columns(ops: list[Op], index: dict[bytes, int], document: bool) -> list[tuple[int, bytes]]:
    """The op columns of a change (implicit ids, preds) or a document (explicit ids, succs)."""
    objs = [op.obj for op in ops]
    keys = [op.key for op in ops]
    vrows = [op.vrow for op in ops]
    if None in vrows:
        buffer = bytearray()
        encode_value = col.encode_value
        meta = [encode_value(op.vtype, op.value, buffer) for op in ops]
        raw: bytes | bytearray = buffer
    else:  # as decoded (or kept by the op set): the same bytes
        meta = [row[0] for row in vrows]  # type: ignore[index]
        raw = b"".join([row[1] for row in vrows])  # type: ignore[index]
    if document:
        links: list[Any] = [sorted(s.id for s in op.succ) if op.succ else () for op in ops]
    else:
        links = [op.pred for op in ops]
    flat = [link for group in links for link in group]
    expand = [op.expand for op in ops]
    columns = [
        (OBJ_ACTOR, col.encode_uleb_column([index[o[1]] if o[0] else None for o in objs])),
        (OBJ_CTR, col.encode_uleb_column([o[0] or None for o in objs])),
        (
            KEY_ACTOR,
            col.encode_uleb_column(
                [None if isinstance(k, str) or not k[0] else index[k[1]] for k in keys]
            ),
        ),
        (KEY_CTR, col.encode_delta_column([None if isinstance(k, str) else k[0] for k in keys])),
        (KEY_STR, col.encode_string_column([k if isinstance(k, str) else None for k in keys])),
    ]
    if document:
        columns.append((ID_ACTOR, col.encode_uleb_column([index[op.id[1]] for op in ops])))
        columns.append((ID_CTR, col.encode_delta_column([op.id[0] for op in ops])))
    link_group, link_actor, link_ctr = (
        (SUCC_GROUP, SUCC_ACTOR, SUCC_CTR) if document else (PRED_GROUP, PRED_ACTOR, PRED_CTR)
    )
    columns += [
        (INSERT, col.encode_boolean_column([op.insert for op in ops])),
        (ACTION, col.encode_uleb_column([op.action for op in ops])),
        (VALUE_META, col.encode_uleb_column(meta)),
        (VALUE_RAW, bytes(raw)),
        (link_group, col.encode_uleb_column([len(group) for group in links])),
        (link_actor, col.encode_uleb_column([index[link[1]] for link in flat])),
        (link_ctr, col.encode_delta_column([link[0] for link in flat])),
        (EXPAND, col.encode_boolean_column(expand) if any(expand) else b""),
        (MARK_NAME, col.encode_string_column([op.mark_name for op in ops])),
    ]
    return columns


def single_op_column_block(op: Op, index: dict[bytes, int]) -> bytes:
    """Column metadata then column data of a one-op change, written directly: every column is
    one literal run. Most changes hold a single op (a typed character, a put), and loading a
    document re-encodes every change, so this is the hot path of both. The same bytes as
    col.encode_columns(op_columns([op], ...)) (tests/sync/test_changes.py checks both paths)."""
    obj = op.obj
    key = op.key
    pred = op.pred
    vtype = op.vtype
    if vtype == col.V_STR:
        raw = op.value.encode("utf-8")
        meta = (len(raw) << 4) | col.V_STR
    elif vtype <= col.V_TRUE:
        raw = b""
        meta = vtype
    else:
        buffer = bytearray()
        meta = col.encode_value(vtype, op.value, buffer)
        raw = bytes(buffer)
    specs: list[int] = []
    payloads: list[bytes] = []
    if obj[0]:
        specs += (OBJ_ACTOR, OBJ_CTR)
        payloads += (b"\x7f" + uleb_bytes(index[obj[1]]), b"\x7f" + uleb_bytes(obj[0]))
    if isinstance(key, str):
        specs.append(KEY_STR)
        payloads.append(b"\x7f" + col.str_bytes(key))
    elif key[0]:
        specs += (KEY_ACTOR, KEY_CTR)
        payloads += (b"\x7f" + uleb_bytes(index[key[1]]), b"\x7f" + sleb_bytes(key[0]))
    else:
        specs.append(KEY_CTR)
        payloads.append(b"\x7f\x00")
    specs += (INSERT, ACTION, VALUE_META)
    payloads += (
        b"\x00\x01" if op.insert else b"\x01",
        b"\x7f" + uleb_bytes(op.action),
        b"\x7f" + uleb_bytes(meta),
    )
    if raw:
        specs.append(VALUE_RAW)
        payloads.append(raw)
    specs.append(PRED_GROUP)
    payloads.append(b"\x7f" + uleb_bytes(len(pred)))
    if len(pred) == 1:
        specs += (PRED_ACTOR, PRED_CTR)
        payloads += (b"\x7f" + uleb_bytes(index[pred[0][1]]), b"\x7f" + sleb_bytes(pred[0][0]))
    elif pred:
        specs += (PRED_ACTOR, PRED_CTR)
        payloads += (
            col.encode_uleb_column([index[p[1]] for p in pred]),
            col.encode_delta_column([p[0] for p in pred]),
        )
    if op.expand:
        specs.append(EXPAND)
        payloads.append(b"\x00\x01")
    if op.mark_name is not None:
        specs.append(MARK_NAME)
        payloads.append(b"\x7f" + col.str_bytes(op.mark_name))
    sizes = list(map(len, payloads))
    if specs[-1] < 0x80 and max(sizes) < 0x80:  # specs ascend: the last is the largest
        head = bytes((len(specs), *chain.from_iterable(zip(specs, sizes, strict=True))))
    else:
        head = b"".join(
            [
                uleb_bytes(len(specs)),
                *map(uleb_bytes, chain.from_iterable(zip(specs, sizes, strict=True))),
            ]
        )
    return head + b"".join(payloads)


def decode_change(data: bytes) -> Change:
    """Decode one change chunk (type 1 or 2); DecodeError for anything else or trailing bytes."""
    try:
        chunk, end = read_chunk(bytes(data), 0)
    except IndexError:
        raise DecodeError("truncated chunk", 0) from None
    if end != len(data):
        raise DecodeError("bytes after the change chunk", end)
    if chunk.chunk_type == DOCUMENT:
        raise DecodeError("expected a change chunk, got a document", 0)
    return parse_change_body(chunk.data, chunk.hash)


def _read_bytes(data: bytes, pos: int, what: str) -> tuple[bytes, int]:
    length, pos = read_uleb(data, pos)
    end = pos + length
    if end > len(data):
        raise DecodeError(f"{what} runs past the end of the change", pos)
    return data[pos:end], end


def parse_change_body(data: bytes, digest: bytes) -> Change:
    pos = 0
    ndeps, pos = read_uleb(data, pos)
    if pos + 32 * ndeps > len(data):
        raise DecodeError("dependency list runs past the end of the change", pos)
    deps = [data[pos + 32 * i : pos + 32 * i + 32] for i in range(ndeps)]
    pos += 32 * ndeps
    if deps != sorted(deps):
        raise DecodeError("change dependencies are not sorted", pos)
    actor, pos = _read_bytes(data, pos, "actor")
    seq, pos = read_uleb(data, pos)
    start_op, pos = read_uleb(data, pos)
    time, pos = read_sleb(data, pos)
    message_bytes, pos = _read_bytes(data, pos, "message")
    try:
        message = message_bytes.decode("utf-8") or None
    except UnicodeDecodeError:
        raise DecodeError("change message is not valid UTF-8", pos) from None
    nothers, pos = read_uleb(data, pos)
    if nothers > len(data):
        raise DecodeError("too many actors", pos)
    other_actors: list[bytes] = []
    for _ in range(nothers):
        other, pos = _read_bytes(data, pos, "actor")
        other_actors.append(other)
    if seq < 1 or start_op < 1:
        raise DecodeError("change seq and start op must be at least 1", pos)
    meta, pos = col.read_column_meta(data, pos)
    cols, pos = col.slice_columns(meta, data, pos, allow_deflate=False)
    extra = data[pos:]
    actors = [actor, *other_actors]
    ops = decode_ops(cols, actors, start_op, actor, is_document=False)
    change = Change(
        actor, seq, start_op, time, message, deps, ops, bytes(extra), digest, b"", other_actors
    )
    change.raw, _ = build_chunk(CHANGE, bytes(data))
    return change


def decode_ops(
    cols: dict[int, bytes],
    actors: list[bytes],
    start_op: int,
    author: bytes,
    is_document: bool,
) -> list[Op]:
    """Read the op columns. For changes, ids are implicit and preds given; for documents, ids are
    explicit and succs given (returned on op.pred as *successor* ids for the caller to invert)."""
    get = cols.get
    action = col.decode_uleb_column(get(ACTION, b""))
    n = len(action)
    if is_document:
        id_actor = col.decode_uleb_column(get(ID_ACTOR, b""))
        id_ctr = col.decode_delta_column(get(ID_CTR, b""))
        n = max(n, len(id_ctr))
    insert = col.decode_boolean_column(get(INSERT, b""))
    obj_actor = col.decode_uleb_column(get(OBJ_ACTOR, b""))
    obj_ctr = col.decode_uleb_column(get(OBJ_CTR, b""))
    key_actor = col.decode_uleb_column(get(KEY_ACTOR, b""))
    key_ctr = col.decode_delta_column(get(KEY_CTR, b""))
    key_str = col.decode_string_column(get(KEY_STR, b""))
    value_rows: list[tuple[int, bytes] | None] = []
    values = col.decode_values(get(VALUE_META, b""), get(VALUE_RAW, b""), value_rows)
    link_group, link_actor, link_ctr = (
        (SUCC_GROUP, SUCC_ACTOR, SUCC_CTR) if is_document else (PRED_GROUP, PRED_ACTOR, PRED_CTR)
    )
    group = col.decode_uleb_column(get(link_group, b""))
    l_actor = col.decode_uleb_column(get(link_actor, b""))
    l_ctr = col.decode_delta_column(get(link_ctr, b""))
    expand = col.decode_boolean_column(get(EXPAND, b""))
    mark_name = col.decode_string_column(get(MARK_NAME, b""))
    for name, column in (
        ("insert", insert),
        ("object", obj_ctr),
        ("object actor", obj_actor),
        ("key", key_ctr),
        ("key actor", key_actor),
        ("key string", key_str),
        ("value", values),
        ("pred/succ", group),
        ("expand", expand),
        ("mark name", mark_name),
    ):
        if len(column) > n:
            raise DecodeError(f"{name} column is longer than the action column")
    total_links = 0
    for g in group:
        total_links += g or 0
    if len(l_ctr) != total_links or len(l_actor) != total_links:
        raise DecodeError("pred/succ columns do not match their group counts")
    if is_document and len(id_ctr) != n:
        raise DecodeError("op id column does not match the action column")

    def padded(column: list, fill: object = None) -> list:  # type: ignore[type-arg]
        return column + [fill] * (n - len(column)) if len(column) < n else column

    insert = padded(insert, False)
    obj_ctr, obj_actor = padded(obj_ctr), padded(obj_actor)
    key_ctr, key_actor, key_str = padded(key_ctr), padded(key_actor), padded(key_str)
    values = padded(values, (0, None))
    group = padded(group, 0)
    expand, mark_name = padded(expand, False), padded(mark_name)
    if is_document:
        id_actor = padded(id_actor)

    ops: list[Op] = []
    link = 0
    # Actor indexes are looked up directly: the columns are padded to n and the link columns
    # were checked against the group counts, so an IndexError here is an actor index out of range.
    i = 0
    try:
        for i in range(n):
            act = action[i] if i < len(action) else None
            if act is None or act > MARK:
                raise DecodeError(f"op {i}: unknown or missing action {act}")
            octr, oact = obj_ctr[i], obj_actor[i]
            if octr is None and oact is None:
                obj = ROOT_ID
            elif octr is None or oact is None or octr == 0:
                raise DecodeError(f"op {i}: malformed object id")
            else:
                obj = (octr, actors[oact])
            kstr = key_str[i]
            if kstr is not None:
                key: str | OpId = kstr
            else:
                kctr, kact = key_ctr[i], key_actor[i]
                if kctr == 0 and kact is None:
                    key = HEAD
                elif kctr is None or kact is None or kctr <= 0:
                    raise DecodeError(f"op {i}: malformed key")
                else:
                    key = (kctr, actors[kact])
            vtype, value = values[i]
            links: list[OpId] = []
            for _ in range(group[i] or 0):
                lctr, lact = l_ctr[link], l_actor[link]
                link += 1
                if lctr is None or lctr <= 0 or lact is None:
                    raise DecodeError(f"op {i}: malformed pred/succ id")
                links.append((lctr, actors[lact]))
            if is_document:
                ictr, iact = id_ctr[i], id_actor[i]
                if ictr is None or ictr <= 0 or iact is None:
                    raise DecodeError(f"op {i}: malformed op id")
                op_id = (ictr, actors[iact])
            else:
                op_id = (start_op + i, author)
            if act == INC and vtype not in (col.V_INT, col.V_UINT):
                raise DecodeError(f"op {i}: increment by a non-integer")
            if act == DEL and vtype != col.V_NULL:
                raise DecodeError(f"op {i}: delete with a value")
            if act != SET and act != INC and act != MARK and vtype != col.V_NULL:
                raise DecodeError(f"op {i}: object creation with a value")
            op = Op(op_id, obj, key, insert[i], act, vtype, value, links, expand[i], mark_name[i])
            if i < len(value_rows):
                op.vrow = value_rows[i]
            if not is_document and links != sorted(links):
                raise DecodeError(f"op {i}: preds are not in order")
            ops.append(op)
    except IndexError:
        raise DecodeError(f"op {i}: actor index out of range") from None
    return ops
