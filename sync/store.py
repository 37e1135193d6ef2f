"""Where documents live between runs: the interface sync/ needs, implemented by outer layers
(node/documents/file_store.py) and checked by one contract suite (tests/contracts/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class DocStore(Protocol):
    """Bytes of saved documents by document id. Appended chunks are concatenated on load, which
    Document.load understands (a saved document followed by incremental saves)."""

    def load(self, document_id: str) -> bytes | None:
        """Everything stored for the document, or None if it is unknown."""

    def append(self, document_id: str, chunk: bytes) -> None:
        """Add an incremental save; durable when this returns."""

    def replace(self, document_id: str, data: bytes) -> None:
        """Swap everything stored for a full save (compaction); atomic."""

    def ids(self) -> Iterator[str]:
        """Every stored document id."""
