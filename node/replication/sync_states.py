"""Per-peer sync states kept as small files, so a reconnecting peer is sent only what it lacks.

A sync state holds the heads both sides had in common (about 100 bytes per document and peer);
files under `data/sync-states/<peer>/<document>` survive restarts and need no database session in
the worker threads that sync runs in. Local-only: never replicated.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from sync.document_id import is_document_id

MAX_STATE = 64 * 1024  # a state holds heads; anything bigger is not ours


class SyncStateFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, storage_id: str, document_id: str) -> Path | None:
        if not is_document_id(document_id):
            return None
        # the storage id comes from the peer: hash it rather than trust it as a file name
        peer = hashlib.sha256(storage_id.encode("utf-8", "replace")).hexdigest()[:32]
        return self.folder / peer / document_id

    def load(self, storage_id: str, document_id: str) -> bytes | None:
        path = self._path(storage_id, document_id)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        return data if len(data) <= MAX_STATE else None

    def forget(self, document_id: str) -> None:
        """Drop every peer's state for a document (its history was replaced: the heads both
        sides had in common are of the old one)."""
        if not is_document_id(document_id):
            return
        for path in self.folder.glob(f"*/{document_id}"):
            path.unlink(missing_ok=True)

    def save(self, storage_id: str, document_id: str, data: bytes) -> None:
        path = self._path(storage_id, document_id)
        if path is None or len(data) > MAX_STATE:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # one temporary file per thread: a disconnect and the reconnect after it may save the
        # same state at once, and a shared name let one rename away the other's file
        tmp = path.with_name(f"{path.name}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
