"""The elements of a list or text object in document order (RGA), with index lookups.

A blocked list: elements live in blocks of at most BLOCK_MAX, each block knows the visible width
it holds, so finding the n-th visible element walks blocks, not elements. Width is 1 per visible
list element and the string length of a visible text element, so text indexes are Python str
indexes (code points). Order follows rust/automerge/src/op_set2/op_set/insert.rs: an insert goes
right after its reference element, past any elements with a greater id (concurrent inserts at the
same place end up in descending id order).
"""

from __future__ import annotations

from collections.abc import Iterator

from .op import Op
from .values import HEAD, OpId

BLOCK_MAX = 128


class Element:
    """One inserted element: its insert op first, then later ops on it in id order."""

    __slots__ = ("block", "id", "ops", "width")

    def __init__(self, insert_op: Op) -> None:
        self.id: OpId = insert_op.id
        self.ops: list[Op] = [insert_op]
        self.block: Block | None = None
        self.width = 0

    def winner(self) -> Op | None:
        for op in reversed(self.ops):
            if op.is_visible():
                return op
        return None

    def winner_at(self, clock: dict[bytes, int]) -> Op | None:
        for op in reversed(self.ops):
            if op.is_visible_at(clock):
                return op
        return None

    def visible_ops(self) -> list[Op]:
        return [op for op in self.ops if op.is_visible()]


class Block:
    __slots__ = ("elems", "pos", "width")

    def __init__(self, elems: list[Element], pos: int) -> None:
        self.elems = elems
        self.pos = pos
        self.width = sum(e.width for e in elems)
        for e in elems:
            e.block = self


class Sequence:
    """The elements of one list or text object."""

    __slots__ = ("blocks", "by_id", "is_text")

    def __init__(self, is_text: bool) -> None:
        self.blocks: list[Block] = [Block([], 0)]
        self.by_id: dict[OpId, Element] = {}
        self.is_text = is_text

    # ------------------------------------------------------------------ reading

    def __iter__(self) -> Iterator[Element]:
        for block in self.blocks:
            yield from block.elems

    @property
    def width(self) -> int:
        return sum(b.width for b in self.blocks)

    def find(self, index: int) -> tuple[Element, int]:
        """The visible element covering visible position `index`, and the offset into it."""
        if index < 0:
            raise IndexError(index)
        for block in self.blocks:
            if index < block.width:
                for elem in block.elems:
                    if index < elem.width:
                        return elem, index
                    index -= elem.width
            index -= block.width
        raise IndexError("index past the end of the sequence")

    def index_of(self, elem: Element) -> int:
        """Visible position at which `elem` starts."""
        assert elem.block is not None
        total = 0
        for block in self.blocks[: elem.block.pos]:
            total += block.width
        for other in elem.block.elems:
            if other is elem:
                return total
            total += other.width
        raise KeyError(elem.id)

    # ------------------------------------------------------------------ writing

    def width_of(self, op: Op | None) -> int:
        if op is None:
            return 0
        if self.is_text:
            value = op.value
            return len(value) if type(value) is str and op.action == 1 else 1
        return 1

    def refresh(self, elem: Element) -> None:
        """Recompute an element's visible width after an op on it changed."""
        width = self.width_of(elem.winner())
        if width != elem.width:
            assert elem.block is not None
            elem.block.width += width - elem.width
            elem.width = width

    def integrate(self, op: Op) -> Element:
        """Insert a new element for insert op `op` at its RGA position."""
        elem = Element(op)
        op.elem = elem
        key = op.key
        blocks = self.blocks
        if key == HEAD:
            b, i = 0, 0
        else:
            after = self.by_id[key]  # type: ignore[index]
            assert after.block is not None
            b = after.block.pos
            i = after.block.elems.index(after) + 1
        new_id = op.id
        nblocks = len(blocks)
        while b < nblocks:
            elems = blocks[b].elems
            n = len(elems)
            while i < n and elems[i].id > new_id:
                i += 1
            if i < n:
                break
            if b == nblocks - 1:
                break
            b += 1
            i = 0
        block = blocks[b]
        block.elems.insert(i, elem)
        elem.block = block
        self.by_id[op.id] = elem
        width = self.width_of(elem.winner())
        elem.width = width
        block.width += width
        if len(block.elems) > BLOCK_MAX:
            self._split(b)
        return elem

    def remove(self, elem: Element) -> None:
        """Take an element out again (used only to roll back an unfinished change)."""
        block = elem.block
        assert block is not None
        block.elems.remove(elem)
        block.width -= elem.width
        del self.by_id[elem.id]

    def _split(self, b: int) -> None:
        block = self.blocks[b]
        half = len(block.elems) // 2
        tail = Block(block.elems[half:], b + 1)
        del block.elems[half:]
        block.width -= tail.width
        self.blocks.insert(b + 1, tail)
        for pos in range(b + 2, len(self.blocks)):
            self.blocks[pos].pos = pos

    def last_visible_before(self, index: int) -> OpId:
        """The element id a local insert at visible `index` references (HEAD at 0)."""
        if index == 0:
            return HEAD
        elem, offset = self.find(index - 1)
        if offset != elem.width - 1:
            raise IndexError("cannot insert inside a multi-character text element")
        return elem.id
