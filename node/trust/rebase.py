"""A document's content without one person's words, written as a fresh history (docs/trust.md §4).

Words cannot be cut out of an Automerge history (every change hashes its ancestors), so the home
node of a document writes a new history with the same id: one change by the home node's actor
holding what the document shows when the erased person's ops never counted. That is the effective
view of `sync/automerge/effective.py` with one more condition, "the op's actor is not one of the
person's", so:

* an item the person made (a comment, a task, their ally entry, a need) is gone with everything in
  it, since the op that made the object does not count;
* a value the person set is shown as the value it overwrote (someone else's, or nothing);
* their characters in a shared text are gone, everyone else's stay (each character is an op);
* what the person deleted is back: their deletes do not count either (nobody else's words are
  lost);
* the envelope (`id`, `type`, `origin_node`, `created_*`, `schema_version`) counts whoever wrote
  it, and so do the maps, lists and texts the document's first change made (its skeleton: `allies`,
  `plan`, `comments`...), though not what the person put in them: they hold no words, and the
  document keeps its identity and everyone else's items; so do the fields that classify rather
  than say something (`WORDLESS`: status, place, tags, the initiative a thread is about);
* wherever the person's id still appears (`created_by`, `by`, a key of `allies` or
  `contributors`), it is replaced by `FORMER_RESIDENT` ("een oud-bewoner") or dropped.

A required text left empty (the title of an initiative the person started) reads `ERASED`; a
document that still breaks its schema after that is removed rather than rebased.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import base58

from sync.automerge import ROOT, Document, ObjId, ObjType
from sync.automerge.effective import Path, _View
from sync.automerge.op import Op
from sync.automerge.transaction import Transaction
from sync.automerge.values import MAKE_ACTIONS

from ..documents.validation import problem_with

FORMER_RESIDENT = base58.b58encode_check(bytes(16)).decode("ascii")
"""The person id that stands for an erased person where a document needs one (shown as "een
oud-bewoner"): a valid id that no profile ever has."""
WORDLESS = frozenset({"status", "place", "tags", "initiative"})
"""Fields that classify a document rather than say something (a status, the village, tags, the
initiative a thread is about): they count whoever set them, so a document keeps its place."""
ERASED = "(gewist)"
"""What a required title reads when only the erased person wrote it."""
ENVELOPE = frozenset({"type", "schema_version", "id", "origin_node", "created_at", "created_by"})
REBASE_TIME = 0
"""The time recorded in a rebase's change: none (the history it replaces had the times)."""


class _Text(str):
    """A string that was an Automerge text object (written back as one, so edits keep merging)."""

    __slots__ = ()


class _TextView(_View):
    def text(self, state: Any, path: Path) -> str:
        return _Text(super().text(state, path))


def erased_content(
    doc: Document,
    actors: frozenset[bytes],
    person_id: str,
    counts: Callable[[Op, Path], bool] | None = None,
) -> dict[str, Any] | None:
    """What `doc` shows without the ops of `actors` and without `person_id`; `counts` is the
    rule the document is read with otherwise (an initiative's rights), if any. None: nothing
    valid is left, the document is to be removed."""

    first = _first_change(doc)

    def effective(op: Op, path: Path) -> bool:
        if (len(path) == 1 and path[0] in ENVELOPE) or (path and path[0] in WORDLESS):
            return True
        if op.action in MAKE_ACTIONS and op.id[1] == first[0] and op.id[0] < first[1]:
            return True  # the skeleton the document was made with (its maps, lists, texts)
        if op.id[1] in actors:
            return False
        return counts is None or counts(op, path)

    view = _TextView(doc, effective)
    content: dict[str, Any] = view.materialize(doc._opset.objects[(0, b"")])
    content = _without_person(content, person_id)
    if content.get("type") in ("initiative", "discussion"):
        if not content.get("title"):
            content["title"] = ERASED
        for key in ("summary", "description") if content["type"] == "initiative" else ("intro",):
            content.setdefault(key, _Text(""))
    doc_id = content.get("id")
    if not isinstance(doc_id, str) or problem_with(doc_id, content) is not None:
        return None
    return content


def _first_change(doc: Document) -> tuple[bytes, int]:
    """The actor of the change that made the document, and the op counter after its ops (the
    lowest hash among changes without dependencies, as everywhere else)."""
    roots = sorted((c for c in doc.changes_since([]) if not c.deps), key=lambda c: c.hash)
    if not roots:
        return b"", 0
    return roots[0].actor, roots[0].start_op + len(roots[0].ops)


def _without_person(value: Any, person_id: str) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_person(v, person_id)
            for k, v in value.items()
            if (k != person_id and v != person_id) or k in ("created_by", "by", "owner")
        }
    if isinstance(value, list):
        return [_without_person(v, person_id) for v in value if v != person_id]
    if value == person_id:
        return FORMER_RESIDENT
    return value


def fresh_document(content: dict[str, Any], actor: bytes, message: str) -> Document:
    """A new history holding `content` in one change by `actor` (the home node's)."""
    doc = Document(actor=actor)
    with doc.change(message=message, time=REBASE_TIME) as tx:
        for key, value in content.items():
            _put(tx, ROOT, key, value)
    return doc


def _put(tx: Transaction, obj: ObjId | str, key: str | int, value: Any) -> None:
    """Write `value` at a map key (str) or at the end of a list (int: its index)."""
    kind = (
        ObjType.TEXT
        if isinstance(value, _Text)
        else ObjType.MAP
        if isinstance(value, dict)
        else ObjType.LIST
        if isinstance(value, list)
        else None
    )
    if kind is None:
        if isinstance(key, int):
            tx.insert(obj, key, value)
        else:
            tx.put(obj, key, value)
        return
    made = (
        tx.insert_object(obj, key, kind) if isinstance(key, int) else tx.put_object(obj, key, kind)
    )
    if isinstance(value, _Text):
        tx.splice_text(made, 0, 0, str(value))
    elif isinstance(value, dict):
        for name, item in value.items():
            _put(tx, made, name, item)
    else:
        for index, item in enumerate(value):
            _put(tx, made, index, item)
