"""A document: the op set plus the change graph that produced it (rust/automerge/src/automerge.rs).

Changes are kept in the order they were applied, which is always a topological order; heads are
the changes nothing depends on yet. Changes whose dependencies have not arrived wait in a queue.
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from . import doc_format
from .change import Change, encode_change, parse_change_body
from .chunk import DOCUMENT, read_chunks
from .columns import V_COUNTER, join_bytes
from .doc_columns import ChangeRows
from .doc_load import build_opset
from .errors import DecodeError
from .gc_pause import gc_paused
from .op import Op
from .opset import ObjState, OpSet
from .sync_protocol import SyncState, generate_sync_message, receive_sync_message
from .transaction import Transaction
from .values import (
    MAKE_ACTIONS,
    MAKE_TEXT,
    ROOT,
    SET,
    ObjId,
    ObjType,
    OpId,
    scalar_to_py,
)

Clock = dict[bytes, int]
Admit = Callable[[Change], bool]
"""Whether a change that arrived may be applied (its actor is vouched for, say). A change it
refuses is *held*: not applied, returned to the caller to keep aside, and remembered so that sync
stops asking for it; changes that depend on a held change are held with it."""


def _actor_bytes(actor: bytes | str | None) -> bytes:
    if actor is None:
        return os.urandom(16)
    if isinstance(actor, str):
        try:
            actor = bytes.fromhex(actor)
        except ValueError:
            raise ValueError("an actor id given as str must be hex") from None
    if not actor:
        raise ValueError("an actor id cannot be empty")
    return bytes(actor)


class Document:
    """An Automerge document. See sync/automerge/API.md for the calls other layers rely on."""

    def __init__(self, actor: bytes | str | None = None) -> None:
        self.actor: bytes = _actor_bytes(actor)
        self._opset = OpSet()
        self._changes: list[Change] = []
        self._rows = ChangeRows()  # the changes as the change columns of a save list them
        self._by_hash: dict[bytes, Change] = {}
        self._heads: set[bytes] = set()
        self._by_actor: dict[bytes, list[Change]] = {}
        self._queue: list[Change] = []
        # hashes refused by an Admit (see `held`) → their deps, () when not known (`hold`)
        self._held: dict[bytes, tuple[bytes, ...]] = {}
        self._saved = 0  # how many changes save()/save_incremental() have written out
        self._stored: bytes | None = None  # bytes that load as the first _stored_count changes
        self._stored_count = 0
        self._tx: Transaction | None = None

    # ------------------------------------------------------------------ local changes

    @contextmanager
    def change(
        self, message: str | None = None, time: int | None = None, actor: bytes | str | None = None
    ) -> Iterator[Transaction]:
        """One block = one change. An exception inside the block undoes every op of it.

        `actor` writes this one change as another actor than the document's own (a server that
        edits for many people keeps one actor per person); its seq continues where it left off.
        """
        if self._tx is not None:
            raise RuntimeError("a change is already open on this document")
        writer = self.actor if actor is None else _actor_bytes(actor)
        tx = Transaction(self, writer)
        self._tx = tx
        try:
            yield tx
        except BaseException:
            for op in reversed(tx.ops):
                self._opset.undo(op)
            self._recompute_max_op()
            raise
        finally:
            self._tx = None
        if tx.ops:
            own = self._by_actor.get(writer)
            change = Change(
                writer,
                (own[-1].seq if own else 0) + 1,
                tx.start_op,
                int(_time.time()) if time is None else int(time),
                message or None,
                sorted(self._heads),
                tx.ops,
                b"",
            )
            encode_change(change)
            self._record(change)

    def _recompute_max_op(self) -> None:
        self._opset.max_op = max((c.max_op for c in self._changes), default=0)

    def _record(self, change: Change) -> None:
        if self._held:
            self._held.pop(change.hash, None)
        self._changes.append(change)
        self._rows.append(change)
        self._by_hash[change.hash] = change
        self._heads.difference_update(change.deps)
        self._heads.add(change.hash)
        self._by_actor.setdefault(change.actor, []).append(change)

    # ------------------------------------------------------------------ remote changes

    def _check_open(self) -> None:
        if self._tx is not None:
            raise RuntimeError("finish the open change before applying other changes")

    def apply_changes(self, changes: Iterable[bytes], admit: Admit | None = None) -> list[Change]:
        """Apply encoded change chunks; ones whose deps are missing wait until those arrive.
        With `admit`, returns the changes it held (see Admit); without, []."""
        self._check_open()
        with gc_paused():
            decoded: list[Change] = []
            for data in changes:
                if not isinstance(data, bytes | bytearray | memoryview):
                    raise DecodeError("a change must be bytes")
                decoded.extend(self._decode_chunks(bytes(data), allow_document=False))
            decoded, held = self._admitted(decoded, admit)
            self._apply_batch(decoded)
        self._settle_held(decoded, held)
        return held

    def _load_admitted(self, data: bytes, admit: Admit | None) -> list[Change]:
        """load_incremental with an Admit; returns the held changes (the sync protocol's way in)."""
        self._check_open()
        data = bytes(data)
        empty = not self._changes and not self._queue
        with gc_paused():
            if empty:
                held = self._load_whole(data, admit)
            else:
                decoded, held = self._admitted(self._decode_chunks(data, True), admit)
                self._apply_batch(decoded)
                self._settle_held(decoded, held)
        if empty and not held:
            self._keep_stored(data)
        return held

    def _load_whole(self, data: bytes, admit: Admit | None) -> list[Change]:
        """Load into an empty document: a leading document chunk builds the op set in one pass
        (doc_load) when nothing is held and its stored order is the one applying gives;
        otherwise, and for any chunks after it, changes are applied one by one."""
        first: list[tuple[list[Op], int]] = []
        changes = self._decode_chunks(data, True, first)
        decoded, held = self._admitted(changes, admit)
        if first and not held:
            stored_ops, count = first[0]
            opset = build_opset(changes[:count], stored_ops)
            if opset is not None:
                self._opset = opset
                for change in changes[:count]:
                    self._record(change)
                try:
                    self._apply_batch(changes[count:])
                except DecodeError:
                    self._rollback(0)  # as applying them all would have left it: empty
                    raise
                self._settle_held(decoded, held)
                return held
        self._apply_batch(decoded)
        self._settle_held(decoded, held)
        return held

    def _keep_stored(self, data: bytes) -> None:
        """`data` was loaded into an empty document: remember it as what `stored_bytes` gives,
        unless some of it is still waiting for dependencies (then it is more than we hold)."""
        if not self._queue:
            self._stored, self._stored_count = data, len(self._changes)

    def stored_bytes(self) -> bytes:
        """Bytes that load as this document, marking everything saved as `save()` does: what
        the document was loaded from (or saved as, then extended by save_incremental) while no
        change came since, else a fresh `save()`.

        A node stores a document that arrived whole from a peer, and sends one to a peer that
        has nothing, without encoding and compressing it again. Unlike `save()` the result is
        not canonical: it may be a save followed by change chunks, or another engine's save."""
        stored = self._current_stored()
        if stored is None:
            return self.save()
        self._saved = len(self._changes)
        return stored

    def _current_stored(self) -> bytes | None:
        if self._stored is not None and self._stored_count == len(self._changes):
            return self._stored
        return None

    def _admitted(
        self, changes: list[Change], admit: Admit | None
    ) -> tuple[list[Change], list[Change]]:
        """Split arriving changes into those to apply and those to hold (refused by `admit`, or
        depending on a held one). Known changes are let through: applying them is a no-op.

        Changes already queued for a missing dependency are held too when that dependency turns
        out held: a peer's Bloom filter can wrongly claim we have a change, so a change on top
        of a forgery may come first and the forgery only when we ask for it."""
        if admit is None:
            return changes, []
        held: dict[bytes, Change] = {}
        for change in changes:
            if change.hash not in self._by_hash and not admit(change):
                held[change.hash] = change
        if not held and not self._held:
            return changes, []
        # held before and not let through now: still missing for what builds on it
        still_held = self._held.keys() - {c.hash for c in changes if c.hash not in held}
        waiting = changes + self._queue
        grew = True
        while grew:  # a change on top of a held one cannot be applied without it
            grew = False
            for change in waiting:
                if (
                    change.hash not in held
                    and change.hash not in self._by_hash
                    and any(d in held or d in still_held for d in change.deps)
                ):
                    held[change.hash] = change
                    grew = True
        return [c for c in changes if c.hash not in held], list(held.values())

    def _settle_held(self, admitted: list[Change], held: list[Change]) -> None:
        """After a batch went in whole: note what was held (and take queued changes that now
        wait on a held one out of the queue: they are the caller's to keep), and forget as held
        what was let through but still waits for a dependency."""
        if self._held:
            for change in admitted:
                self._held.pop(change.hash, None)
        if not held:
            return
        hashes = {c.hash for c in held}
        if self._queue:
            self._queue = [c for c in self._queue if c.hash not in hashes]
        for change in held:
            self._held[change.hash] = tuple(change.deps)

    @property
    def held(self) -> frozenset[bytes]:
        """Hashes of changes an Admit refused and that were not applied since: sync does not ask
        for them again (they are not "missing"). Gone from here once applied."""
        return frozenset(self._held)

    def hold(
        self, hashes: Iterable[bytes], deps: Mapping[bytes, Iterable[bytes]] | None = None
    ) -> None:
        """Remember changes held before (by a caller that keeps them, across a reload). With
        their `deps`, sync asks each peer once for a dependency of theirs that never arrived
        (missing_for_held); deps known already are not forgotten when told again without."""
        deps = deps or {}
        for h in hashes:
            if h not in self._by_hash and (deps.get(h) or h not in self._held):
                self._held[h] = tuple(deps.get(h, ()))

    def load_incremental(self, data: bytes) -> int:
        """Apply a saved document and/or change chunks; returns how many changes were added."""
        self._check_open()
        before = len(self._changes)
        data = bytes(data)
        empty = not self._changes and not self._queue
        with gc_paused():
            if empty:
                self._load_whole(data, None)
            else:
                self._apply_batch(self._decode_chunks(data, allow_document=True))
        if empty:
            self._keep_stored(data)
        return len(self._changes) - before

    @classmethod
    def load(cls, data: bytes, actor: bytes | str | None = None) -> Document:
        with gc_paused():  # before the first allocation (see gc_pause)
            doc = cls(actor)
            doc.load_incremental(data)
        doc._saved = len(doc._changes)
        return doc

    def _decode_chunks(
        self,
        data: bytes,
        allow_document: bool,
        first: list[tuple[list[Op], int]] | None = None,
    ) -> list[Change]:
        """The changes of every chunk in `data`. When `first` is given and the first chunk is a
        document, it receives that chunk's ops as stored and how many changes it holds."""
        out: list[Change] = []
        try:
            for chunk in read_chunks(data):
                if chunk.chunk_type == DOCUMENT:
                    if not allow_document:
                        raise DecodeError(
                            "a document chunk where a change was expected", chunk.offset
                        )
                    changes, stored_ops = doc_format.decode_document_ops(chunk.data, chunk.hash)
                    if first is not None and not out:
                        first.append((stored_ops, len(changes)))
                    out.extend(changes)
                else:
                    out.append(_canonical(parse_change_body(chunk.data, chunk.hash)))
        except DecodeError:
            raise
        except (IndexError, ValueError, OverflowError, RecursionError, MemoryError) as exc:
            raise DecodeError(f"malformed data: {exc}") from None
        return out

    def _apply_batch(self, changes: list[Change]) -> None:
        """Apply what can be applied; queue the rest. On a bad change, roll the batch back."""
        mark = len(self._changes)
        queue_before = list(self._queue)
        pending = self._queue + changes
        self._queue = []
        try:
            progress = True
            while pending and progress:
                progress = False
                waiting: list[Change] = []
                for change in pending:
                    if change.hash in self._by_hash:
                        progress = True
                        continue
                    if all(d in self._by_hash for d in change.deps):
                        self._apply_one(change)
                        progress = True
                    else:
                        waiting.append(change)
                pending = waiting
            queued: dict[bytes, Change] = {}
            for change in pending:
                queued.setdefault(change.hash, change)
            self._queue = list(queued.values())
        except DecodeError:
            self._rollback(mark)
            self._queue = [c for c in queue_before if c.hash not in self._by_hash]
            raise

    def _apply_one(self, change: Change) -> None:
        own = self._by_actor.get(change.actor)
        expected = (own[-1].seq if own else 0) + 1
        if change.seq != expected:
            raise DecodeError(
                f"change {change.actor.hex()[:8]}/{change.seq} arrived but seq {expected} was due"
            )
        self._opset.check_change(change)
        for op in change.ops:
            self._opset.apply(op)
        self._record(change)

    def _rollback(self, count: int) -> None:
        for change in reversed(self._changes[count:]):
            for op in reversed(change.ops):
                self._opset.undo(op)
            del self._by_hash[change.hash]
            self._by_actor[change.actor].pop()
            if not self._by_actor[change.actor]:
                del self._by_actor[change.actor]
        self._rows.truncate(self._changes, count)
        del self._changes[count:]
        self._heads = set(c.hash for c in self._changes)
        for change in self._changes:
            self._heads.difference_update(change.deps)
        self._recompute_max_op()
        self._saved = min(self._saved, count)
        if self._stored_count > count:
            self._stored = None

    # ------------------------------------------------------------------ change graph

    def get_heads(self) -> list[bytes]:
        return sorted(self._heads)

    def _ancestors(self, heads: Iterable[bytes]) -> set[bytes]:
        """Hashes of the known changes in `heads` and everything they depend on."""
        seen: set[bytes] = set()
        stack = [h for h in heads if h in self._by_hash]
        by_hash = self._by_hash
        while stack:
            h = stack.pop()
            if h in seen:
                continue
            seen.add(h)
            stack.extend(d for d in by_hash[h].deps if d not in seen)
        return seen

    def _changes_since(self, have_deps: Iterable[bytes]) -> list[Change]:
        have_deps = list(have_deps)
        if self._heads and set(have_deps) >= self._heads:
            return []
        have = self._ancestors(have_deps)
        if not have:
            return list(self._changes)
        return [c for c in self._changes if c.hash not in have]

    def get_changes(self, have_deps: list[bytes] | None = None) -> list[bytes]:
        """Encoded changes that are not reachable from have_deps, in a topological order."""
        return [c.raw for c in self._changes_since(have_deps or [])]

    def changes_since(self, have_deps: list[bytes]) -> list[Change]:
        """Like get_changes, but decoded (actor, seq, hash, deps, message); read only."""
        return self._changes_since(have_deps)

    def get_all_changes(self) -> list[bytes]:
        return [c.raw for c in self._changes]

    def get_change_by_hash(self, change_hash: bytes) -> bytes | None:
        change = self._by_hash.get(change_hash)
        return change.raw if change else None

    def get_missing_deps(self, heads: list[bytes] | None = None) -> list[bytes]:
        """Hashes we need before the queued changes (and the given heads) can be applied."""
        queued = {c.hash for c in self._queue}
        held = self._held
        missing: set[bytes] = set()
        for change in self._queue:
            for dep in change.deps:
                if dep not in self._by_hash and dep not in queued and dep not in held:
                    missing.add(dep)
        for head in heads or []:
            if head not in self._by_hash and head not in queued and head not in self._held:
                missing.add(head)
        return sorted(missing)

    def missing_for_held(self) -> list[bytes]:
        """Hashes held changes depend on that are neither here, queued nor held: a held change
        can only be let in later with its ancestry. Kept apart from get_missing_deps: sync asks
        for these once per peer and goes quiet either way, as the peer may never have them
        (a held change whose dependency the holder dropped)."""
        queued = {c.hash for c in self._queue}
        held = self._held
        return sorted(
            {
                dep
                for deps in held.values()
                for dep in deps
                if dep not in self._by_hash and dep not in queued and dep not in held
            }
        )

    def _clock(self, heads: Iterable[bytes]) -> Clock:
        heads = list(heads)
        for h in heads:
            if h not in self._by_hash:
                raise KeyError(f"unknown head {h.hex()}")
        clock: Clock = {}
        for h in self._ancestors(heads):
            change = self._by_hash[h]
            if change.max_op > clock.get(change.actor, 0):
                clock[change.actor] = change.max_op
        return clock

    # ------------------------------------------------------------------ save, fork, merge

    def save(self) -> bytes:
        """The whole document as one compressed document chunk, as the reference writes it."""
        with gc_paused():
            self._saved = len(self._changes)
            data = doc_format.encode_document(self, deflate=True)
        self._stored, self._stored_count = data, self._saved
        return data

    def save_incremental(self) -> bytes:
        """The changes added since the last save or save_incremental, concatenated."""
        new = self._changes[self._saved :]
        data = join_bytes([c.raw for c in new])
        if self._stored is not None and self._stored_count == self._saved:
            self._stored, self._stored_count = self._stored + data, len(self._changes)
        self._saved = len(self._changes)
        return data

    def fork(self, actor: bytes | str | None = None, heads: list[bytes] | None = None) -> Document:
        doc = Document(actor)
        if heads is None:
            source = self._changes
        else:
            keep = self._ancestors(heads)
            if len(keep) < len(set(heads)):
                raise KeyError("fork at heads this document does not have")
            source = [c for c in self._changes if c.hash in keep]
        with gc_paused():
            doc._apply_batch([_clone(c) for c in source])
        return doc

    def merge(self, other: Document) -> None:
        """Take every change `other` has that this document lacks."""
        self._check_open()
        with gc_paused():
            self._apply_batch([_clone(c) for c in other._changes if c.hash not in self._by_hash])

    # ------------------------------------------------------------------ reading

    def _state(self, obj: ObjId | str | OpId) -> ObjState:
        if isinstance(obj, str):
            obj = ObjId.parse(obj)
        state = self._opset.objects.get(obj)
        if state is None:
            raise KeyError(f"no object {obj}")
        return state

    def object_type(self, obj: ObjId | str) -> ObjType:
        return ObjType(self._state(obj).type)

    def _value(self, op: Op, clock: Clock | None) -> Any:
        if op.action in MAKE_ACTIONS:
            return ObjId(*op.id)
        if op.vtype == V_COUNTER:
            return op.counter_value(clock)
        return scalar_to_py(op.vtype, op.value)

    def get(self, obj: ObjId | str, key: str | int, heads: list[bytes] | None = None) -> Any:
        """The winning value at a key or index: a scalar, an ObjId for an object, or None."""
        values = self.get_all(obj, key, heads)
        return values[-1] if values else None

    def get_all(
        self, obj: ObjId | str, key: str | int, heads: list[bytes] | None = None
    ) -> list[Any]:
        """Every concurrent value at a key or index, in op id order (the winner last)."""
        clock = None if heads is None else self._clock(heads)
        state = self._state(obj)
        ops = self._opset.visible_ops(state, key, clock)
        return [self._value(op, clock) for op in ops]

    def keys(self, obj: ObjId | str = ROOT, heads: list[bytes] | None = None) -> list[str]:
        clock = None if heads is None else self._clock(heads)
        state = self._state(obj)
        if state.keys is None:
            raise TypeError("keys() needs a map")
        return [k for k in sorted(state.keys) if self._opset.visible_ops(state, k, clock)]

    def length(self, obj: ObjId | str, heads: list[bytes] | None = None) -> int:
        state = self._state(obj)
        if state.seq is not None:
            if heads is None:
                return state.seq.width
            clock = self._clock(heads)
            if state.type == MAKE_TEXT:
                return len(self._text(state, clock))
            return sum(1 for _ in self._opset.visible_elements(state, clock))
        return len(self.keys(obj, heads))

    def text(self, obj: ObjId | str, heads: list[bytes] | None = None) -> str:
        state = self._state(obj)
        if state.seq is None:
            raise TypeError("text() needs a text or list object")
        return self._text(state, None if heads is None else self._clock(heads))

    def _text(self, state: ObjState, clock: Clock | None) -> str:
        parts = []
        for elem in self._opset.visible_elements(state, clock):
            op = elem.winner() if clock is None else elem.winner_at(clock)
            assert op is not None
            value = op.value
            parts.append(value if op.action == SET and type(value) is str else "\ufffc")
        return "".join(parts)

    def to_py(self, heads: list[bytes] | None = None) -> dict[str, Any]:
        """The document as plain Python: text → str, counter → int, timestamp → UTC datetime."""
        clock = None if heads is None else self._clock(heads)
        return self._materialize(self._opset.objects[(0, b"")], clock)  # type: ignore[no-any-return]

    def _materialize(self, state: ObjState, clock: Clock | None) -> Any:
        """Plain Python for an object and everything under it. Iterative, so a hostile peer's
        deeply nested document cannot exhaust the interpreter's recursion limit."""
        if state.type == MAKE_TEXT:
            return self._text(state, clock)
        top: Any = {} if state.keys is not None else []
        stack: list[tuple[ObjState, Any]] = [(state, top)]
        objects = self._opset.objects
        while stack:
            state, container = stack.pop()
            if state.keys is not None:
                for key, bucket in state.keys.items():
                    for candidate in reversed(bucket):
                        if (
                            candidate.is_visible()
                            if clock is None
                            else candidate.is_visible_at(clock)
                        ):
                            container[key] = self._child(candidate, clock, objects, stack)
                            break
            else:
                for elem in self._opset.visible_elements(state, clock):
                    op = elem.winner() if clock is None else elem.winner_at(clock)
                    assert op is not None
                    container.append(self._child(op, clock, objects, stack))
        return top

    def _child(
        self,
        op: Op,
        clock: Clock | None,
        objects: dict[OpId, ObjState],
        stack: list[tuple[ObjState, Any]],
    ) -> Any:
        if op.action in MAKE_ACTIONS:
            child = objects[op.id]
            if child.type == MAKE_TEXT:
                return self._text(child, clock)
            container: Any = {} if child.keys is not None else []
            stack.append((child, container))
            return container
        if op.vtype == V_COUNTER:
            return op.counter_value(clock)
        return scalar_to_py(op.vtype, op.value)

    def _op_py(self, op: Op, clock: Clock | None) -> Any:
        if op.action in MAKE_ACTIONS:
            return self._materialize(self._opset.objects[op.id], clock)
        if op.vtype == V_COUNTER:
            return op.counter_value(clock)
        return scalar_to_py(op.vtype, op.value)

    def diff(self, before: list[bytes], after: list[bytes]) -> list[Any]:
        from .patches import diff

        return diff(self, before, after)

    # ------------------------------------------------------------------ sync

    def generate_sync_message(self, state: SyncState) -> bytes | None:
        return generate_sync_message(self, state)

    def receive_sync_message(
        self, state: SyncState, message: bytes, admit: Admit | None = None
    ) -> list[Change]:
        """Apply a peer's sync message; with `admit`, returns the changes it held (see Admit)."""
        self._check_open()
        return receive_sync_message(self, state, message, admit)


def _canonical(change: Change) -> Change:
    """Refuse a change that is not encoded the way the reference encodes it.

    Such a change would get a different hash once save() writes it out again, and the saved
    document would no longer load (the reference fails there too: 'mismatching heads'); refusing
    it on arrival keeps every document we hold saveable.
    """
    received = change.raw
    encode_change(change)
    if change.raw != received:
        raise DecodeError(
            f"change {change.actor.hex()[:8]}/{change.seq} is not canonically encoded"
        )
    return change


def _clone(change: Change) -> Change:
    """A copy of a change with fresh op objects, for another document's op set."""
    ops = [
        Op(
            op.id,
            op.obj,
            op.key,
            op.insert,
            op.action,
            op.vtype,
            op.value,
            op.pred,
            op.expand,
            op.mark_name,
        )
        for op in change.ops
    ]
    return Change(
        change.actor,
        change.seq,
        change.start_op,
        change.time,
        change.message,
        change.deps,
        ops,
        change.extra,
        change.hash,
        change.raw,
        change.other_actors,
    )
