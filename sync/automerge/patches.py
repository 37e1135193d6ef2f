"""Patches between two sets of heads: what changed, as steps that turn the `before` state into the
`after` state when applied in order (the shape of the reference's `diff`, rust/automerge/src/
patches/patch.rs). node/ uses them to update its SQL projection without rereading documents.

Both states are read from the one op set through clocks, so objects keep their identity: an
object edited in place yields patches inside it, a replaced one yields one `put`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .columns import V_COUNTER
from .op import Op
from .opset import ObjState
from .values import MAKE_ACTIONS, MAKE_TEXT, SET

if TYPE_CHECKING:
    from .document import Clock, Document

Path = list[str | int]


@dataclass(slots=True)
class Patch:
    """action: put | delete | insert | splice.

    put: set `path[-1]` of the object at path[:-1] to `value` (a whole new subtree for objects);
    delete: remove a map key, or `length` list/text items at index path[-1];
    insert: insert `value` (a list of items) into a list at index path[-1];
    splice: insert the string `value` into a text at index path[-1].
    """

    action: str
    path: Path
    value: Any = None
    length: int = 1
    conflict: bool = field(default=False)


def diff(doc: Document, before: list[bytes], after: list[bytes]) -> list[Patch]:
    clock_before = doc._clock(before)
    clock_after = doc._clock(after)
    patches: list[Patch] = []
    # Objects edited in place are visited from a work list, not by recursion (deep documents from
    # peers must not hit the recursion limit). Deferring a child is safe: the walk of its parent
    # goes left to right, so later patches of the parent never shift the child's path.
    pending: list[tuple[ObjState, Path]] = [(doc._opset.objects[(0, b"")], [])]
    while pending:
        obj, path = pending.pop()
        _diff_obj(doc, obj, path, clock_before, clock_after, patches, pending)
    return patches


def _winner(ops: list[Op], clock: Clock) -> tuple[Op | None, int]:
    visible = [op for op in ops if op.is_visible_at(clock)]
    return (visible[-1] if visible else None), len(visible)


def _value(doc: Document, op: Op, clock: Clock) -> Any:
    return doc._op_py(op, clock)


def _same_value(a: Op, b: Op, clock_before: Clock, clock_after: Clock) -> bool:
    if a is not b:
        return False
    if a.vtype == V_COUNTER and a.action == SET:
        return a.counter_value(clock_before) == a.counter_value(clock_after)
    return True


def _diff_obj(
    doc: Document,
    obj: ObjState,
    path: Path,
    cb: Clock,
    ca: Clock,
    out: list[Patch],
    pending: list[tuple[ObjState, Path]],
) -> None:
    if obj.keys is not None:
        for key in sorted(obj.keys):
            ops = obj.keys[key]
            old, _ = _winner(ops, cb)
            new, count = _winner(ops, ca)
            if new is None:
                if old is not None:
                    out.append(Patch("delete", [*path, key]))
                continue
            if old is not None and old is new and new.action in MAKE_ACTIONS:
                pending.append((doc._opset.objects[new.id], [*path, key]))
            elif old is None or not _same_value(old, new, cb, ca):
                out.append(Patch("put", [*path, key], _value(doc, new, ca), conflict=count > 1))
        return
    assert obj.seq is not None
    is_text = obj.type == MAKE_TEXT
    index = 0
    for elem in obj.seq:
        old, _ = _winner(elem.ops, cb)
        new, count = _winner(elem.ops, ca)
        if new is None:
            if old is not None:
                last = out[-1] if out else None
                width = len(old.value) if is_text and type(old.value) is str else 1
                if last and last.action == "delete" and last.path == [*path, index]:
                    last.length += width
                else:
                    out.append(Patch("delete", [*path, index], length=width))
            continue
        value = _value(doc, new, ca)
        width = len(value) if is_text and isinstance(value, str) else 1
        if old is None:
            last = out[-1] if out else None
            if is_text:
                text = value if isinstance(value, str) else "\ufffc"
                if (
                    last
                    and last.action == "splice"
                    and last.path[:-1] == path
                    and _end(last) == index
                ):
                    last.value += text
                else:
                    out.append(Patch("splice", [*path, index], text))
            elif (
                last and last.action == "insert" and last.path[:-1] == path and _end(last) == index
            ):
                last.value.append(value)
            else:
                out.append(Patch("insert", [*path, index], [value]))
        elif old is new and new.action in MAKE_ACTIONS:
            pending.append((doc._opset.objects[new.id], [*path, index]))
        elif not _same_value(old, new, cb, ca):
            out.append(Patch("put", [*path, index], value, conflict=count > 1))
        index += width


def _end(patch: Patch) -> int:
    """The index just past what an insert or splice patch put in."""
    start = patch.path[-1]
    assert isinstance(start, int)
    return start + len(patch.value)
