"""The node as an automerge-repo document host: what a connected peer may read, write and bring,
and what happens to a document after a peer's change lands (stored now, projected soon).

Rights per connection come from how it was made (`Grant`): a node this one invited or dials reads
and writes every shared document and has every new one announced to it; a visitor without a token,
only when the host opened public read access, reads what it asks for by id and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sync.automerge import Document
from sync.repo.host import PeerInfo

from ..documents.repository import DocumentRepository
from ..errors import NotFound
from .pending import PendingProjections
from .sync_states import SyncStateFiles

log = logging.getLogger("mekaar.replication")


@dataclass(frozen=True)
class Grant:
    """What one connection may do; the `credentials` of its PeerInfo."""

    peer_name: str
    write: bool
    announce: bool


def _grant(peer: PeerInfo) -> Grant | None:
    credentials = peer.credentials
    return credentials if isinstance(credentials, Grant) else None


class NodeHost:
    """sync.repo.host.DocumentHost over the node's document repository."""

    def __init__(
        self,
        documents: DocumentRepository,
        sync_states: SyncStateFiles,
        pending: PendingProjections,
        on_received: Callable[[str, str], None],
    ) -> None:
        self.documents = documents
        self.sync_states = sync_states
        self.pending = pending
        self.on_received = on_received
        """(document id, peer name): a peer's change is stored; project it (any thread)."""

    def open(self, document_id: str) -> Document | None:
        try:
            return self.documents.open(document_id)
        except (NotFound, ValueError):
            return None

    def heads(self, document_id: str) -> list[bytes] | None:
        return self.documents.known_heads(document_id)

    def lock(self, document_id: str) -> AbstractContextManager[Any]:
        return self.documents.lock(document_id)

    def may_access(self, peer: PeerInfo, document_id: str) -> bool:
        return _grant(peer) is not None

    def may_write(self, peer: PeerInfo, document_id: str) -> bool:
        grant = _grant(peer)
        return grant is not None and grant.write

    def may_create(self, peer: PeerInfo, document_id: str) -> bool:
        return self.may_write(peer, document_id)

    def announce_to(self, peer: PeerInfo) -> Iterable[str]:
        grant = _grant(peer)
        if grant is None or not grant.announce:
            return []
        return list(self.documents.store.ids())

    def received(
        self, peer: PeerInfo, document_id: str, doc: Document, heads_before: list[bytes]
    ) -> None:
        grant = _grant(peer)
        name = grant.peer_name if grant else peer.peer_id
        self.pending.mark(document_id, name)  # before storing: a crash in between loses nothing
        if heads_before:
            self.documents.persist_received(document_id, doc)
        else:
            self.documents.adopt(document_id, doc)
            log.info("new document %s from %s", document_id, name)
        self.on_received(document_id, name)

    def load_sync_state(self, storage_id: str, document_id: str) -> bytes | None:
        return self.sync_states.load(storage_id, document_id)

    def save_sync_state(self, storage_id: str, document_id: str, data: bytes) -> None:
        self.sync_states.save(storage_id, document_id, data)
