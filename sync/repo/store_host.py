"""A DocumentHost over any DocStore with the semantics of automerge-repo's sync server
(`sharePolicy: async () => false`): accept every document, serve it to whoever asks, announce
nothing, keep peers' sync states in memory. The standalone server and the tests run on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from sync.automerge import Document
from sync.automerge.change import Change
from sync.automerge.document import Admit
from sync.store import DocStore

from .host import PeerInfo


class StoreHost:
    """Documents live in memory once opened; every change received is appended to the store."""

    def __init__(self, store: DocStore, *, announce: Iterable[str] = ()) -> None:
        self.store = store
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}
        self._docs: dict[str, Document] = {}
        self._sync_states: dict[tuple[str, str], bytes] = {}
        self._announce = set(announce)

    # ---------------------------------------------------------------- DocumentHost

    def open(self, document_id: str) -> Document | None:
        with self.lock(document_id):
            doc = self._docs.get(document_id)
            if doc is None:
                data = self.store.load(document_id)
                if data is None:
                    return None
                doc = Document.load(data)
                self._docs[document_id] = doc
            return doc

    def heads(self, document_id: str) -> list[bytes] | None:
        """Known without a load only for a document already open."""
        with self.lock(document_id):
            doc = self._docs.get(document_id)
            return None if doc is None else doc.get_heads()

    def lock(self, document_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(document_id, threading.RLock())

    def may_access(self, peer: PeerInfo, document_id: str) -> bool:
        return True

    def may_write(self, peer: PeerInfo, document_id: str) -> bool:
        return True

    def may_create(self, peer: PeerInfo, document_id: str) -> bool:
        return True

    def announce_to(self, peer: PeerInfo) -> Iterable[str]:
        with self._guard:
            return sorted(self._announce)

    def admission(self, peer: PeerInfo, document_id: str) -> Admit | None:
        return None  # a plain sync server applies whatever its peers send

    def held(self, peer: PeerInfo, document_id: str, changes: list[Change]) -> None:
        pass

    def received(
        self, peer: PeerInfo, document_id: str, doc: Document, heads_before: list[bytes]
    ) -> None:
        if not heads_before:
            self._adopt(document_id, doc)
        else:
            self.store.append(document_id, doc.save_incremental())

    def load_sync_state(self, storage_id: str, document_id: str) -> bytes | None:
        with self._guard:
            return self._sync_states.get((storage_id, document_id))

    def save_sync_state(self, storage_id: str, document_id: str, data: bytes) -> None:
        with self._guard:
            self._sync_states[(storage_id, document_id)] = bytes(data)

    # ---------------------------------------------------------------- local use

    def add(self, document_id: str, doc: Document, *, announce: bool = False) -> None:
        """Hold a document made here (then tell the synchronizer: `document_changed`)."""
        with self.lock(document_id):
            self._adopt(document_id, doc)
        if announce:
            with self._guard:
                self._announce.add(document_id)

    def update(self, document_id: str, edit: Callable[[Document], Any]) -> None:
        """Run a local edit under the document's lock and store what it added."""
        with self.lock(document_id):
            doc = self.open(document_id)
            if doc is None:
                raise KeyError(document_id)
            edit(doc)
            self.store.append(document_id, doc.save_incremental())

    def _adopt(self, document_id: str, doc: Document) -> None:
        with self.lock(document_id):
            self._docs[document_id] = doc
            self.store.replace(document_id, doc.save())
