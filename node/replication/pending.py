"""Documents a peer changed that are not yet in the projection, as marker files that outlive a
crash: marked before the change is stored, cleared after the projection commits, and projected
again at start-up. Without them a node killed between the two would hold the change but never show
it (its peers see nothing missing, so nothing would be sent again)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sync.document_id import is_document_id


class PendingProjections:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def mark(self, document_id: str, peer_name: str) -> None:
        if is_document_id(document_id):
            (self.folder / document_id).write_text(peer_name[:80], encoding="utf-8")

    def done(self, document_id: str) -> None:
        if is_document_id(document_id):
            with contextlib.suppress(FileNotFoundError):
                (self.folder / document_id).unlink()

    def all(self) -> dict[str, str]:
        """document id → the peer it came from."""
        found = {}
        for path in self.folder.iterdir():
            if is_document_id(path.name):
                with contextlib.suppress(OSError):
                    found[path.name] = path.read_text(encoding="utf-8", errors="replace")
        return found
