"""Edits the home of a document had not seen when it rewrote the document after an erasure,
carried over onto the new history (docs/trust.md §4).

A village that was away while the home rewrote a document comes back holding edits the new
history lacks. Its node finds them by the rebase record's clock (node/trust/erasure.py
`split_old`), and for each of its own residents who made some, works out what those edits
changed — the content with them against the content the home started from, both without the
erased person (node/trust/rebase.py) — and writes that difference on the new history as one change
by the resident's own actor, through the normal write path. So the rights of §3 judge it like any
edit of theirs, and not a word of the erased person comes back.

Only a node's own residents are replayed there: every node replays its own, so each edit is
carried over once, by the node that vouches for its author. Map keys are item ids, so an edit
lands on the same task or comment in the new history; texts are merged by aligning the old text
with the new one (a changed span is put where its surroundings are now).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from sync.automerge import ROOT, Document, ObjId
from sync.automerge.change import Change
from sync.automerge.effective import Path
from sync.automerge.op import Op
from sync.automerge.transaction import Transaction

from .rebase import ENVELOPE, _put, _Text, erased_content

Counts = Callable[[Document], Callable[[Op, Path], bool] | None]
SKIPPED = ENVELOPE | {"contributors"}


@dataclass(frozen=True)
class Replay:
    """One resident's unseen edits to one document, as a difference of two contents."""

    actor: bytes
    person: str
    base: dict[str, Any]
    theirs: dict[str, Any]


def replays_for(
    doc: Document,
    seen: list[Change],
    unseen: list[Change],
    residents: dict[bytes, str],
    erased: frozenset[bytes],
    person: str,
    counts: Counts,
) -> list[Replay]:
    """The replays of `residents`' (actor -> person) changes among `unseen`."""
    base_doc = doc.fork(heads=[c.hash for c in seen]) if seen else Document()
    base = erased_content(base_doc, erased, person, counts(base_doc)) if seen else None
    found: list[Replay] = []
    for actor in sorted({c.actor for c in unseen}):
        if actor not in residents or actor in erased:
            continue
        mine = [c.hash for c in unseen if c.actor == actor]
        theirs_doc = doc.fork(heads=[c.hash for c in seen] + mine)
        theirs = erased_content(theirs_doc, erased, person, counts(theirs_doc))
        if base is not None and theirs is not None and theirs != base:
            found.append(Replay(actor, residents[actor], base, theirs))
    return found


def replay_edit(replay: Replay) -> Callable[[Transaction, Document], None]:
    """The edit that writes a replay's difference on the current document."""

    def edit(tx: Transaction, _doc: Document) -> None:
        _merge(tx, ROOT, replay.base, replay.theirs, top=True)

    return edit


def _merge(
    tx: Transaction, obj: ObjId | str, base: dict[str, Any], theirs: dict[str, Any], top: bool
) -> None:
    for key, value in theirs.items():
        if top and key in SKIPPED:
            continue
        old = base.get(key)
        if key in base and old == value and type(old) is type(value):
            continue
        here = tx.get(obj, key)
        if isinstance(value, dict) and isinstance(old, dict) and isinstance(here, ObjId):
            _merge(tx, here, old, value, top=False)
        elif isinstance(value, _Text) and isinstance(old, str) and _is_text(tx, here):
            assert isinstance(here, ObjId)
            _merge_text(tx, here, str(old), str(value))
        else:
            _put(tx, obj, key, value)
    for key in base:
        if key not in theirs and not (top and key in SKIPPED) and tx.get(obj, key) is not None:
            tx.delete(obj, key)


def _is_text(tx: Transaction, value: Any) -> bool:
    if not isinstance(value, ObjId):
        return False
    try:
        tx.text(value)
    except Exception:  # a map or list at that key now
        return False
    return True


def _merge_text(tx: Transaction, text: ObjId, base: str, theirs: str) -> None:
    """Apply the change base -> theirs to the text as it is now, span by span (last first, so
    earlier positions stay valid), each at the place its surroundings have now."""
    current = tx.text(text)
    where = _aligner(base, current)
    opcodes = SequenceMatcher(a=base, b=theirs, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        start, end = where(i1), where(i2)
        tx.splice_text(text, start, max(0, end - start), theirs[j1:j2])


def _aligner(base: str, current: str) -> Callable[[int], int]:
    """Maps a position in `base` to the same place in `current` (inside a common stretch:
    exactly; elsewhere: the start of the next common stretch)."""
    blocks = SequenceMatcher(a=base, b=current, autojunk=False).get_matching_blocks()

    def where(position: int) -> int:
        for a, b, size in blocks:
            if a <= position <= a + size:
                return b + (position - a)
            if position < a:
                return b
        return len(current)

    return where
