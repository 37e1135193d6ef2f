"""automerge-repo document ids: 16 random bytes as base58check (automerge-repo/src/AutomergeUrl.ts).

Using the repo's id form from the start means every Mekaar document is addressable by any
automerge-repo peer as `automerge:<id>`.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

import base58


def new_document_id() -> str:
    return base58.b58encode_check(uuid.uuid4().bytes).decode("ascii")


@lru_cache(maxsize=65_536)
def document_id_bytes(document_id: str) -> bytes:
    """The 16 bytes behind an id; ValueError when it is not a valid id (bad checksum, length).
    Remembered: every message and every store call about a document checks its id again, and
    the base58 checksum (two SHA-256) was more than a peer's message cost to route."""
    try:
        raw = base58.b58decode_check(document_id)
    except ValueError:
        raise ValueError(f"not a document id: {document_id!r}") from None
    if len(raw) != 16:
        raise ValueError(f"not a document id: {document_id!r}")
    return raw


def is_document_id(value: str) -> bool:
    try:
        document_id_bytes(value)
    except ValueError:
        return False
    return True


def automerge_url(document_id: str) -> str:
    return f"automerge:{document_id}"
