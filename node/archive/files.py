"""What export, import, backup and restore share: checksums, the problems they report per file,
and reading a node's document files while the node may be writing them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sync.document_id import is_document_id
from sync.file_store import SUFFIX, read_whole_chunks

Progress = Callable[[int, int], None]
"""Called as progress(done, total) after each file or document."""


@dataclass(frozen=True)
class Problem:
    """A file that was skipped, and why (in Dutch, for the host)."""

    name: str
    reason: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def document_files(documents_path: Path) -> list[tuple[str, Path]]:
    """(document id, file) for every stored document, by id; stray files are left out."""
    found = []
    for path in sorted(documents_path.glob(f"*{SUFFIX}")):
        document_id = path.name[: -len(SUFFIX)]
        if is_document_id(document_id):
            found.append((document_id, path))
    return found


def snapshot_documents(documents_path: Path) -> Iterator[tuple[str, bytes | None]]:
    """(document id, its whole chunks) for every stored document, read without changing a file:
    a running node may be appending to one, and the append it has not finished is left out. None
    when a file vanished between listing and reading."""
    for document_id, path in document_files(documents_path):
        yield document_id, read_whole_chunks(path)
