"""Local edits: a transaction collects ops into one change
(rust/automerge/src/transaction/inner.rs).

Ops are applied to the op set as they are made, so reads inside the block see them; an exception
undoes them all and the document is as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .columns import V_COUNTER, V_INT
from .op import Op
from .opset import ObjState
from .values import DEL, INC, MAKE_TEXT, SET, ObjId, ObjType, OpId, scalar_from_py, scalars_equal

if TYPE_CHECKING:
    from .document import Document


class Transaction:
    """The handle a `with doc.change() as tx:` block edits through."""

    def __init__(self, doc: Document, actor: bytes) -> None:
        self._doc = doc
        self.actor = actor
        self._opset = doc._opset
        self.ops: list[Op] = []
        self.start_op = self._opset.max_op + 1
        self.counts: Callable[[Op], bool] | None = None
        """Which existing ops count for the application (None: all). Putting the value already
        there does nothing only when the op showing it counts: a value an application leaves out
        (written without the right, say) is written again by whoever may."""

    # ------------------------------------------------------------------ helpers

    def _new_op(
        self,
        obj: OpId,
        key: str | OpId,
        insert: bool,
        action: int,
        vtype: int,
        value: Any,
        pred: list[OpId],
    ) -> Op:
        op = Op(
            (self.start_op + len(self.ops), self.actor),
            obj,
            key,
            insert,
            action,
            vtype,
            value,
            pred,
        )
        self._opset.apply(op)
        self.ops.append(op)
        return op

    def _map_or_elem(self, state: ObjState, key: str | int) -> tuple[str | OpId, list[Op]]:
        """The op key and the visible ops now at a map key or list index."""
        if state.keys is not None:
            if not isinstance(key, str):
                raise TypeError("map keys are strings")
            return key, [op for op in state.keys.get(key, ()) if op.is_visible()]
        if not isinstance(key, int) or isinstance(key, bool):
            raise TypeError("list and text positions are integers")
        assert state.seq is not None
        elem, offset = state.seq.find(key)
        if offset:
            raise IndexError("position inside a multi-character text element")
        return elem.id, elem.visible_ops()

    @staticmethod
    def _ids(ops: list[Op]) -> list[OpId]:
        return [op.id for op in ops]

    # ------------------------------------------------------------------ edits

    def put(self, obj: ObjId | str, key: str | int, value: Any) -> None:
        """Set a scalar at a map key or list index. Putting the value already there does nothing."""
        if isinstance(value, ObjType):
            raise TypeError("use put_object to create an object")
        state = self._doc._state(obj)
        vtype, val = scalar_from_py(value)
        op_key, visible = self._map_or_elem(state, key)
        if (
            len(visible) == 1
            and visible[0].action == SET
            and visible[0].vtype != V_COUNTER
            and scalars_equal((visible[0].vtype, visible[0].value), (vtype, val))
            and (self.counts is None or self.counts(visible[0]))
        ):
            return
        self._new_op(state.id, op_key, False, SET, vtype, val, self._ids(visible))

    def put_object(self, obj: ObjId | str, key: str | int, obj_type: ObjType) -> ObjId:
        state = self._doc._state(obj)
        op_key, visible = self._map_or_elem(state, key)
        op = self._new_op(
            state.id, op_key, False, ObjType(obj_type).value, 0, None, self._ids(visible)
        )
        return ObjId(*op.id)

    def _insert_key(self, state: ObjState, index: int) -> OpId:
        if state.seq is None:
            raise TypeError("insert needs a list or text object")
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError("list and text positions are integers")
        if index < 0 or index > state.seq.width:
            raise IndexError(f"insert position {index} out of range")
        return state.seq.last_visible_before(index)

    def insert(self, obj: ObjId | str, index: int, value: Any) -> None:
        state = self._doc._state(obj)
        vtype, val = scalar_from_py(value)
        self._new_op(state.id, self._insert_key(state, index), True, SET, vtype, val, [])

    def insert_object(self, obj: ObjId | str, index: int, obj_type: ObjType) -> ObjId:
        state = self._doc._state(obj)
        op = self._new_op(
            state.id, self._insert_key(state, index), True, ObjType(obj_type).value, 0, None, []
        )
        return ObjId(*op.id)

    def delete(self, obj: ObjId | str, key: str | int) -> None:
        """Delete a map key (nothing happens if it is absent) or a list element."""
        state = self._doc._state(obj)
        op_key, visible = self._map_or_elem(state, key)
        if visible:
            self._new_op(state.id, op_key, False, DEL, 0, None, self._ids(visible))

    def increment(self, obj: ObjId | str, key: str | int, by: int) -> None:
        if not isinstance(by, int) or isinstance(by, bool):
            raise TypeError("increment by an integer")
        state = self._doc._state(obj)
        op_key, visible = self._map_or_elem(state, key)
        counters = [op for op in visible if op.action == SET and op.vtype == V_COUNTER]
        if not counters:
            raise TypeError("only a Counter can be incremented")
        scalar_from_py(by)  # range check
        self._new_op(state.id, op_key, False, INC, V_INT, by, self._ids(counters))

    def splice(self, obj: ObjId | str, index: int, delete: int, values: list[Any]) -> None:
        """Delete `delete` elements at index, then insert `values` there."""
        state = self._doc._state(obj)
        key = self._insert_key(state, index)
        self._delete_run(state, index, delete)
        for value in values:
            vtype, val = scalar_from_py(value)
            key = self._new_op(state.id, key, True, SET, vtype, val, []).id

    def splice_text(self, obj: ObjId | str, index: int, delete: int, text: str) -> None:
        """Delete `delete` characters at index (Python str positions), then insert `text`."""
        state = self._doc._state(obj)
        if state.type != MAKE_TEXT:
            raise TypeError("splice_text needs a text object")
        if not isinstance(text, str):
            raise TypeError("splice_text inserts a str")
        key = self._insert_key(state, index)
        self._delete_run(state, index, delete)
        for char in text:
            key = self._new_op(state.id, key, True, SET, 6, char, []).id

    def _delete_run(self, state: ObjState, index: int, count: int) -> None:
        if count < 0:
            raise ValueError("cannot delete a negative number of elements")
        seq = state.seq
        assert seq is not None
        if index + count > seq.width:
            raise IndexError("delete runs past the end of the sequence")
        while count > 0:
            elem, offset = seq.find(index)
            if offset:
                raise IndexError("position inside a multi-character text element")
            count -= elem.width
            self._new_op(state.id, elem.id, False, DEL, 0, None, self._ids(elem.visible_ops()))

    # ------------------------------------------------------------------ reads

    def get(self, obj: ObjId | str, key: str | int) -> Any:
        return self._doc.get(obj, key)

    def text(self, obj: ObjId | str) -> str:
        return self._doc.text(obj)

    def length(self, obj: ObjId | str) -> int:
        return self._doc.length(obj)
