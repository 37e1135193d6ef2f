"""Turning "this field now reads X" from a form into the smallest Automerge edit, so that a field
the person did not touch writes no op and cannot overwrite what someone else saved meanwhile (the
counterpart of node.texts.replace_text for places, lists and plain values)."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from sync.automerge import Document, ObjId, ObjType
from sync.automerge.transaction import Transaction

from .texts import replace_text


def put_new(tx: Transaction, obj: ObjId | str, key: str, value: Any) -> None:
    """Put `value` unless it is already there (scalars only; `tx.put` knows whether the value
    there counts)."""
    tx.put(obj, key, value)


def put_map(tx: Transaction, obj: ObjId | str, key: str, values: dict[str, Any]) -> ObjId:
    """A new nested map filled with `values` (a fresh object: only for new items)."""
    child = tx.put_object(obj, key, ObjType.MAP)
    for name, value in values.items():
        tx.put(child, name, value)
    return child


def put_list(tx: Transaction, obj: ObjId | str, key: str, values: list[Any]) -> ObjId:
    child = tx.put_object(obj, key, ObjType.LIST)
    for index, value in enumerate(values):
        tx.insert(child, index, value)
    return child


def replace_list(tx: Transaction, obj: ObjId, new: list[Any]) -> None:
    """Splice the list `obj` so that it reads `new`, touching only the entries that differ."""
    old = [tx.get(obj, index) for index in range(tx.length(obj))]
    if old == new:
        return
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag != "equal":
            tx.splice(obj, i1, i2 - i1, new[j1:j2])


def set_text(tx: Transaction, doc: Document, obj: ObjId | str, key: str, new: str) -> None:
    """Make the text at `key` read `new` with splices (node.texts.replace_text), so concurrent
    edits elsewhere in it survive. A peer may have written the field as a plain string (the
    schema allows both); that becomes a text object. `doc` is the document the edit is given."""
    text = tx.get(obj, key)
    if isinstance(text, ObjId) and doc.object_type(text) == ObjType.TEXT:
        replace_text(tx, text, tx.text(text), new)
    elif text != new:
        created = tx.put_object(obj, key, ObjType.TEXT)
        tx.splice_text(created, 0, 0, new)


def set_place(tx: Transaction, obj: ObjId | str, place: dict[str, str]) -> None:
    """Make the `place` map of `obj` hold exactly `place` (village, neighbourhood)."""
    target = tx.get(obj, "place")
    if not isinstance(target, ObjId):
        put_map(tx, obj, "place", place)
        return
    for key in ("village", "neighbourhood"):
        if key in place:
            put_new(tx, target, key, place[key])
        elif tx.get(target, key) is not None:
            tx.delete(target, key)
