"""Seeded random edits made through our engine's public API, the Python twin of oracle.mjs's.

Every change these edits produce is later handed to the reference, so they reach every scalar
type (scalar str, int, negative int, uint, float, bool, null, bytes, timestamp, counter), text
splices with non-ASCII (é, ĳ, astral emoji, combining marks, ZWJ sequences), nested maps, lists
and texts, deletes and counter increments.

Counters live only under reserved map keys (COUNTER_KEYS) and in lists under TALLY_KEY that hold
nothing but counters. `Document.get` shows a counter as a plain int, so this is how the script
knows, even after concurrent edits from other forks were merged, that an increment targets a
counter (incrementing anything else is an error in Automerge).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.automerge import ROOT, Counter, Document, ObjId, ObjType, Uint

# fmt: off
KEYS = ["a", "b", "c", "title", "clé", "ĳs", "😀", "e\u0301", "x y", "Z"]
COUNTER_KEYS = ["n", "ñ"]
TALLY_KEY = "tally"
PIECES = ["a", "b", "z", " ", "é", "ĳ", "ß", "😀", "🎉", "e\u0301", "\u0301", "中",
          "👩\u200d🔬", "\n"]
INTS = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 2**31, -(2**31), 2**32, 2**40,
        -(2**40), 2**53 - 1, -(2**53 - 1)]
UINTS = [0, 1, 127, 128, 2**32, 2**53 - 1]
# Integral floats included on purpose: they must stay f64 on the wire even though JS shows 3.0 as 3.
FLOATS = [0.5, -0.25, 1.5, 3.0, -0.0, 1e300, 2.5e-8, 3.141592653589793, -1e-10]
TIMES_MS = [0, 1, -1, 1_700_000_000_000, -86_400_000, 4_102_444_800_123, 946_684_800_000]
# fmt: on
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_DEPTH = 3


def random_text(rng: random.Random, max_pieces: int = 6) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, max_pieces)))


def random_scalar(rng: random.Random) -> Any:
    """One scalar of a random type; never a Counter (see the module docstring)."""
    kind = rng.randrange(9)
    if kind == 0:
        return random_text(rng)
    if kind == 1:
        return rng.choice(INTS) if rng.random() < 0.5 else rng.randint(-1000, 1000)
    if kind == 2:
        return Uint(rng.choice(UINTS) if rng.random() < 0.5 else rng.randrange(100_000))
    if kind == 3:
        return rng.choice(FLOATS) if rng.random() < 0.5 else rng.randint(-(10**6), 10**6) / 64
    if kind == 4:
        return rng.random() < 0.5
    if kind == 5:
        return None
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(9)))
    if kind == 7:
        ms = rng.choice(TIMES_MS) if rng.random() < 0.5 else rng.randint(-5 * 10**11, 5 * 10**12)
        return _EPOCH + timedelta(milliseconds=ms)
    return random_text(rng, 2)


class _Editor:
    """Random edits inside one open transaction of `doc`."""

    def __init__(self, doc: Document, tx: Any, rng: random.Random) -> None:
        self.doc = doc
        self.tx = tx
        self.rng = rng

    def objects(self) -> list[tuple[ObjId, ObjType, int, str | int | None]]:
        """Every visible object: (id, type, depth, the key or index it hangs under)."""
        found: list[tuple[ObjId, ObjType, int, str | int | None]] = []
        stack: list[tuple[ObjId, int, str | int | None]] = [(ROOT, 0, None)]
        while stack:
            obj, depth, under = stack.pop()
            obj_type = self.doc.object_type(obj)
            found.append((obj, obj_type, depth, under))
            if obj_type == ObjType.TEXT:
                continue
            if obj_type == ObjType.MAP:
                slots: list[str | int] = list(self.doc.keys(obj))
            else:
                slots = list(range(self.doc.length(obj)))
            for slot in slots:
                value = self.doc.get(obj, slot)
                if isinstance(value, ObjId):
                    stack.append((value, depth + 1, slot))
        found.sort(key=lambda entry: (entry[2], str(entry[0])))
        return found

    def fill(self, obj: ObjId, obj_type: ObjType, depth: int) -> None:
        """Give a freshly made object some content, so nested objects are never all empty."""
        rng = self.rng
        if obj_type == ObjType.TEXT:
            self.tx.splice_text(obj, 0, 0, random_text(rng, 8))
        elif obj_type == ObjType.MAP:
            for _ in range(rng.randrange(3)):
                self.put_value(obj, rng.choice(KEYS), depth + 1)
        else:
            for i in range(rng.randrange(4)):
                self.insert_value(obj, i, depth + 1)

    def new_object_type(self, depth: int) -> ObjType | None:
        if depth >= MAX_DEPTH or self.rng.random() < 0.75:
            return None
        return self.rng.choice([ObjType.MAP, ObjType.LIST, ObjType.TEXT])

    def put_value(self, obj: ObjId, key: str | int, depth: int) -> None:
        obj_type = self.new_object_type(depth)
        if obj_type is None:
            self.tx.put(obj, key, random_scalar(self.rng))
        else:
            self.fill(self.tx.put_object(obj, key, obj_type), obj_type, depth)

    def insert_value(self, obj: ObjId, index: int, depth: int) -> None:
        obj_type = self.new_object_type(depth)
        if obj_type is None:
            self.tx.insert(obj, index, random_scalar(self.rng))
        else:
            self.fill(self.tx.insert_object(obj, index, obj_type), obj_type, depth)

    def edit_map(self, obj: ObjId, depth: int) -> None:
        rng, tx = self.rng, self.tx
        keys = self.doc.keys(obj)
        counters = [k for k in keys if k in COUNTER_KEYS]
        plain = [k for k in keys if k not in COUNTER_KEYS and k != TALLY_KEY]
        r = rng.random()
        if r < 0.15 and plain:
            tx.delete(obj, rng.choice(plain))
        elif r < 0.25 and counters:
            tx.increment(obj, rng.choice(counters), rng.randint(-20, 20))
        elif r < 0.3:
            tx.put(obj, rng.choice(COUNTER_KEYS), Counter(rng.randint(-50, 50)))
        elif r < 0.33 and depth < MAX_DEPTH and TALLY_KEY not in keys:
            tally = tx.put_object(obj, TALLY_KEY, ObjType.LIST)
            tx.insert(tally, 0, Counter(rng.randint(-5, 5)))
        else:
            self.put_value(obj, rng.choice(KEYS), depth)

    def edit_list(self, obj: ObjId, depth: int, tally: bool) -> None:
        rng, tx = self.rng, self.tx
        length = self.doc.length(obj)
        r = rng.random()
        if r < 0.2 and length:
            index = rng.randrange(length)
            if rng.random() < 0.5:
                tx.delete(obj, index)
            else:
                tx.splice(obj, index, min(2, length - index), [])
        elif tally:
            if r < 0.7 and length:
                tx.increment(obj, rng.randrange(length), rng.randint(-9, 9))
            elif length < 12:
                tx.insert(obj, rng.randint(0, length), Counter(rng.randint(-5, 5)))
        elif r < 0.35 and length:
            self.put_value(obj, rng.randrange(length), depth)
        elif r < 0.45 and length < 10:
            index = rng.randint(0, length)
            count = min(rng.randrange(3), length - index)
            tx.splice(obj, index, count, [random_scalar(rng) for _ in range(rng.randint(1, 3))])
        elif length < 12:
            self.insert_value(obj, rng.randint(0, length), depth)

    def edit_text(self, obj: ObjId) -> None:
        rng = self.rng
        length = len(self.doc.text(obj))
        at = rng.randint(0, length)
        if rng.random() < 0.3 and at < length:
            self.tx.splice_text(obj, at, min(rng.randint(1, 3), length - at), "")
        elif length < 40:
            self.tx.splice_text(obj, at, 0, random_text(rng, 4))

    def edit(self) -> None:
        obj, obj_type, depth, under = self.rng.choice(self.objects())
        if obj_type == ObjType.MAP:
            self.edit_map(obj, depth)
        elif obj_type == ObjType.LIST:
            self.edit_list(obj, depth, tally=under == TALLY_KEY)
        else:
            self.edit_text(obj)


def random_edits(
    doc: Document, seed: int, changes: int = 3, edits: int = 5, time: int = 1_700_000_000
) -> None:
    """`changes` changes of 1..`edits` random edits each; the same seed gives the same changes."""
    rng = random.Random(seed)
    for c in range(changes):
        message = rng.choice(["bewerkt", "édité 😀", "x"]) if rng.random() < 0.3 else None
        with doc.change(message=message, time=time + c) as tx:
            editor = _Editor(doc, tx, rng)
            for _ in range(rng.randint(1, edits)):
                editor.edit()
