"""The elements of a list or text object in document order (RGA), with index lookups.

A blocked list: elements live in blocks of at most BLOCK_MAX, each block knows the visible width
it holds, so finding the n-th visible element walks blocks, not elements. Width is 1 per visible
list element and the string length of a visible text element, so text indexes are Python str
indexes (code points). Order follows rust/automerge/src/op_set2/op_set/insert.rs: an insert goes
right after its reference element, past any elements with a greater id (concurrent inserts at the
same place end up in descending id order).

Each block also keeps its ops as columns (see Block), so that saving a document joins lists per
block instead of visiting tens of thousands of op objects several times each.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from .columns import V_STR, V_TRUE, encode_value
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
    """Consecutive elements of a sequence, and their ops as parallel columns.

    The columns hold one row per op, in the order a saved document lists them (element by
    element, each element's insert op then its other ops in id order): id counter and actor, key
    (element id) counter and actor, action, value metadata (len << 4 | type) and value bytes.
    None of these ever change once an op exists, so the rows are written when an op is added and
    dropped when it is taken out again (undo), and a save only joins them
    (doc_columns.op_columns). `nops` is the number of rows; while it equals the number of
    elements, every element holds just its insert op and row i belongs to element i.

    The two counters are also kept as deltas from the row before (`dctr`, `dkctr`; the first
    row's is the counter itself), which is how the saved id and key counter columns write them:
    a save then joins these too and corrects one row per block, instead of subtracting every
    row from its neighbour. An insert or delete fixes the delta of the row after it.
    """

    __slots__ = (
        "action",
        "actor",
        "ctr",
        "dctr",
        "dkctr",
        "elems",
        "kactor",
        "kctr",
        "meta",
        "nops",
        "pos",
        "raw",
        "width",
    )

    def __init__(self, pos: int) -> None:
        self.elems: list[Element] = []
        self.pos = pos
        self.width = 0
        self.nops = 0
        self.ctr: list[int] = []
        self.dctr: list[int] = []
        self.actor: list[bytes] = []
        self.kctr: list[int] = []
        self.dkctr: list[int] = []
        self.kactor: list[bytes] = []
        self.action: list[int] = []
        self.meta: list[int] = []
        self.raw: list[bytes] = []

    def split_off(self, half: int, pos: int) -> Block:
        """Move the elements from index `half` on, and their rows, into a new block."""
        row = self.first_row(half)
        tail = Block(pos)
        tail.elems = elems = self.elems[half:]
        del self.elems[half:]
        for e in elems:
            e.block = tail
        tail.width = width = sum([e.width for e in elems])
        self.width -= width
        tail.ctr, tail.actor, tail.kctr = self.ctr[row:], self.actor[row:], self.kctr[row:]
        tail.kactor, tail.action = self.kactor[row:], self.action[row:]
        tail.dctr, tail.dkctr = self.dctr[row:], self.dkctr[row:]
        if tail.ctr:  # the first row's delta is from nothing (0), not from the row before
            tail.dctr[0] = tail.ctr[0]
            tail.dkctr[0] = tail.kctr[0]
        tail.meta, tail.raw = self.meta[row:], self.raw[row:]
        tail.nops = self.nops - row
        self.delete_rows(row, self.nops - row)
        return tail

    def insert_row(self, row: int, op: Op) -> None:
        key: OpId = op.key  # type: ignore[assignment]
        meta, raw = value_row(op)
        ctr, kctr, dctr, dkctr = self.ctr, self.kctr, self.dctr, self.dkctr
        new_ctr, new_kctr = op.id[0], key[0]
        if row:
            dctr.insert(row, new_ctr - ctr[row - 1])
            dkctr.insert(row, new_kctr - kctr[row - 1])
        else:
            dctr.insert(0, new_ctr)
            dkctr.insert(0, new_kctr)
        if row < self.nops:  # the row that follows now follows the new one
            dctr[row + 1] = ctr[row] - new_ctr
            dkctr[row + 1] = kctr[row] - new_kctr
        ctr.insert(row, new_ctr)
        self.actor.insert(row, op.id[1])
        kctr.insert(row, new_kctr)
        self.kactor.insert(row, key[1])
        self.action.insert(row, op.action)
        self.meta.insert(row, meta)
        self.raw.insert(row, raw)
        self.nops += 1

    def delete_rows(self, row: int, count: int) -> None:
        end = row + count
        del self.ctr[row:end]
        del self.actor[row:end]
        del self.kctr[row:end]
        del self.kactor[row:end]
        del self.action[row:end]
        del self.meta[row:end]
        del self.raw[row:end]
        del self.dctr[row:end]
        del self.dkctr[row:end]
        self.nops -= count
        if row < self.nops:  # the row after the gap now follows the row before it
            self.dctr[row] = self.ctr[row] - (self.ctr[row - 1] if row else 0)
            self.dkctr[row] = self.kctr[row] - (self.kctr[row - 1] if row else 0)

    def first_row(self, i: int) -> int:
        """The row of the first op of the i-th element."""
        if self.nops == len(self.elems):
            return i
        return sum([len(e.ops) for e in self.elems[:i]])


def value_row(op: Op) -> tuple[int, bytes]:
    """An op's value metadata word and value bytes, as the value columns write them."""
    vtype = op.vtype
    if vtype == V_STR:
        raw = op.value.encode()
        return (len(raw) << 4) | V_STR, raw
    if vtype <= V_TRUE:
        return vtype, b""
    out = bytearray()
    meta = encode_value(vtype, op.value, out)
    return meta, bytes(out)


class Sequence:
    """The elements of one list or text object."""

    __slots__ = ("blocks", "by_id", "is_text")

    def __init__(self, is_text: bool) -> None:
        self.blocks: list[Block] = [Block(0)]
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
        block.insert_row(block.first_row(i), op)
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
        i = block.elems.index(elem)
        block.delete_rows(block.first_row(i), len(elem.ops))
        del block.elems[i]
        block.width -= elem.width
        del self.by_id[elem.id]

    def add_op(self, elem: Element, op: Op) -> None:
        """Add a non-insert op to an element, keeping its ops in id order."""
        ops = elem.ops
        block = elem.block
        assert block is not None
        at = len(ops) if ops[-1].id < op.id else bisect_left(ops, op.id, key=_op_id)
        row = block.first_row(block.elems.index(elem)) + at
        ops.insert(at, op)
        block.insert_row(row, op)

    def remove_op(self, elem: Element, op: Op) -> None:
        """Take a non-insert op off its element again (rollback)."""
        block = elem.block
        assert block is not None
        at = elem.ops.index(op)
        block.delete_rows(block.first_row(block.elems.index(elem)) + at, 1)
        del elem.ops[at]

    def _split(self, b: int) -> None:
        block = self.blocks[b]
        self.blocks.insert(b + 1, block.split_off(len(block.elems) // 2, b + 1))
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


def _op_id(op: Op) -> OpId:
    return op.id
