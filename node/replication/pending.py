"""Documents a peer changed that are not yet in the projection, noted so that they outlive a
crash: marked before the change is stored, cleared after the projection commits, and projected
again at start-up. Without them a node killed between the two would hold the change but never show
it (its peers see nothing missing, so nothing would be sent again).

The notes are lines appended to one log in the folder (`+ <id> <peer>`, `- <id>`), written
through at once: a file per document cost two file operations per document received, a tenth of
taking in a village's documents. The log is read at start-up, rewritten when it has grown long,
and removed when nothing is pending. Marker files of the older layout (one empty file per
document) are still read, and taken into the log.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TextIO

from sync.document_id import is_document_id

LOG = "pending.log"
REWRITE_AFTER = 10_000
"""Lines in the log after which it is rewritten with only what is still pending."""


class PendingProjections:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending: dict[str, str] = {}
        self._handle: TextIO | None = None
        self._lines = 0
        self._read()

    def _read(self) -> None:
        legacy = []
        for path in self.folder.iterdir():
            if is_document_id(path.name):
                with contextlib.suppress(OSError):
                    self._pending[path.name] = path.read_text(encoding="utf-8", errors="replace")
                    legacy.append(path)
        with contextlib.suppress(FileNotFoundError):
            text = (self.folder / LOG).read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                sign, _, rest = line.partition(" ")
                document_id, _, peer = rest.partition(" ")
                if not is_document_id(document_id):
                    continue  # a torn last line
                if sign == "+":
                    self._pending[document_id] = peer
                elif sign == "-":
                    self._pending.pop(document_id, None)
        if legacy or self._pending:
            self._rewrite()
            for path in legacy:
                with contextlib.suppress(OSError):
                    path.unlink()
        else:
            self._remove_log()

    def _write(self, line: str) -> None:
        if self._handle is None:
            self._handle = (self.folder / LOG).open("a", encoding="utf-8")
        self._handle.write(line)
        self._handle.flush()
        self._lines += 1

    def _rewrite(self) -> None:
        """The log anew with what is pending (atomically: a crash keeps the old or the new)."""
        self._close()
        tmp = self.folder / f"{LOG}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            handle.writelines(f"+ {doc} {peer}\n" for doc, peer in self._pending.items())
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.folder / LOG)
        self._lines = len(self._pending)

    def _remove_log(self) -> None:
        self._close()
        with contextlib.suppress(FileNotFoundError):
            (self.folder / LOG).unlink()
        self._lines = 0

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def mark(self, document_id: str, peer_name: str) -> None:
        if not is_document_id(document_id):
            return
        peer = " ".join(peer_name[:80].split())  # one line, whatever a peer is called
        with self._lock:
            self._pending[document_id] = peer
            self._write(f"+ {document_id} {peer}\n")

    def done(self, document_id: str) -> None:
        with self._lock:
            if self._pending.pop(document_id, None) is None:
                return
            if not self._pending:
                self._remove_log()  # nothing pending: no file left behind
            elif self._lines >= REWRITE_AFTER:
                self._rewrite()
            else:
                self._write(f"- {document_id}\n")

    def close(self) -> None:
        """Let go of the log (what is pending stays noted in it)."""
        with self._lock:
            self._close()

    def all(self) -> dict[str, str]:
        """document id → the peer it came from."""
        with self._lock:
            return dict(self._pending)
