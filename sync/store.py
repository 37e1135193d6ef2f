"""Where documents live between runs: the interface sync/ needs, implemented by outer layers
(sync/file_store.py, sync/repo/stores.py) and checked by one contract suite (tests/contracts/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

Stamp = tuple[int, ...]
"""A stored document's version as its store can tell it without reading it (FileDocStore.stamp):
equal stamps mean equal bytes."""

_SAFE_ID = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{1,64}$")


def checked_id(document_id: str) -> str:
    """The id, if a store may use it as a name: base58 characters only, so no id can name a path
    outside the store (`../x`) or a hidden file; ValueError otherwise."""
    if not _SAFE_ID.match(document_id):
        raise ValueError(f"not a document id: {document_id!r}")
    return document_id


class DocStore(Protocol):
    """Bytes of saved documents by document id. Appended chunks are concatenated on load, which
    Document.load understands (a saved document followed by incremental saves)."""

    def load(self, document_id: str) -> bytes | None:
        """Everything stored for the document, or None if it is unknown."""

    def append(self, document_id: str, chunk: bytes) -> None:
        """Add an incremental save; durable when this returns."""

    def replace(self, document_id: str, data: bytes) -> None:
        """Swap everything stored for a full save (compaction); atomic."""

    def keep(self, document_id: str, data: bytes) -> None:
        """`replace`, for bytes that can be had again (from a peer): need not wait for the
        disk."""

    def ids(self) -> Iterator[str]:
        """Every stored document id."""


@runtime_checkable
class StampedStore(DocStore, Protocol):
    """A DocStore that can tell, without reading a document, whether it changed since."""

    def stamp(self, document_id: str) -> Stamp | None:
        """A value that differs whenever the stored bytes differ; None for an unknown id."""
