"""All ops of a document, grouped by object: maps keep every op per key, sequences keep elements
in RGA order (rust/automerge/src/op_set2/op_set.rs).

Changes are checked completely before the first op is applied (`check_change`), so a bad change
never leaves half of itself behind; local transactions can be undone op by op (`undo`).
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterator
from typing import Any

from .change import ROOT_ID, Change
from .errors import DecodeError
from .op import Op
from .sequence import Element, Sequence, value_row
from .values import (
    DEL,
    HEAD,
    MAKE_ACTIONS,
    MAKE_LIST,
    MAKE_MAP,
    MAKE_TABLE,
    MAKE_TEXT,
    MARK,
    OpId,
)


def _op_id(op: Op) -> OpId:
    return op.id


def _where(change: Change, op: Op, what: str) -> str:
    """An error message that says where (built only once there is an error)."""
    return f"change {change.actor.hex()[:8]}/{change.seq}, op {op.id[0]}: {what}"


class ObjState:
    """One object: a map (keys → ops in id order) or a sequence. `op` made it (None for root)."""

    __slots__ = ("id", "keys", "op", "overwritten", "seq", "type")

    def __init__(self, obj_id: OpId, obj_type: int, op: Op | None) -> None:
        self.id = obj_id
        self.type = obj_type
        self.op = op
        # Whether any op here ever got a successor: until one does, saving knows that all of
        # this object's ops have none without looking at them. Never reset by undo.
        self.overwritten = False
        self.keys: dict[str, list[Op]] | None = None
        self.seq: Sequence | None = None
        if obj_type in (MAKE_LIST, MAKE_TEXT):
            self.seq = Sequence(obj_type == MAKE_TEXT)
        else:
            self.keys = {}


class OpSet:
    __slots__ = ("has_mark_data", "max_op", "objects", "ops")

    def __init__(self) -> None:
        self.objects: dict[OpId, ObjState] = {ROOT_ID: ObjState(ROOT_ID, MAKE_MAP, None)}
        self.ops: dict[OpId, Op] = {}
        self.max_op = 0
        # Whether any op ever applied had expand set or a mark name: until one does, saving can
        # leave those two columns empty without looking at every op. Never reset by undo.
        self.has_mark_data = False

    # ------------------------------------------------------------------ applying

    def check_change(self, change: Change) -> None:
        """Raise DecodeError if any op of the change refers to something that does not exist."""
        new_ids: set[OpId] = set()
        new_ops: dict[OpId, Op] = {}
        new_objs: dict[OpId, int] = {}
        new_elems: set[tuple[OpId, OpId]] = set()
        objects = self.objects
        ops = self.ops
        for op in change.ops:
            if op.id in ops or op.id in new_ids:
                raise DecodeError(_where(change, op, "op id used twice"))
            state = objects.get(op.obj)
            obj_type = state.type if state is not None else new_objs.get(op.obj)
            if obj_type is None:
                raise DecodeError(
                    _where(change, op, f"unknown object {op.obj[0]}@{op.obj[1].hex()}")
                )
            key = op.key
            if obj_type in (MAKE_MAP, MAKE_TABLE):
                if type(key) is not str or op.insert or op.action == MARK:
                    raise DecodeError(_where(change, op, "map op without a string key"))
            else:
                if type(key) is str:
                    raise DecodeError(_where(change, op, "sequence op with a string key"))
                if op.action == MARK and not op.insert:
                    raise DecodeError(_where(change, op, "mark that is not an insert"))
                known = (
                    state is not None and state.seq is not None and key in state.seq.by_id
                ) or (op.obj, key) in new_elems
                if op.insert:
                    if key != HEAD and not known:
                        raise DecodeError(_where(change, op, "insert after an unknown element"))
                    new_elems.add((op.obj, op.id))
                elif key == HEAD or not known:
                    raise DecodeError(_where(change, op, "update of an unknown element"))
            if op.pred and op.insert:
                raise DecodeError(_where(change, op, "an insert cannot overwrite anything"))
            for p in op.pred:
                target = ops.get(p) or new_ops.get(p)
                if target is None:
                    raise DecodeError(
                        _where(change, op, f"predecessor {p[0]}@{p[1].hex()} does not exist")
                    )
                # An op may only overwrite what sits at its own key or list element; anything
                # else would be stored in one place and undone in another, and the document
                # would no longer save and load.
                slot = target.id if target.insert else target.key
                if target.obj != op.obj or slot != key:
                    raise DecodeError(_where(change, op, "predecessor at another key or element"))
            if op.action in MAKE_ACTIONS:
                new_objs[op.id] = op.action
            new_ids.add(op.id)
            new_ops[op.id] = op

    def apply(self, op: Op) -> None:
        """Apply one op whose references exist (see check_change)."""
        ops = self.ops
        obj = self.objects[op.obj]
        touched: list[Element] = []
        for p in op.pred:
            pred_op = ops[p]
            pred_op.overwritten_by(op)
            self.objects[pred_op.obj].overwritten = True
            if pred_op.elem is not None:
                touched.append(pred_op.elem)
        ops[op.id] = op
        if op.expand or op.mark_name is not None:
            self.has_mark_data = True
        if op.id[0] > self.max_op:
            self.max_op = op.id[0]
        if op.action != DEL:
            if obj.keys is not None:
                if op.vrow is None:  # else as decoded: the same bytes
                    op.vrow = value_row(op)
                bucket = obj.keys.get(op.key)  # type: ignore[arg-type]
                if bucket is None:
                    obj.keys[op.key] = [op]  # type: ignore[index]
                elif bucket[-1].id < op.id:
                    bucket.append(op)
                else:
                    insort(bucket, op, key=_op_id)
            else:
                seq = obj.seq
                assert seq is not None
                if op.insert:
                    seq.integrate(op)
                else:
                    elem = seq.by_id[op.key]  # type: ignore[index]
                    op.elem = elem
                    seq.add_op(elem, op)
                    touched.append(elem)
            if op.action in MAKE_ACTIONS:
                self.objects[op.id] = ObjState(op.id, op.action, op)
        if touched:
            seq = obj.seq
            if seq is not None:
                for elem in touched:
                    seq.refresh(elem)

    def undo(self, op: Op) -> None:
        """Take back the most recently applied op (rollback of a local transaction)."""
        obj = self.objects[op.obj]
        touched: list[Element] = []
        for p in op.pred:
            pred_op = self.ops[p]
            succ = pred_op.succ
            assert type(succ) is list
            succ.remove(op)
            if pred_op.elem is not None:
                touched.append(pred_op.elem)
        del self.ops[op.id]
        if op.action != DEL:
            if op.action in MAKE_ACTIONS:
                del self.objects[op.id]
            if obj.keys is not None:
                bucket = obj.keys[op.key]  # type: ignore[index]
                bucket.remove(op)
                if not bucket:
                    del obj.keys[op.key]  # type: ignore[arg-type]
            else:
                assert obj.seq is not None
                if op.insert:
                    obj.seq.remove(op.elem)
                    touched = [e for e in touched if e is not op.elem]
                else:
                    obj.seq.remove_op(op.elem, op)
                    touched.append(op.elem)
        if touched and obj.seq is not None:
            for elem in touched:
                obj.seq.refresh(elem)

    # ------------------------------------------------------------------ reading

    def visible_ops(self, obj: ObjState, key: Any, clock: dict[bytes, int] | None) -> list[Op]:
        """The visible ops at a map key or sequence index (conflicts), in id order."""
        if obj.keys is not None:
            bucket = obj.keys.get(key, ())
        else:
            elem = self.element_at(obj, key, clock)
            if elem is None:
                return []
            bucket = elem.ops
        if clock is None:
            return [op for op in bucket if op.is_visible()]
        return [op for op in bucket if op.is_visible_at(clock)]

    def element_at(
        self, obj: ObjState, index: int, clock: dict[bytes, int] | None
    ) -> Element | None:
        seq = obj.seq
        assert seq is not None
        if clock is None:
            try:
                elem, _ = seq.find(index)
            except IndexError:
                return None
            return elem
        for elem in self.visible_elements(obj, clock):
            if index == 0:
                return elem
            index -= 1
        return None

    def visible_elements(self, obj: ObjState, clock: dict[bytes, int] | None) -> Iterator[Element]:
        seq = obj.seq
        assert seq is not None
        if clock is None:
            for block in seq.blocks:
                if block.width:
                    for elem in block.elems:
                        if elem.width:
                            yield elem
        else:
            for elem in seq:
                if elem.winner_at(clock) is not None:
                    yield elem
