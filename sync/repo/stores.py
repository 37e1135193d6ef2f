"""Two DocStores for the standalone sync server (sync/store.py's protocol): in memory, and one
file per document in a folder. node/ has its own store; sync/ may not import it.

Files are `<id>.automerge`: a saved document followed by incremental saves, fsynced before an
append returns; a torn last append (power cut mid-write) is cut off at the last whole chunk on
load, as node/documents/file_store.py does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sync.automerge.chunk import read_chunk
from sync.automerge.errors import DecodeError

from .messages import valid_document_id

SUFFIX = ".automerge"


class MemoryDocStore:
    """A DocStore that forgets everything on exit: tests and the in-memory server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._docs: dict[str, bytes] = {}

    def load(self, document_id: str) -> bytes | None:
        with self._lock:
            return self._docs.get(document_id)

    def append(self, document_id: str, chunk: bytes) -> None:
        with self._lock:
            self._docs[document_id] = self._docs.get(document_id, b"") + bytes(chunk)

    def replace(self, document_id: str, data: bytes) -> None:
        with self._lock:
            self._docs[document_id] = bytes(data)

    def ids(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._docs))


class FolderDocStore:
    """A DocStore over a folder; one writer per document (StoreHost's lock)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, document_id: str) -> Path:
        if not valid_document_id(document_id) or not document_id.isalnum():
            raise ValueError(f"not a document id: {document_id!r}")
        return self.folder / f"{document_id}{SUFFIX}"

    def load(self, document_id: str) -> bytes | None:
        path = self._path(document_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        whole = _whole_chunks(data)
        if whole != len(data):
            with open(path, "r+b") as handle:
                handle.truncate(whole)
                os.fsync(handle.fileno())
            data = data[:whole]
        return data

    def append(self, document_id: str, chunk: bytes) -> None:
        if not chunk:
            return
        fd = os.open(self._path(document_id), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)

    def replace(self, document_id: str, data: bytes) -> None:
        path = self._path(document_id)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def ids(self) -> Iterator[str]:
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            yield path.name[: -len(SUFFIX)]


def _whole_chunks(data: bytes) -> int:
    """Length of the longest prefix made of whole, checksummed chunks."""
    pos = 0
    while pos < len(data):
        try:
            _, pos = read_chunk(data, pos)
        except (DecodeError, IndexError):
            break
    return pos
