"""A DocStore in memory (sync/store.py's protocol), for tests and the in-memory sync server; the
one on disk is sync/file_store.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ..store import checked_id


class MemoryDocStore:
    """A DocStore that forgets everything on exit: tests and the in-memory server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._docs: dict[str, bytes] = {}

    def load(self, document_id: str) -> bytes | None:
        with self._lock:
            return self._docs.get(checked_id(document_id))

    def append(self, document_id: str, chunk: bytes) -> None:
        with self._lock:
            key = checked_id(document_id)
            self._docs[key] = self._docs.get(key, b"") + bytes(chunk)

    def replace(self, document_id: str, data: bytes) -> None:
        with self._lock:
            self._docs[checked_id(document_id)] = bytes(data)

    def keep(self, document_id: str, data: bytes) -> None:
        self.replace(document_id, data)

    def ids(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._docs))
