"""diff(before, after): applying the patches to the before state gives the after state."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.automerge import ROOT, Counter, Document, ObjType, Patch


def apply_patches(state: dict[str, Any], patches: list[Patch]) -> dict[str, Any]:
    state = copy.deepcopy(state)
    for patch in patches:
        *path, last = patch.path
        target: Any = state
        parent: Any = None
        for step in path:
            parent, target = target, target[step]
        if isinstance(target, str):  # text: rebuild the string in its parent
            if patch.action == "splice":
                target = target[:last] + patch.value + target[last:]
            else:
                target = target[:last] + target[last + patch.length :]
            parent[path[-1]] = target
        elif patch.action == "put":
            target[last] = patch.value
        elif patch.action == "delete":
            if isinstance(target, dict):
                del target[last]
            else:
                del target[last : last + patch.length]
        elif patch.action == "insert":
            target[last:last] = patch.value
    return state


def test_patches_name_the_edits_inside_nested_objects() -> None:
    doc = Document(actor="aa" * 16)
    with doc.change() as tx:
        tx.put(ROOT, "title", "Repair café")
        plan = tx.put_object(ROOT, "plan", ObjType.LIST)
        task = tx.insert_object(plan, 0, ObjType.MAP)
        tx.put(task, "title", "ruimte zoeken")
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Elke zaterdag")
        tx.put(ROOT, "allies", Counter(1))
    before = doc.get_heads()
    with doc.change() as tx:
        tx.put(task, "done", True)
        tx.splice_text(body, 5, 0, "eerste ")
        tx.increment(ROOT, "allies", 2)
        tx.delete(ROOT, "title")
    patches = doc.diff(before, doc.get_heads())
    assert Patch("put", ["plan", 0, "done"], True) in patches
    assert Patch("splice", ["body", 5], "eerste ") in patches
    assert Patch("put", ["allies"], 3) in patches
    assert Patch("delete", ["title"]) in patches
    assert apply_patches(doc.to_py(before), patches) == doc.to_py()
    assert doc.diff(doc.get_heads(), doc.get_heads()) == []


def random_edit(doc: Document, rng: random.Random) -> None:
    state = doc.to_py()
    with doc.change() as tx:
        for _ in range(rng.randint(1, 4)):
            choice = rng.random()
            items = doc.get(ROOT, "items")
            text = doc.get(ROOT, "text")
            if choice < 0.2:
                tx.put(ROOT, rng.choice("abc"), rng.randint(0, 9))
            elif choice < 0.3 and state:
                tx.delete(ROOT, rng.choice("abc"))
            elif choice < 0.55:
                n = doc.length(items)
                if n and rng.random() < 0.4:
                    tx.delete(items, rng.randrange(n))
                elif n and rng.random() < 0.3:
                    tx.put(items, rng.randrange(n), rng.random())
                else:
                    tx.insert(items, rng.randint(0, n), rng.randint(0, 99))
            elif choice < 0.85:
                n = doc.length(text)
                at = rng.randint(0, n)
                tx.splice_text(
                    text, at, min(rng.randint(0, 2), n - at), rng.choice(["x", "é", "🌱", ""])
                )
            else:
                tx.increment(ROOT, "n", rng.randint(-3, 3))


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32))
def test_patches_between_any_two_points_in_concurrent_history_replay_exactly(seed: int) -> None:
    rng = random.Random(seed)
    doc = Document(actor="aa" * 16)
    with doc.change() as tx:
        tx.put_object(ROOT, "items", ObjType.LIST)
        tx.put_object(ROOT, "text", ObjType.TEXT)
        tx.put(ROOT, "n", Counter(0))
    other = doc.fork(actor="bb" * 16)
    points = [doc.get_heads()]
    for _ in range(6):
        random_edit(rng.choice([doc, other]), rng)
        if rng.random() < 0.3:
            doc.merge(other)
        points.append(doc.get_heads())
    doc.merge(other)
    points.append(doc.get_heads())
    before, after = rng.choice(points), rng.choice(points)  # also backwards, or concurrent
    patches = doc.diff(before, after)
    assert apply_patches(doc.to_py(before), patches) == doc.to_py(after)
