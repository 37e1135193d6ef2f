"""Convergence properties of sync.automerge under random concurrent edits.

Three replicas fork from one document and run random steps: changes made of random ops (puts of
every scalar type into maps and lists, nested maps, lists and text, inserts, deletes, list and text
splices with non-ASCII text, counter increments), with merges and sync sessions between pairs along
the way, so later edits land on objects other replicas made. The replicas are then brought
together every way the engine offers: merge in every order, apply_changes of get_changes in a
random order, save/load_incremental, and the sync protocol. Every way must give the same document
and the same heads, because villages replicate in whatever order their peers happen to connect.

Edit scripts are abstract (selectors, not object ids or indexes) and are resolved against each
replica's current state, so any script is valid on any replica and hypothesis can shrink freely.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.automerge import (
    ROOT,
    Counter,
    Document,
    ObjId,
    ObjType,
    SyncState,
    Uint,
    decode_change,
)

I64_MIN, I64_MAX, U64_MAX = -(2**63), 2**63 - 1, 2**64 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

BASE_ACTOR = "00" * 16
REPLICA_ACTORS = ("aa" * 16, "bb" * 16, "cc" * 16)
MERGE_ACTOR = "ee" * 16

KEYS = ("a", "b", "title", "ü", "🌱")
COUNTER_KEYS = ("c0", "c1", "c2")
CHANGE_TIME = 1_760_000_000  # fixed, so a failing example replays to the same hashes

DEFAULT = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ----------------------------------------------------------------------------------

# Non-ASCII on purpose: accents, a combining mark, CJK, astral emoji (two UTF-16 units, four UTF-8
# bytes), a skin-tone modifier sequence. Lone surrogates cannot be encoded as UTF-8, so none.
chars = st.one_of(
    st.sampled_from(list("ae éü€中文😀👍🏽\u0301\n")),
    st.characters(exclude_categories=("Cs",)),
)
texts = st.text(alphabet=chars, max_size=6)
timestamps = st.integers(
    min_value=(datetime(1900, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
    max_value=(datetime(2200, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
).map(lambda ms: EPOCH + timedelta(milliseconds=ms))
scalars = st.one_of(
    texts,
    st.integers(I64_MIN, I64_MAX),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=8),
    st.integers(0, U64_MAX).map(Uint),
    timestamps,
    st.integers(-1000, 1000).map(Counter),
)
obj_types = st.sampled_from([ObjType.MAP, ObjType.LIST, ObjType.TEXT])
selector = st.integers(0, 1 << 16)

ops = st.one_of(
    st.tuples(st.just("put"), selector, st.sampled_from(KEYS), scalars),
    st.tuples(st.just("put_object"), selector, st.sampled_from(KEYS), obj_types),
    st.tuples(st.just("delete_key"), selector, selector),
    st.tuples(st.just("insert"), selector, selector, scalars),
    st.tuples(st.just("insert_object"), selector, selector, obj_types),
    st.tuples(st.just("put_index"), selector, selector, scalars),
    st.tuples(st.just("delete_index"), selector, selector),
    st.tuples(
        st.just("splice"), selector, selector, st.integers(0, 3), st.lists(scalars, max_size=3)
    ),
    st.tuples(st.just("splice_text"), selector, selector, st.integers(0, 4), texts),
    st.tuples(st.just("increment"), st.sampled_from(COUNTER_KEYS), st.integers(-100, 100)),
    st.tuples(st.just("reset_counter"), st.sampled_from(COUNTER_KEYS), st.integers(-100, 100)),
)
Op = tuple[Any, ...]
Script = list[list[Op]]  # a list of changes, each a list of ops
Step = tuple[Any, ...]  # ("edit", i, ops) | ("merge", i, j) | ("sync", i, j, reconnect)
change_ops = st.lists(ops, min_size=1, max_size=4)
scripts = st.lists(change_ops, max_size=4)
replica_index = st.integers(0, 2)
edit_step = st.tuples(st.just("edit"), replica_index, change_ops)
steps = st.lists(
    st.one_of(
        edit_step,
        edit_step,
        edit_step,
        edit_step,
        st.tuples(st.just("merge"), replica_index, replica_index),
        st.tuples(st.just("sync"), replica_index, replica_index, st.booleans()),
    ),
    max_size=20,
)

# --- replicas and their shadow model -------------------------------------------------------------


@dataclass
class Replica:
    """A document plus what the test needs to know to edit it: object types and its history.

    `types` is shared by all replicas of one run: object ids are unique across actors, and once
    replicas merge, each may edit objects the others made.
    """

    doc: Document
    types: dict[ObjId, ObjType]
    counters: ObjId
    history: list[tuple[list[bytes], dict[str, Any]]] = field(default_factory=list)

    def fork(self, actor: str) -> Replica:
        return Replica(self.doc.fork(actor=actor), self.types, self.counters)

    def record(self) -> None:
        heads = self.doc.get_heads()
        if not self.history or self.history[-1][0] != heads:
            self.history.append((heads, self.doc.to_py()))


# The shadow of one change in progress: for every reachable object, a map's children by key, a
# list's children by index (None for a scalar), or a text's length in code points.
Shadow = dict[ObjId, Any]


def read_shadow(replica: Replica) -> Shadow:
    doc, shadow, stack = replica.doc, {}, [ROOT]
    while stack:
        obj = stack.pop()
        kind = replica.types[obj]
        if kind is ObjType.MAP:
            children = {key: doc.get(obj, key) for key in doc.keys(obj)}
            shadow[obj] = {k: v if isinstance(v, ObjId) else None for k, v in children.items()}
            stack.extend(v for v in shadow[obj].values() if v is not None)
        elif kind is ObjType.LIST:
            items = [doc.get(obj, i) for i in range(doc.length(obj))]
            shadow[obj] = [v if isinstance(v, ObjId) else None for v in items]
            stack.extend(v for v in shadow[obj] if v is not None)
        else:
            shadow[obj] = len(doc.text(obj))
            assert doc.length(obj) == shadow[obj]
    return shadow


def reachable(shadow: Shadow) -> list[ObjId]:
    seen, stack = set(), [ROOT]
    while stack:
        obj = stack.pop()
        if obj in seen:
            continue
        seen.add(obj)
        node = shadow[obj]
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend(c for c in children if c is not None)
    return sorted(seen)


def pick(candidates: list[ObjId], sel: int) -> ObjId | None:
    return candidates[sel % len(candidates)] if candidates else None


def apply_op(tx: Any, replica: Replica, shadow: Shadow, op: Op) -> None:
    """Resolve one abstract op against the shadow, perform it, and update the shadow."""
    kind = op[0]
    if kind in ("increment", "reset_counter"):
        _, key, amount = op
        if kind == "increment":
            tx.increment(replica.counters, key, amount)
        else:
            tx.put(replica.counters, key, Counter(amount))
        return
    live = [o for o in reachable(shadow) if o != replica.counters]
    maps = [o for o in live if replica.types[o] is ObjType.MAP]
    lists = [o for o in live if replica.types[o] is ObjType.LIST]
    text_objs = [o for o in live if replica.types[o] is ObjType.TEXT]

    if kind in ("put", "put_object", "delete_key"):
        obj = pick(maps, op[1])
        if obj is None:
            return
        children = shadow[obj]
        if kind == "put":
            tx.put(obj, op[2], op[3])
            children[op[2]] = None
        elif kind == "put_object":
            child = tx.put_object(obj, op[2], op[3])
            register(replica, shadow, child, op[3])
            children[op[2]] = child
        elif children:
            key = sorted(children)[op[2] % len(children)]
            tx.delete(obj, key)
            del children[key]
    elif kind in ("insert", "insert_object", "put_index", "delete_index", "splice"):
        obj = pick(lists, op[1])
        if obj is None:
            return
        items = shadow[obj]
        if kind == "insert":
            index = op[2] % (len(items) + 1)
            tx.insert(obj, index, op[3])
            items.insert(index, None)
        elif kind == "insert_object":
            index = op[2] % (len(items) + 1)
            child = tx.insert_object(obj, index, op[3])
            register(replica, shadow, child, op[3])
            items.insert(index, child)
        elif kind == "put_index":
            if items:
                index = op[2] % len(items)
                tx.put(obj, index, op[3])
                items[index] = None
        elif kind == "delete_index":
            if items:
                index = op[2] % len(items)
                tx.delete(obj, index)
                del items[index]
        else:
            index = op[2] % (len(items) + 1)
            count = min(op[3], len(items) - index)
            tx.splice(obj, index, count, list(op[4]))
            items[index : index + count] = [None] * len(op[4])
    elif kind == "splice_text":
        obj = pick(text_objs, op[1])
        if obj is None:
            return
        index = op[2] % (shadow[obj] + 1)
        count = min(op[3], shadow[obj] - index)
        tx.splice_text(obj, index, count, op[4])
        shadow[obj] += len(op[4]) - count
    else:  # pragma: no cover - the strategy makes no other kind
        raise AssertionError(kind)


def register(replica: Replica, shadow: Shadow, obj: ObjId, kind: ObjType) -> None:
    replica.types[obj] = kind
    shadow[obj] = {} if kind is ObjType.MAP else [] if kind is ObjType.LIST else 0


def run_change(replica: Replica, change: list[Op], message: str) -> None:
    """One Automerge change made of the given abstract ops (no change if every op was skipped)."""
    shadow = read_shadow(replica)
    with replica.doc.change(message=message, time=CHANGE_TIME) as tx:
        for op in change:
            apply_op(tx, replica, shadow, op)
    replica.record()


def make_base(script: Script) -> Replica:
    doc = Document(actor=BASE_ACTOR)
    with doc.change(message="skeleton", time=CHANGE_TIME) as tx:
        counters = tx.put_object(ROOT, "counters", ObjType.MAP)
        for key in COUNTER_KEYS:
            tx.put(counters, key, Counter(0))
        tx.put(ROOT, "title", "Moestuin")
        nested = tx.put_object(ROOT, "m", ObjType.MAP)
        tasks = tx.put_object(ROOT, "l", ObjType.LIST)
        tx.insert(tasks, 0, "water geven")
        tx.insert(tasks, 1, Uint(3))
        body = tx.put_object(ROOT, "t", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Hallo wêreld 🌍")
    types = {ROOT: ObjType.MAP, counters: ObjType.MAP, nested: ObjType.MAP}
    types |= {tasks: ObjType.LIST, body: ObjType.TEXT}
    base = Replica(doc, types, counters)
    base.record()
    for number, change in enumerate(script):
        run_change(base, change, f"base #{number}")
    return base


def run_steps(replicas: list[Replica], steps: list[Step]) -> None:
    """Edits on single replicas, with merges and syncs between pairs along the way.

    A sync keeps its two sync states per pair for the whole run, as peers that meet again do;
    with `reconnect` the states first go through encode/decode, as after a node restart.
    """
    states: dict[tuple[int, int], tuple[SyncState, SyncState]] = {}
    for number, step in enumerate(steps):
        kind, i = step[0], step[1]
        if kind == "edit":
            run_change(replicas[i], step[2], f"replica {i} step {number}")
            continue
        j = step[2]
        if i == j:
            continue
        if kind == "merge":
            replicas[i].doc.merge(replicas[j].doc)
        else:
            ours, theirs = states.get((i, j), (SyncState(), SyncState()))
            if step[3]:
                ours, theirs = SyncState.decode(ours.encode()), SyncState.decode(theirs.encode())
            sync(replicas[i].doc, replicas[j].doc, ours, theirs)
            states[(i, j)] = ours, theirs
            assert state(replicas[i].doc) == state(replicas[j].doc), f"step {number}: {step}"
            replicas[j].record()
        replicas[i].record()


def make_replicas(base_script: Script, steps: list[Step]) -> tuple[Replica, list[Replica]]:
    base = make_base(base_script)
    replicas = [base.fork(actor) for actor in REPLICA_ACTORS]
    run_steps(replicas, steps)
    return base, replicas


# --- ways to bring replicas together -------------------------------------------------------------


def state(doc: Document) -> tuple[list[bytes], dict[str, Any]]:
    return doc.get_heads(), doc.to_py()


def conflicts(doc: Document, types: dict[ObjId, ObjType], obj: ObjId = ROOT) -> Any:
    """Every value at every key and index (get_all, losers included), nested objects expanded.

    to_py() shows only the winners; replicas must also agree on what lost, since the losers
    surface again when the winner is deleted and a UI may show them as a conflict.
    """
    kind = types[obj]
    if kind is ObjType.TEXT:
        return doc.text(obj)
    positions = doc.keys(obj) if kind is ObjType.MAP else range(doc.length(obj))
    return {
        position: [
            (str(v), conflicts(doc, types, v)) if isinstance(v, ObjId) else v
            for v in doc.get_all(obj, position)
        ]
        for position in positions
    }


def by_merge(replicas: list[Replica], order: tuple[int, ...]) -> Document:
    doc = replicas[order[0]].doc.fork(actor=MERGE_ACTOR)
    for index in order[1:]:
        doc.merge(replicas[index].doc)
    return doc


def by_apply_changes(
    base: Replica, replicas: list[Replica], shuffle: Callable[[list[bytes]], list[bytes]]
) -> Document:
    have = base.doc.get_heads()
    changes = base.doc.get_all_changes()
    for replica in replicas:
        changes += replica.doc.get_changes(have)
    doc = Document(actor=MERGE_ACTOR)
    for change in shuffle(changes):
        doc.apply_changes([change])
    assert doc.get_missing_deps() == []
    return doc


def by_save_load(
    replicas: list[Replica], order: tuple[int, ...], base: Replica
) -> Iterator[Document]:
    first, second, third = (replicas[i].doc for i in order)
    doc = Document.load(first.save(), actor=MERGE_ACTOR)
    doc.load_incremental(second.save())
    doc.load_incremental(b"".join(third.get_changes(base.doc.get_heads())))
    yield doc
    yield Document.load(first.save() + second.save() + third.save(), actor=MERGE_ACTOR)


def sync(
    a: Document,
    b: Document,
    state_a: SyncState | None = None,
    state_b: SyncState | None = None,
    max_rounds: int = 30,
) -> int:
    """Exchange sync messages until both sides are quiet (fresh sync states unless given)."""
    state_a = SyncState() if state_a is None else state_a
    state_b = SyncState() if state_b is None else state_b
    for rounds in range(1, max_rounds + 1):
        quiet = True
        message = a.generate_sync_message(state_a)
        if message is not None:
            quiet = False
            b.receive_sync_message(state_b, message)
        message = b.generate_sync_message(state_b)
        if message is not None:
            quiet = False
            a.receive_sync_message(state_a, message)
        if quiet:
            return rounds
    raise AssertionError(f"sync did not go quiet within {max_rounds} rounds")


def by_sync(replicas: list[Replica], order: tuple[int, ...]) -> Document:
    hub = replicas[order[0]].doc.fork(actor=MERGE_ACTOR)
    spokes = [replicas[i].doc.fork() for i in order[1:]]
    for spoke in [*spokes, spokes[0]]:  # the first spoke learns the second's edits on the way back
        sync(hub, spoke)
    for spoke in spokes:
        assert state(spoke) == state(hub)
    return hub


def expected_heads(replicas: list[Replica]) -> list[bytes]:
    """The changes no other change depends on, read from the change chunks themselves."""
    changes = [decode_change(c) for r in replicas for c in r.doc.get_all_changes()]
    depended_on = {dep for change in changes for dep in change.deps}
    return sorted({change.hash for change in changes} - depended_on)


# --- properties ----------------------------------------------------------------------------------


def check_convergence(base_script: Script, steps_: list[Step], data: st.DataObject) -> None:
    base, replicas = make_replicas(base_script, steps_)
    types = base.types
    reference = by_merge(replicas, (0, 1, 2))
    want = (*state(reference), conflicts(reference, types))
    assert want[0] == expected_heads(replicas)

    def same(doc: Document, how: str) -> None:
        assert (*state(doc), conflicts(doc, types)) == want, how

    for order in itertools.permutations(range(3)):
        merged = by_merge(replicas, order)
        same(merged, f"merge in order {order}")
        merged.merge(replicas[order[0]].doc)  # merging again changes nothing
        same(merged, f"second merge in order {order}")

    shuffled = by_apply_changes(base, replicas, lambda xs: data.draw(st.permutations(xs)))
    same(shuffled, "apply_changes in a shuffled order")

    order = tuple(data.draw(st.permutations(range(3))))
    for loaded in by_save_load(replicas, order, base):
        same(loaded, f"save/load_incremental in order {order}")

    same(by_sync(replicas, order), f"sync protocol in order {order}")


@DEFAULT
@given(base_script=scripts, steps_=steps, data=st.data())
def test_concurrent_edits_converge_however_they_are_combined(
    base_script: Script, steps_: list[Step], data: st.DataObject
) -> None:
    check_convergence(base_script, steps_, data)


@pytest.mark.slow
@SLOW
@given(base_script=scripts, steps_=steps, data=st.data())
def test_concurrent_edits_converge_long_run(
    base_script: Script, steps_: list[Step], data: st.DataObject
) -> None:
    check_convergence(base_script, steps_, data)


def check_save_load(base_script: Script, steps_: list[Step]) -> None:
    base, replicas = make_replicas(base_script, steps_)
    for doc in [base.doc, *(r.doc for r in replicas), by_merge(replicas, (2, 0, 1))]:
        loaded = Document.load(doc.save())
        assert state(loaded) == state(doc)
        # The loaded document rebuilds every change from the columns, byte for byte.
        assert sorted(loaded.get_all_changes()) == sorted(doc.get_all_changes())
        assert state(Document.load(loaded.save())) == state(doc)


@DEFAULT
@given(base_script=scripts, steps_=steps)
def test_save_then_load_keeps_document_and_heads(base_script: Script, steps_: list[Step]) -> None:
    check_save_load(base_script, steps_)


@pytest.mark.slow
@SLOW
@given(base_script=scripts, steps_=steps)
def test_save_then_load_long_run(base_script: Script, steps_: list[Step]) -> None:
    check_save_load(base_script, steps_)


def check_history(base_script: Script, steps_: list[Step]) -> None:
    base, replicas = make_replicas(base_script, steps_)
    merged = by_merge(replicas, (1, 2, 0))
    for replica in [base, *replicas]:
        for heads, snapshot in replica.history:
            assert replica.doc.to_py(heads=heads) == snapshot
            assert merged.to_py(heads=heads) == snapshot
            past = merged.fork(actor=MERGE_ACTOR, heads=heads)
            assert state(past) == (heads, snapshot)


@DEFAULT
@given(base_script=scripts, steps_=steps)
def test_fork_at_historical_heads_shows_that_moment(
    base_script: Script, steps_: list[Step]
) -> None:
    check_history(base_script, steps_)


@pytest.mark.slow
@SLOW
@given(base_script=scripts, steps_=steps)
def test_fork_at_historical_heads_long_run(base_script: Script, steps_: list[Step]) -> None:
    check_history(base_script, steps_)
