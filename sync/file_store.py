"""sync.store.DocStore over a folder (a node's data/documents, the standalone sync server's
--data): `<id>.automerge`, a saved document followed by incremental saves. Appends are fsynced
before a change is acknowledged; a torn last append (power cut mid-write) is cut off at the last
whole chunk on load, so one unacknowledged edit is all a crash can cost."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .automerge.chunk import read_chunk
from .automerge.errors import DecodeError
from .store import Stamp, checked_id

SUFFIX = ".automerge"


class FileDocStore:
    """sync.store.DocStore over a folder. One writer per document (the repository's lock)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, document_id: str) -> Path:
        return self.folder / f"{checked_id(document_id)}{SUFFIX}"

    def load(self, document_id: str) -> bytes | None:
        path = self._path(document_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        whole = _whole_chunks(data)
        if whole != len(data):
            with open(path, "r+b") as handle:  # cut off a torn append
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
        self._replace(document_id, data, durable=True)

    def keep(self, document_id: str, data: bytes) -> None:
        """`replace` without waiting for the disk: for bytes that can be had again (a document
        that arrived whole from a peer, which still holds it and sends it again when asked).
        The rename is still atomic; a power cut may lose the file, never leave half of it.
        Waiting for the disk was a tenth of taking in a village's documents."""
        self._replace(document_id, data, durable=False)

    def _replace(self, document_id: str, data: bytes, *, durable: bool) -> None:
        path = self._path(document_id)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)

    def delete(self, document_id: str) -> None:
        """Remove a document's file (an erasure removed the document everywhere)."""
        self._path(document_id).unlink(missing_ok=True)

    def ids(self) -> Iterator[str]:
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            yield path.name[: -len(SUFFIX)]

    def stamp(self, document_id: str) -> Stamp | None:
        """What changes whenever the stored bytes do (None when the document is absent): size,
        modification time and inode, as git's index tells a changed file without reading it.
        An append always grows the file and a replace renames a new file into place, so a
        stamp equal to one taken earlier means the bytes are those of that moment; callers
        (node/documents/heads.py) use it to trust facts derived from the bytes without a load.
        """
        try:
            found = os.stat(self._path(document_id))
        except FileNotFoundError:
            return None
        return (found.st_size, found.st_mtime_ns, found.st_ino)


def read_whole_chunks(path: Path) -> bytes | None:
    """A document file's whole chunks, leaving the file as it is (None when it is absent).

    For readers in another process than the node's writer (export, backup): what the running node
    is appending at this moment is left out instead of cut off, since cutting it off would destroy
    an append the writer is about to finish.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data[: _whole_chunks(data)]


def _whole_chunks(data: bytes) -> int:
    """Length of the longest prefix made of whole, checksummed chunks."""
    pos = 0
    while pos < len(data):
        try:
            _, pos_next = read_chunk(data, pos)
        except (DecodeError, IndexError):
            break
        pos = pos_next
    return pos
