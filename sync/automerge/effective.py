"""The document as it looks when only some ops count (docs/trust.md §3: rights that hold on every
node). A CRDT cannot refuse history without diverging, so a change by someone without the right is
kept, and the view leaves it out: at each map key (or list element) the value shown is the
*effective* op that no effective op overwrote or deleted, the same rule as Automerge's own
visibility restricted to effective ops. Replicas stay byte-equal; only what is read differs.

`effective(op, path)` decides per op; `path` is the map keys from the root to the op's key (for a
list or text element, the path of the list or text itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .columns import V_COUNTER
from .op import Op
from .values import INC, MAKE_ACTIONS, MAKE_TEXT, MARK, SET, scalar_to_py

if TYPE_CHECKING:
    from .document import Document
    from .opset import ObjState

Path = tuple[str, ...]
Effective = Callable[[Op, Path], bool]


class _View:
    def __init__(self, doc: Document, effective: Effective) -> None:
        self.objects = doc._opset.objects
        self.effective = effective

    def visible(self, op: Op, path: Path) -> bool:
        if op.action == INC or op.action == MARK or not self.effective(op, path):
            return False
        counter = op.action == SET and op.vtype == V_COUNTER
        for s in op.succ:
            if counter and s.action == INC:
                continue
            if self.effective(s, path):
                return False
        return True

    def value(self, op: Op, path: Path, stack: list[tuple[ObjState, Any, Path]]) -> Any:
        if op.action in MAKE_ACTIONS:
            child = self.objects[op.id]
            if child.type == MAKE_TEXT:
                return self.text(child, path)
            container: Any = {} if child.keys is not None else []
            stack.append((child, container, path))
            return container
        if op.vtype == V_COUNTER:
            total: int = op.value
            for s in op.succ:
                if s.action == INC and self.effective(s, path):
                    total += s.value
            return total
        return scalar_to_py(op.vtype, op.value)

    def winner(self, ops: list[Op], path: Path) -> Op | None:
        for op in reversed(ops):
            if self.visible(op, path):
                return op
        return None

    def text(self, state: ObjState, path: Path) -> str:
        assert state.seq is not None
        parts = []
        for elem in state.seq:
            op = self.winner(elem.ops, path)
            if op is not None:
                value = op.value
                parts.append(value if op.action == SET and type(value) is str else "\ufffc")
        return "".join(parts)

    def materialize(self, state: ObjState) -> Any:
        top: Any = {} if state.keys is not None else []
        stack: list[tuple[ObjState, Any, Path]] = [(state, top, ())]
        while stack:  # iterative: a hostile document's depth cannot exhaust the recursion limit
            state, container, path = stack.pop()
            if state.keys is not None:
                for key, bucket in state.keys.items():
                    here = (*path, key)
                    op = self.winner(bucket, here)
                    if op is not None:
                        container[key] = self.value(op, here, stack)
            else:
                assert state.seq is not None
                for elem in state.seq:
                    op = self.winner(elem.ops, path)
                    if op is not None:
                        container.append(self.value(op, path, stack))
        return top


def effective_to_py(doc: Document, effective: Effective) -> dict[str, Any]:
    """Like `Document.to_py()`, counting only the ops `effective` accepts."""
    result: dict[str, Any] = _View(doc, effective).materialize(doc._opset.objects[(0, b"")])
    return result
