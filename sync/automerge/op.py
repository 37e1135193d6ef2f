"""One operation, as held in a change and in the op set."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .columns import V_COUNTER
from .values import INC, MARK, SET, OpId


class Op:
    """An op: `id` is (counter, actor); `key` is a str for maps, an elem OpId for sequences.

    `succ` holds the op objects that overwrote, deleted or incremented this one; an op is visible
    while it has none, except a counter, which stays visible while its successors are all
    increments (rust/automerge/src/op_set2/op.rs `visible`).

    `pred` is a tuple and `succ` the empty tuple until a successor comes (then a list): most ops
    have neither, and an empty list per op was two of every three objects the cyclic garbage
    collector had to walk again and again in a node holding thousands of documents.
    """

    __slots__ = (
        "action",
        "elem",
        "expand",
        "id",
        "insert",
        "key",
        "mark_name",
        "obj",
        "pred",
        "succ",
        "value",
        "vrow",
        "vtype",
    )

    def __init__(
        self,
        id: OpId,
        obj: OpId,
        key: str | OpId,
        insert: bool,
        action: int,
        vtype: int,
        value: Any,
        pred: Iterable[OpId],
        expand: bool = False,
        mark_name: str | None = None,
    ) -> None:
        self.id = id
        self.obj = obj
        self.key = key
        self.insert = insert
        self.action = action
        self.vtype = vtype
        self.value = value
        self.pred: tuple[OpId, ...] = tuple(pred)
        self.expand = expand
        self.mark_name = mark_name
        self.succ: list[Op] | tuple[()] = ()
        self.elem: Any = None  # the sequence element this op lives in, if any
        self.vrow: tuple[int, bytes] | None = None
        """A map op's value as a saved document writes it (metadata word, bytes), kept when the
        op joins the op set, as sequence blocks keep theirs (sequence.Block.meta/raw)."""

    def overwritten_by(self, op: Op) -> None:
        """Note a successor (the first one makes the list)."""
        succ = self.succ
        if type(succ) is list:
            succ.append(op)
        else:
            self.succ = [op]

    def is_visible(self) -> bool:
        if self.action == INC or self.action == MARK:
            return False
        if not self.succ:
            return True
        if self.action == SET and self.vtype == V_COUNTER:
            return all(s.action == INC for s in self.succ)
        return False

    def is_visible_at(self, clock: dict[bytes, int]) -> bool:
        """Visible in the document state that `clock` (actor → max op counter) describes."""
        if self.action == INC or self.action == MARK:
            return False
        if self.id[0] > clock.get(self.id[1], 0):
            return False
        counter = self.action == SET and self.vtype == V_COUNTER
        for s in self.succ:
            if s.id[0] <= clock.get(s.id[1], 0) and not (counter and s.action == INC):
                return False
        return True

    def counter_value(self, clock: dict[bytes, int] | None = None) -> int:
        total: int = self.value
        for s in self.succ:
            if s.action == INC and (clock is None or s.id[0] <= clock.get(s.id[1], 0)):
                total += s.value
        return total

    def __repr__(self) -> str:
        op_id = f"{self.id[0]}@{self.id[1].hex()[:6]}"
        return f"Op({op_id} a={self.action} key={self.key!r} v={self.value!r})"
