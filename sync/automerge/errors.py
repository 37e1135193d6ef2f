"""The one exception type that malformed input may raise."""

from __future__ import annotations


class DecodeError(ValueError):
    """Bytes from a file or a peer could not be read.

    Carries a human reason and the byte offset where reading stopped, so a refused input says why.
    Every decoder in sync.automerge raises this and nothing else for bad input, and leaves the
    document it was reading into unchanged.
    """

    def __init__(self, reason: str, offset: int | None = None) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(reason if offset is None else f"{reason} (at byte {offset})")
