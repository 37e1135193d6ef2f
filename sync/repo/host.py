"""What the synchronizer needs from whoever keeps the documents (node/ in Mekaar, StoreHost in the
standalone server).

The reference folds these decisions into its Repo: `shareConfig.announce` / `shareConfig.access`
(automerge-repo/src/Repo.ts), its storage subsystem for documents and per-peer sync states
(`StorageSubsystem.loadSyncState/saveSyncState`). Here they are one interface, so that rights can
depend on who the peer is (its credentials from the authenticate hook) and writes can be refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sync.automerge import Document
from sync.automerge.change import Change
from sync.automerge.document import Admit

from .messages import PeerMetadata


@dataclass(frozen=True, slots=True)
class PeerInfo:
    """A connected peer. `credentials` is whatever the authenticate hook returned for it."""

    peer_id: str
    metadata: PeerMetadata
    credentials: Any = None

    @property
    def keeps_sync_state(self) -> bool:
        """The reference persists sync states only for such peers (CollectionSynchronizer.ts)."""
        return self.metadata.storage_id is not None and not self.metadata.is_ephemeral


class DocumentHost(Protocol):
    """Blocking calls, made from worker threads. Every call about one document's content is made
    while `lock(document_id)` is held by the synchronizer."""

    def open(self, document_id: str) -> Document | None:
        """The live document, or None when it is unknown here."""

    def heads(self, document_id: str) -> list[bytes] | None:
        """The document's heads if they are known without loading it, else None (the
        synchronizer then opens it). Lets a reconnect skip what the peer already holds."""

    def lock(self, document_id: str) -> contextlib.AbstractContextManager[Any]:
        """Held while the synchronizer reads or changes the document (re-entrant)."""

    def may_access(self, peer: PeerInfo, document_id: str) -> bool:
        """Serve the document when this peer asks for it."""

    def may_write(self, peer: PeerInfo, document_id: str) -> bool:
        """Apply changes this peer sends; when False they are dropped and sync goes on."""

    def may_create(self, peer: PeerInfo, document_id: str) -> bool:
        """Accept a document this peer brings that is unknown here."""

    def announce_to(self, peer: PeerInfo) -> Iterable[str]:
        """Document ids to push to this peer unasked (the reference's `announce` policy)."""

    def received(
        self, peer: PeerInfo, document_id: str, doc: Document, heads_before: list[bytes]
    ) -> None:
        """A peer's message changed `doc`. heads_before == [] means the document is new here and
        `doc` is a fresh Document the synchronizer made: the host adopts it, so that `open`
        returns it from now on. Called under the lock; the host persists, validates, projects."""

    def admission(self, peer: PeerInfo, document_id: str) -> Admit | None:
        """Which of this peer's changes to the document may be applied (None: every one). A
        refused change is held: not applied, handed to `held`, and not asked for again."""

    def held(self, peer: PeerInfo, document_id: str, changes: list[Change]) -> None:
        """Changes `admission` refused (with those depending on them); keep them aside."""

    def load_sync_state(self, storage_id: str, document_id: str) -> bytes | None:
        """A sync state saved for that peer storage and document, or None."""

    def save_sync_state(self, storage_id: str, document_id: str, data: bytes) -> None:
        """Keep `SyncState.encode()` for a peer storage that persists (see PeerInfo)."""
