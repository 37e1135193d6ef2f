"""The one write path for documents (datasette's single-writer idea): every local edit is one
Automerge change, written for the person's own actor, recorded in the document's `contributors`,
validated against its schema, then appended to the store before anyone is told it happened.

Edits made on an older version (a form opened before someone else saved) are applied to a fork at
the version the person saw and merged in, so concurrent edits to the same text both survive.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sync.automerge import ROOT, DecodeError, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id
from sync.store import DocStore

from ..errors import Invalid, NotFound
from ..phrases import N_
from .heads import HeadsIndex
from .validation import ItemMemo, validate_document

SCHEMA_VERSION = 1
COMPACT_AFTER_CHANGES = 200  # rewrite a document's file as one save after this many appends
ACCEPTED_KEPT = 64  # documents whose accepted items validation remembers (long threads, mostly)


@dataclass(frozen=True)
class Author:
    """Who makes an edit: the person (profile document id) and their actor on this node."""

    person_id: str
    actor: bytes


Edit = Callable[[Transaction, Document], Any]


class ContentView(Protocol):
    def __call__(
        self, document_id: str, doc: Document, *, shared: bool = False
    ) -> dict[str, Any]: ...

    def stored(self, document_id: str) -> None:
        """A document was written here (made, changed, or arrived)."""


class DocumentRepository:
    def __init__(
        self,
        store: DocStore,
        node_id: str,
        max_cached: int = 2048,
        heads: HeadsIndex | None = None,
    ) -> None:
        self.store = store
        self.node_id = node_id
        self.heads = heads
        """Every document's heads as last read or written (when the store has stamps)."""
        self._cache: OrderedDict[str, Document] = OrderedDict()
        self._max_cached = max_cached
        self._accepted: OrderedDict[str, ItemMemo] = OrderedDict()
        """Per document, the items of its large item maps its schema accepted (validation)."""
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()
        self._appends: dict[str, int] = {}
        self.view: ContentView | None = None
        """How documents are read for showing (node/trust/view.py: rights across nodes);
        None: as they are (`to_py`)."""
        self.listeners: list[Callable[[str], None]] = []
        """Told the id of every document created or changed here, after it is stored and outside
        its lock (replication sends the change on to peers)."""

    # ------------------------------------------------------------------ reading

    def lock(self, document_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(document_id, threading.RLock())

    def open(self, document_id: str) -> Document:
        """The live document (cached). Callers must not edit it outside `change`."""
        with self._guard:
            doc = self._cache.get(document_id)
            if doc is not None:
                self._cache.move_to_end(document_id)
                return doc
        # the stamp before the read: should the file change in between, the entry is stale
        stamp = self.heads.stamp(document_id) if self.heads is not None else None
        if self.heads is not None and stamp is None:
            raise NotFound(N_("document"))  # no file (most documents a peer offers are new)
        try:
            data = self.store.load(document_id)
        except ValueError:
            raise NotFound(N_("document")) from None
        if data is None:
            raise NotFound(N_("document"))
        try:
            doc = Document.load(data)
        except DecodeError as exc:
            raise NotFound(N_("leesbaar document (%(reason)s)"), reason=exc.reason) from None
        if self.heads is not None:
            self.heads.note(document_id, stamp, doc.get_heads())
        with self._guard:
            self._cache[document_id] = doc
            while len(self._cache) > self._max_cached:
                self._cache.popitem(last=False)
        return doc

    def known_heads(self, document_id: str) -> list[bytes] | None:
        """The document's heads without loading it: from the cached copy, else from the heads
        index while its entry matches the stored bytes; None when only a load can tell."""
        with self._guard:
            doc = self._cache.get(document_id)
        if doc is not None:
            with self.lock(document_id):
                return doc.get_heads()
        return self.heads.get(document_id) if self.heads is not None else None

    def read(self, document_id: str, *, shared: bool = False) -> dict[str, Any]:
        doc = self.open(document_id)
        with self.lock(document_id):
            return self.content(document_id, doc, shared=shared)

    def content(self, document_id: str, doc: Document, *, shared: bool = False) -> dict[str, Any]:
        """What a document shows (see `view`); call with its lock held. `shared`: the caller
        only reads what it gets, so the view may hand out the copy it keeps (a thread of 5,000
        comments costs more to copy than to show one page of)."""
        if self.view is None:
            return doc.to_py()
        return self.view(document_id, doc, shared=shared)

    def _accepted_items(self, document_id: str) -> ItemMemo:
        with self._guard:
            memo = self._accepted.setdefault(document_id, {})
            self._accepted.move_to_end(document_id)
            while len(self._accepted) > ACCEPTED_KEPT:
                self._accepted.popitem(last=False)
            return memo

    def forget(self, document_id: str) -> None:
        with self._guard:
            self._cache.pop(document_id, None)

    # ------------------------------------------------------------------ writing

    def create(
        self,
        doc_type: str,
        author: Author,
        message: str,
        fill: Edit,
        *,
        self_authored: bool = False,
        document_id: str | None = None,
    ) -> str:
        """Make a new document with the common envelope; `fill` writes the rest in one change.

        self_authored: the document is the author's own profile, whose id is the person id, so
        the author is recorded as the new document's id.
        document_id: a fixed id (a node's catalog, whose id follows from the node id).
        """
        document_id = document_id or new_document_id()
        if self_authored:
            author = Author(document_id, author.actor)
        doc = Document(actor=author.actor)
        with doc.change(message=message) as tx:
            tx.put(ROOT, "type", doc_type)
            tx.put(ROOT, "schema_version", SCHEMA_VERSION)
            tx.put(ROOT, "id", document_id)
            tx.put(ROOT, "origin_node", self.node_id)
            tx.put(ROOT, "created_at", datetime.now(UTC))
            tx.put(ROOT, "created_by", author.person_id)
            contributors = tx.put_object(ROOT, "contributors", ObjType.MAP)
            tx.put(contributors, author.actor.hex(), author.person_id)
            fill(tx, doc)
            validate_document(doc.to_py(), self._accepted_items(document_id))
        with self.lock(document_id):
            self.store.replace(document_id, doc.save())
            self._noted(document_id, doc)
        with self._guard:
            self._cache[document_id] = doc
        self._tell(document_id)
        return document_id

    def change(
        self,
        document_id: str,
        author: Author,
        message: str,
        edit: Edit,
        base_heads: list[bytes] | None = None,
    ) -> list[bytes]:
        """Apply one person's edit as one change; returns the new heads.

        With base_heads, the edit is made on the document as it was at those heads and merged,
        so an edit from a form opened earlier does not undo what others saved meanwhile.
        """
        heads = self._change(document_id, author, message, edit, base_heads)
        self._tell(document_id)
        return heads

    def _change(
        self,
        document_id: str,
        author: Author,
        message: str,
        edit: Edit,
        base_heads: list[bytes] | None,
    ) -> list[bytes]:
        with self.lock(document_id):
            doc = self.open(document_id)
            current = doc.get_heads()
            if base_heads:
                if doc.get_missing_deps(base_heads):
                    raise Invalid("version", N_("Deze versie van het document is hier onbekend."))
                base_heads = _with_own_latest(doc, base_heads, author.actor)
            if base_heads and sorted(base_heads) != current:
                work = doc.fork(actor=author.actor, heads=base_heads)
                self._edit(work, author, message, edit, document_id)
                try:
                    doc.apply_changes(work.get_changes(sorted(base_heads)))
                    validate_document(doc.to_py(), self._accepted_items(document_id))
                except (Invalid, DecodeError):
                    self.forget(document_id)  # drop the merged copy; the store still has the old
                    raise
            else:
                self._edit(doc, author, message, edit, document_id)
                if doc.get_heads() == current:  # the edit changed nothing
                    return current
            self._persist(document_id, doc)
            return doc.get_heads()

    def _counts(self, document_id: str, doc: Document) -> Any:
        """The view's rule for which ops count (None: all, or no view)."""
        rule = getattr(self.view, "counts_for", None)
        if rule is None or not document_id:
            return None
        return rule(document_id, doc)

    def _persist(self, document_id: str, doc: Document) -> None:
        self.store.append(document_id, doc.save_incremental())
        self._appends[document_id] = self._appends.get(document_id, 0) + 1
        if self._appends[document_id] >= COMPACT_AFTER_CHANGES:
            self.store.replace(document_id, doc.save())
            self._appends[document_id] = 0
        self._noted(document_id, doc)

    def _noted(self, document_id: str, doc: Document) -> None:
        """Record the heads just written, with the stamp of the bytes now stored. Under the
        document's lock, the only writer, so nothing else lands between the write and the stat."""
        if self.heads is not None:
            self.heads.note(document_id, self.heads.stamp(document_id), doc.get_heads())
        if self.view is not None:
            self.view.stored(document_id)

    def _tell(self, document_id: str) -> None:
        for listener in self.listeners:
            listener(document_id)

    # ------------------------------------------------------------------ from peers

    def adopt(self, document_id: str, doc: Document, *, from_peer: bool = False) -> None:
        """Store a document that arrived from a peer and was not here before. Call under the
        document's lock. Validation is the caller's: an invalid document is still kept (the
        quarantine lists it), since refusing it would only make the peer send it again.
        What is stored are the bytes the document arrived as, when it arrived whole: encoding
        it again would cost more than the rest of taking it in."""
        if from_peer:  # the peer still has it and sends it again when asked: no fsync
            self.store.keep(document_id, doc.stored_bytes())
        else:
            self.store.replace(document_id, doc.stored_bytes())
        self._noted(document_id, doc)
        with self._guard:
            self._cache[document_id] = doc
            self._appends[document_id] = 0

    def remove(self, document_id: str) -> None:
        """Delete a document's stored bytes (an erasure: its history is replaced or it is gone).
        Call under the document's lock."""
        delete = getattr(self.store, "delete", None)
        if delete is None:
            raise NotImplementedError("this store cannot delete documents")
        delete(document_id)
        with self._guard:
            self._cache.pop(document_id, None)
            self._appends.pop(document_id, None)
        if self.heads is not None:
            self.heads.note(document_id, None, [])

    def persist_received(self, document_id: str, doc: Document) -> None:
        """Store what a peer's sync message added to the live document. Call under its lock."""
        self._persist(document_id, doc)

    def _edit(
        self, doc: Document, author: Author, message: str, edit: Edit, document_id: str = ""
    ) -> None:
        """One change, or none at all when `edit` writes nothing (saving an unchanged form).
        A value that is there but does not count (the rights across nodes leave it out) is
        written again rather than taken as already there."""
        rule: list[Any] = []

        def counts(op: Any) -> bool:
            # judged only when an edit puts a value that is already there (rare): the view's
            # rule costs a pass over the document's history
            if not rule:
                rule.append(self._counts(document_id, doc))
            return rule[0] is None or bool(rule[0](op, ()))

        with doc.change(message=message, actor=author.actor) as tx:
            tx.counts = counts
            edit(tx, doc)
            if not tx.ops:
                return
            contributors = doc.get(ROOT, "contributors")
            if doc.get(contributors, author.actor.hex()) != author.person_id:
                tx.put(contributors, author.actor.hex(), author.person_id)
            validate_document(doc.to_py(), self._accepted_items(document_id))


def _with_own_latest(doc: Document, base_heads: list[bytes], actor: bytes) -> list[bytes]:
    """The version to apply an edit from an older form on: what the form was opened at, plus the
    author's own latest change when that is newer (saved from another tab, say).

    One actor's changes form a single sequence; an edit on a version without the actor's own
    latest change would reuse its seq and op ids, which no peer can accept. So a person's own newer
    edits count as seen (their later save wins over their earlier one), while other people's newer
    edits still merge.
    """
    own = [c for c in doc.changes_since(base_heads) if c.actor == actor]
    if not own:
        return base_heads
    return sorted({*base_heads, own[-1].hash})
