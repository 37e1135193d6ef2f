"""Turn "the text is now X" from a form into splices on an Automerge text, so that concurrent
edits to other parts of the same text survive (difflib finds the changed ranges)."""

from __future__ import annotations

from difflib import SequenceMatcher

from sync.automerge import ObjId
from sync.automerge.transaction import Transaction


def replace_text(tx: Transaction, obj: ObjId, old: str, new: str) -> None:
    """Splice `obj` (whose current content is `old`) so that it reads `new`."""
    if old == new:
        return
    matcher = SequenceMatcher(a=old, b=new)
    # apply from the end so earlier positions stay valid
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        tx.splice_text(obj, i1, i2 - i1, new[j1:j2])
