"""Building an op set straight from a loaded document chunk, instead of applying its changes op
by op (rust/automerge/src/storage/load/reconstruct_document.rs builds its op set the same way).

A saved document already lists every op where it belongs: map ops by key, then id; list and text
elements in document order, each element's insert op followed by the ops on it. Applying the
changes one op at a time searched for every element's place again (RGA integration) and grew
every sequence block by inserts in the middle; for a node taking in thousands of documents from
a peer that was most of the work. Here each change is checked by `OpSet.check_change`, in the
order the changes would apply, and its ops are then put in place in one pass.

The result must be exactly what applying the changes gives, so the stored element order is only
taken when it is the order integration produces: a depth-first walk of the insert tree, each
element's later siblings before its earlier ones (descending ids), every element's id above the
element it was inserted after. Anything else, and any op that would not apply, answers None: the
caller then applies the changes one by one, which gives the same document or the same error.
"""

from __future__ import annotations

from itertools import chain
from operator import sub

from .change import Change
from .errors import DecodeError
from .op import Op
from .opset import ObjState, OpSet
from .sequence import BLOCK_MAX, Block, Element, Sequence, value_row
from .values import DEL, HEAD, MAKE_ACTIONS, SET, OpId

FILL = BLOCK_MAX // 2
"""Elements per block when a sequence is built whole: room left for the inserts that follow."""


def build_opset(changes: list[Change], stored_ops: list[Op]) -> OpSet | None:
    """The op set of a document whose changes are `changes` (in stored order, each with its ops
    and preds rebuilt) and whose document chunk listed `stored_ops` (deletes are not stored), or
    None when it cannot be built directly (see the module docstring). On None, every op is as
    it was decoded, ready to be applied."""
    try:
        opset = _build(changes, stored_ops)
    except (KeyError, TypeError, ValueError, AttributeError):
        opset = None
    if opset is None:
        for change in changes:
            for op in change.ops:
                op.succ = ()
                op.elem = None
    return opset


def _build(changes: list[Change], stored_ops: list[Op]) -> OpSet | None:
    opset = OpSet()
    objects = opset.objects
    ops = opset.ops
    max_op = 0
    marks = False
    unsorted: list[list[Op]] = []  # element op lists or map buckets to put in id order
    for change in changes:
        try:
            opset.check_change(change)  # the rules every change is applied under
        except DecodeError:
            return None
        for op in change.ops:
            op_id = op.id
            state = objects[op.obj]
            key = op.key
            action = op.action
            seq = state.seq
            placed = seq is not None and (op.insert or action != DEL)
            if placed and not key < op_id:  # type: ignore[operator]  # an element id here
                return None  # placement would depend on the order of arrival
            for p in op.pred:
                target = ops[p]
                target.overwritten_by(op)
                objects[target.obj].overwritten = True
            ops[op_id] = op
            if op_id[0] > max_op:
                max_op = op_id[0]
            if op.expand or op.mark_name is not None:
                marks = True
            if action == DEL:
                continue
            if seq is None:
                if op.vrow is None:
                    op.vrow = value_row(op)
                keys = state.keys
                assert keys is not None
                bucket = keys.get(key)  # type: ignore[arg-type]
                if bucket is None:
                    keys[key] = [op]  # type: ignore[index]
                else:
                    if bucket[-1].id > op_id:
                        unsorted.append(bucket)
                    bucket.append(op)
            elif op.insert:
                elem = Element(op)
                op.elem = elem
                seq.by_id[op_id] = elem
            else:
                elem = seq.by_id[key]  # type: ignore[index]
                op.elem = elem
                if elem.ops[-1].id > op_id:
                    unsorted.append(elem.ops)
                elem.ops.append(op)
            if action in MAKE_ACTIONS:
                objects[op_id] = ObjState(op_id, action, op)
    for bucket in unsorted:
        bucket.sort(key=_op_id)
    if not _place_elements(objects, stored_ops):
        return None
    opset.max_op = max_op
    opset.has_mark_data = marks
    return opset


def _place_elements(objects: dict[OpId, ObjState], stored_ops: list[Op]) -> bool:
    """Put every sequence's elements into blocks in stored order, if that order is the one
    integration gives (a depth-first walk, later siblings first)."""
    order: dict[OpId, list[Element]] = {}
    for op in stored_ops:
        if op.insert:
            elems = order.get(op.obj)
            if elems is None:
                order[op.obj] = elems = []
            elems.append(op.elem)
    for obj_id, state in objects.items():
        seq = state.seq
        if seq is None:
            continue
        elems = order.get(obj_id, [])
        if len(elems) != len(seq.by_id) or not _depth_first(elems):
            return False
        _fill(seq, elems)
    # every stored insert belongs to a sequence (none hides under a map)
    return all(
        (found := objects.get(obj_id)) is not None and found.seq is not None for obj_id in order
    )


def _depth_first(elems: list[Element]) -> bool:
    path: list[OpId] = []  # the element ids from the top of the insert tree down to the last
    last_child: dict[OpId, OpId] = {}
    for elem in elems:
        parent = elem.ops[0].key
        while path and path[-1] != parent:
            path.pop()
        if parent != HEAD and not path:
            return False  # not inserted after an element on the current path
        before = last_child.get(parent)  # type: ignore[arg-type]
        if before is not None and not before > elem.id:
            return False
        last_child[parent] = elem.id  # type: ignore[index]
        path.append(elem.id)
    return True


def _fill(seq: Sequence, elems: list[Element]) -> None:
    """Blocks of FILL elements, each column taken out with one comprehension."""
    width_of = seq.width_of
    text = seq.is_text
    blocks: list[Block] = []
    for start in range(0, len(elems), FILL):
        block = Block(len(blocks))
        block.elems = chunk = elems[start : start + FILL]
        if all(len(elem.ops) == 1 for elem in chunk):
            rows = [elem.ops[0] for elem in chunk]
        else:
            rows = [op for elem in chunk for op in elem.ops]
        width = 0
        for elem in chunk:
            elem.block = block
            only = elem.ops[0] if len(elem.ops) == 1 else None
            if only is not None and not only.succ and only.action == SET:  # nothing else on it
                value = only.value
                w = len(value) if text and type(value) is str else 1
            else:
                w = width_of(elem.winner())
            elem.width = w
            width += w
        ids = [op.id for op in rows]
        keys: list[OpId] = [op.key for op in rows]  # type: ignore[misc]  # element ids
        block.ctr = ctr = [i[0] for i in ids]
        block.actor = [i[1] for i in ids]
        block.kctr = kctr = [k[0] for k in keys]
        block.kactor = [k[1] for k in keys]
        block.dctr = list(map(sub, ctr, chain((0,), ctr)))
        block.dkctr = list(map(sub, kctr, chain((0,), kctr)))
        block.action = [op.action for op in rows]
        values = [op.vrow or value_row(op) for op in rows]  # most as decoded
        block.meta = [m for m, _ in values]
        block.raw = [r for _, r in values]
        block.width = width
        block.nops = len(rows)
        blocks.append(block)
    if blocks:
        seq.blocks = blocks


def _op_id(op: Op) -> OpId:
    return op.id
