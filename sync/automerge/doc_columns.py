"""The columns of a document chunk, computed a whole column at a time.

Saving writes a row for every op and every change of the document; with tens of thousands of
them, Python work per row is what a save costs. So each column is taken out with one list
comprehension, runs are found by itertools.groupby, and Python steps once per run, not per row.
Columns that follow from the document's structure (objects, map keys, inserts, sequence numbers)
are built as runs straight away without looking at each op, and the ops of lists and text, nearly
all of a document's ops, are already kept as columns by their sequence blocks, so they are joined.

The result is byte for byte what the general encoders write for the same rows (change.op_columns,
kept for changes, and the plain column encoders); tests/sync/test_doc_columns.py compares both on
varied documents.
"""

from __future__ import annotations

from itertools import chain
from operator import sub
from typing import TYPE_CHECKING

from . import change as ch
from . import columns as col
from .op import Op
from .sequence import value_row
from .values import OpId

if TYPE_CHECKING:
    from .change import Change
    from .opset import OpSet

C_ACTOR, C_SEQ = col.spec(0, col.ACTOR), col.spec(0, col.DELTA)
C_MAX_OP, C_TIME = col.spec(1, col.DELTA), col.spec(2, col.DELTA)
C_MESSAGE = col.spec(3, col.STRING)
C_DEPS_N, C_DEPS = col.spec(4, col.GROUP), col.spec(4, col.DELTA)
C_EXTRA_META, C_EXTRA = col.spec(5, col.VALUE_META), col.spec(5, col.VALUE)


class ChangeRows:
    """A document's changes as the change columns list them, kept as changes are recorded.

    One entry per change, in the document's order: actor, max op, time, message, number of
    deps, extra bytes; the deps themselves as row numbers, all in one list. The max op, time and
    dep row columns are delta coded, so they are kept as deltas (from the previous row's value,
    0 for the first). A document only appends changes, or drops the newest ones when a batch is
    rolled back (truncate), and never alters a recorded change, so a save reads these lists
    instead of every change.
    """

    __slots__ = (
        "actor",
        "dep_deltas",
        "extra",
        "last",
        "max_op_deltas",
        "message",
        "ndeps",
        "row_of",
        "time_deltas",
    )

    def __init__(self) -> None:
        self.actor: list[bytes] = []
        self.max_op_deltas: list[int] = []
        self.time_deltas: list[int] = []
        self.message: list[str | None] = []
        self.ndeps: list[int] = []
        self.dep_deltas: list[int] = []
        self.extra: list[bytes] = []
        self.row_of: dict[bytes, int] = {}  # change hash → row
        self.last = (0, 0, 0)  # the last max op, time and dep row, which the next deltas are from

    def append(self, change: Change) -> None:
        """Add the next change; its deps are recorded already (a change follows its deps)."""
        row_of = self.row_of
        deps = change.deps
        row_of[change.hash] = len(self.actor)
        last_max_op, last_time, last_dep = self.last
        max_op = change.start_op + len(change.ops) - 1
        self.actor.append(change.actor)
        self.max_op_deltas.append(max_op - last_max_op)
        self.time_deltas.append(change.time - last_time)
        self.message.append(change.message)
        self.ndeps.append(len(deps))
        for dep in deps:
            row = row_of[dep]
            self.dep_deltas.append(row - last_dep)
            last_dep = row
        self.extra.append(change.extra)
        self.last = (max_op, change.time, last_dep)

    def truncate(self, changes: list[Change], count: int) -> None:
        """Keep the first `count` rows (`changes` are the document's changes before it drops
        the rest)."""
        for change in changes[count:]:
            del self.row_of[change.hash]
        del self.dep_deltas[sum(self.ndeps[:count]) :]
        for column in (
            self.actor,
            self.max_op_deltas,
            self.time_deltas,
            self.message,
            self.ndeps,
            self.extra,
        ):
            del column[count:]
        self.last = (sum(self.max_op_deltas), sum(self.time_deltas), sum(self.dep_deltas))


def change_columns(rows: ChangeRows, index: dict[bytes, int]) -> list[tuple[int, bytes]]:
    """One row per change, in the document's order; deps as row numbers.

    Relies on the order the document keeps: each actor's changes appear with seq 1, 2, 3, ...
    (a change is recorded only if its seq is the next one of its actor), so the seq column
    follows from the actor column.
    """
    count = len(rows.actor)
    one_actor = len(index) == 1
    actor_runs = [(0, count)] if one_actor else col.runs(map(index.__getitem__, rows.actor))
    seq_runs: list[tuple[int, int]] = []  # as deltas
    last_seq = [0] * len(index)
    previous = 0
    for actor, n in actor_runs:
        first = last_seq[actor] + 1
        seq_runs.append((first - previous, 1))
        seq_runs.append((1, n - 1))
        previous = last_seq[actor] = first + n - 1
    extras = rows.extra
    if any(extras):
        extra_meta = col.encode_uleb_column([(len(e) << 4) | col.V_BYTES for e in extras])
    else:
        extra_meta = col.encode_uleb_runs([(col.V_BYTES, count)])
    return [
        (C_ACTOR, col.encode_uleb_runs(actor_runs)),
        (C_SEQ, col.encode_sleb_runs(seq_runs)),
        (C_MAX_OP, col.encode_sleb_column(rows.max_op_deltas)),
        (C_TIME, col.encode_sleb_column(rows.time_deltas)),
        (C_MESSAGE, col.encode_string_column(rows.message)),
        (C_DEPS_N, col.encode_uleb_column(rows.ndeps)),
        (C_DEPS, col.encode_sleb_column(rows.dep_deltas)),
        (C_EXTRA_META, extra_meta),
        (C_EXTRA, col.join_bytes(extras)),
    ]


def op_columns(opset: OpSet, index: dict[bytes, int]) -> list[tuple[int, bytes]]:
    """The op columns of a document: explicit ids, successors instead of predecessors.

    Objects come root first then by id. A map lists its keys in UTF-8 byte order, each key's ops
    by id; its ops are read one by one (maps hold few ops). A sequence lists its elements in
    order, each element's insert op then its other ops; its blocks already hold those rows as
    columns (sequence.Block), counters as deltas, so they are joined, not read op by op (only
    each block's first delta is taken again, from the row before it). Successors, inserts and
    the mark columns come from the ops only where they can differ from the default.

    Relies on what the op set guarantees: map ops have string keys and are never inserts
    (check_change refuses anything else, local puts never insert); sequence ops have element ids
    as keys; an element holding a single op holds its insert op; no op of an object that was
    never overwritten has successors; no op is ever changed once applied, so block rows stay
    true.
    """
    id_deltas: list[int] = []
    id_actor: list[bytes] = []
    key_deltas: list[int | None] = []  # null for map ops, from the last sequence op's otherwise
    key_actors: list[int | None] = []  # indexes, gathered only with more than one actor
    key_actor_runs: list[tuple[int | None, int]] = []  # with one actor: all 0 but nulls
    actions: list[int] = []
    metas: list[int] = []
    raws: list[bytes] = []
    object_runs: list[tuple[OpId, int]] = []
    key_runs: list[tuple[str | None, int]] = []
    insert_runs: list[tuple[bool, int]] = []
    succ_runs: list[tuple[int, int]] = []  # successor counts
    succ_ids: list[OpId] = []
    marked: list[Op] | None = [] if opset.has_mark_data else None  # every op, for those columns
    # With one actor, every id and key actor is index 0 (the head element's is null, see below),
    # so the actor columns are not gathered.
    one_actor = len(index) == 1
    # The head element (0, b"") has a null key actor; an empty actor id would look like the
    # head's actor, so then the counter decides.
    with_head: dict[bytes, int | None] = {**index, b"": None}  # used if no actor is empty
    last_ctr = last_kctr = 0
    total = 0
    objects = opset.objects
    for obj_id in sorted(objects):
        obj = objects[obj_id]
        mine: list[Op] | None = None  # this object's ops, once something needs them
        if obj.keys is not None:
            keys = obj.keys
            mine = []
            # Code point order is UTF-8 byte order, and every stored key encodes (it was hashed
            # into a change), so plain str sorting gives the byte order.
            for key in sorted(keys):
                bucket = keys[key]
                mine += bucket
                key_runs.append((key, len(bucket)))
            nrows = len(mine)
            insert_runs.append((False, nrows))
            if nrows:
                ctrs = [op.id[0] for op in mine]
                id_deltas += map(sub, ctrs, chain((last_ctr,), ctrs))
                last_ctr = ctrs[-1]
            key_deltas += [None] * nrows
            if one_actor:
                key_actor_runs.append((None, nrows))
            else:
                id_actor += [op.id[1] for op in mine]
                key_actors += [None] * nrows
            actions += [op.action for op in mine]
            for op in mine:
                meta, raw = op.vrow or value_row(op)
                metas.append(meta)
                raws.append(raw)
        else:
            seq = obj.seq
            assert seq is not None
            nrows = 0
            for block in seq.blocks:
                n = block.nops
                if not n:
                    continue
                start = len(id_deltas)
                id_deltas += block.dctr
                id_deltas[start] = block.ctr[0] - last_ctr
                last_ctr = block.ctr[-1]
                kctr = block.kctr
                key_deltas += block.dkctr
                key_deltas[start] = kctr[0] - last_kctr
                last_kctr = kctr[-1]
                if one_actor:  # rows keyed by the head element (counter 0) have a null actor
                    at = 0
                    try:
                        while True:
                            head = kctr.index(0, at)
                            key_actor_runs += ((0, head - at), (None, 1))
                            at = head + 1
                    except ValueError:  # no head key after `at`
                        key_actor_runs.append((0, n - at))
                else:
                    id_actor += block.actor
                    if b"" in index:
                        key_actors += [
                            index[a] if c else None for c, a in zip(kctr, block.kactor, strict=True)
                        ]
                    else:
                        key_actors += map(with_head.__getitem__, block.kactor)
                actions += block.action
                metas += block.meta
                raws += block.raw
                nrows += n
            key_runs.append((None, nrows))
            if nrows == len(seq.by_id):  # one op per element: all inserts
                insert_runs.append((True, nrows))
            else:
                mine = [op for elem in seq for op in elem.ops]
                insert_runs += col.runs([op.insert for op in mine])
        total += nrows
        object_runs.append((obj_id, nrows))
        if obj.overwritten or marked is not None:
            if mine is None:
                assert obj.seq is not None
                mine = [op for elem in obj.seq for op in elem.ops]
            if marked is not None:
                marked += mine
        if obj.overwritten:
            assert mine is not None
            succ_runs += col.runs([len(op.succ) for op in mine])
            for op in mine:
                succ = op.succ
                if succ:
                    succ_ids += [succ[0].id] if len(succ) == 1 else sorted([s.id for s in succ])
        else:
            succ_runs.append((0, nrows))

    if one_actor:
        id_actor_column = col.encode_uleb_runs([(0, total)])
        key_actor_column = col.encode_uleb_runs(key_actor_runs)
    else:
        id_actor_column = col.encode_uleb_column(list(map(index.__getitem__, id_actor)))
        key_actor_column = col.encode_uleb_column(key_actors)
    if marked is not None:
        expand = [op.expand for op in marked]
        expand_column = col.encode_boolean_column(expand) if True in expand else b""
        mark_column = col.encode_string_column([op.mark_name for op in marked])
    else:  # nothing has ever set them: all false and all null, which are written as nothing
        expand_column = mark_column = b""
    return [
        (
            ch.OBJ_ACTOR,
            col.encode_uleb_runs([(index[o[1]] if o[0] else None, n) for o, n in object_runs]),
        ),
        (ch.OBJ_CTR, col.encode_uleb_runs([(o[0] or None, n) for o, n in object_runs])),
        (ch.KEY_ACTOR, key_actor_column),
        (ch.KEY_CTR, col.encode_sleb_column(key_deltas)),
        (ch.KEY_STR, col.encode_string_runs(key_runs)),
        (ch.ID_ACTOR, id_actor_column),
        (ch.ID_CTR, col.encode_sleb_column(id_deltas)),
        (ch.INSERT, col.encode_boolean_runs(insert_runs)),
        (ch.ACTION, col.encode_uleb_column(actions)),
        (ch.VALUE_META, col.encode_uleb_column(metas)),
        (ch.VALUE_RAW, col.join_bytes(raws)),
        (ch.SUCC_GROUP, col.encode_uleb_runs(succ_runs)),
        (ch.SUCC_ACTOR, col.encode_uleb_column([index[i[1]] for i in succ_ids])),
        (ch.SUCC_CTR, col.encode_delta_column([i[0] for i in succ_ids])),
        (ch.EXPAND, expand_column),
        (ch.MARK_NAME, mark_column),
    ]
