"""An initiative's status changes, read back from its Automerge history.

Documents keep no list of past statuses; they do not need one, because every change is kept with
its time. A change moved the status when the root `status` differs between the change's deps and
the change itself. Only changes that wrote some `status` key are compared (a task's status is a
`status` key too, which the comparison then rules out), so a document with a long edit history of
its description costs one pass over the change list, not one state per change.

Times are the changes' own (seconds, set by whoever made the change, on this node or another):
good enough for a feed, not evidence of anything.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec

from sync.automerge import ROOT, Document

from ..fields import document_id
from ..phrases import N_
from ..vocabulary import STATUSES

if TYPE_CHECKING:
    from ..runtime import Node


class StatusChange(msgspec.Struct, frozen=True, kw_only=True):
    change: str
    """The change's hash (hex): a stable id for the event on every node that holds it."""
    status: str
    """One of vocabulary.STATUSES; changes to anything else are left out."""
    at: datetime


MILLISECONDS = 10**11
"""Change times are seconds; a time this large (past the year 5000) can only be milliseconds,
which some Automerge clients write."""


def _moment(time: int) -> datetime:
    seconds = time / 1000 if time >= MILLISECONDS else time
    return datetime.fromtimestamp(min(max(seconds, 0), 253_402_300_799), UTC)


def _status(doc: Document, heads: list[bytes]) -> object:
    return doc.get(ROOT, "status", heads=heads) if heads else None


def status_changes_of(doc: Document) -> list[StatusChange]:
    """The status changes in `doc`'s history, oldest first; the status it was created with is not
    a change. Call under the document's lock."""
    found: list[StatusChange] = []
    for change in doc.changes_since([]):
        if not change.deps or not any(op.key == "status" for op in change.ops):
            continue
        before = _status(doc, list(change.deps))
        after = _status(doc, [change.hash])
        if after == before or not isinstance(after, str) or after not in STATUSES:
            continue
        found.append(
            StatusChange(
                change=change.hash.hex(),
                status=after,
                at=_moment(change.time),
            )
        )
    found.sort(key=lambda s: (s.at, s.change))
    return found


async def status_changes(node: Node, initiative_id: str) -> list[StatusChange]:
    """The initiative's status changes, oldest first. NotFound for an id this node lacks."""

    def read() -> list[StatusChange]:
        key = document_id(initiative_id, N_("initiatief"))
        doc = node.documents.open(key)
        with node.documents.lock(key):
            return status_changes_of(doc)

    return await asyncio.to_thread(read)
