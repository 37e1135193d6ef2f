"""Each stored document's heads, known without loading it: what replication compares with the
heads a peer was last seen to share, so that a reconnect skips the documents nobody changed
instead of loading thousands of them (15 to 30 ms each) to find that out.

An entry holds the heads together with the store's stamp of the bytes they were read from or
written as (sync/file_store.py `stamp`: size, mtime, inode). It is trusted only while the stamp
is unchanged, so the index needs no care when it is written: after a `kill -9`, a power cut, a
restored backup or an edit by another process, an entry is stale or missing and the document is
loaded as before — extra work, never a wrong answer. It is saved now and then (replication's
30-second tick, the node's stop) to `data/heads-index.json`; local-only, never replicated.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from sync.store import Stamp

log = logging.getLogger("mekaar.documents")
VERSION = 1


class HeadsIndex:
    def __init__(self, path: Path, stamp: Callable[[str], Stamp | None]) -> None:
        self.path = path
        self._stamp = stamp
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Stamp, list[bytes]]] = {}
        self._dirty = False
        self._load()

    def stamp(self, document_id: str) -> Stamp | None:
        """The store's stamp now; take it *before* reading the bytes whose heads you note."""
        try:
            return self._stamp(document_id)
        except (OSError, ValueError):
            return None

    def note(self, document_id: str, stamp: Stamp | None, heads: list[bytes]) -> None:
        """The document's bytes at `stamp` have `heads`. Taken after a write under the
        document's lock, or before a read: a stamp older than the heads only makes a miss."""
        with self._lock:
            if stamp is None:
                self._dirty |= self._entries.pop(document_id, None) is not None
                return
            entry = (stamp, sorted(heads))
            if self._entries.get(document_id) != entry:
                self._entries[document_id] = entry
                self._dirty = True

    def get(self, document_id: str) -> list[bytes] | None:
        """The heads of the stored document, if the entry still matches its bytes."""
        with self._lock:
            entry = self._entries.get(document_id)
        if entry is None or self.stamp(document_id) != entry[0]:
            return None
        return list(entry[1])

    def save(self) -> bool:
        """Write the index when it changed since the last save (atomically); True if written."""
        with self._lock:
            if not self._dirty:
                return False
            rows = {d: [*s, b"".join(h).hex()] for d, (s, h) in self._entries.items()}
            self._dirty = False
        tmp = self.path.with_name(f"{self.path.name}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(json.dumps({"version": VERSION, "documents": rows}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            log.exception("writing %s failed", self.path)
            with self._lock:
                self._dirty = True
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        return True

    def _load(self) -> None:
        """Whatever of the file is readable; anything else is simply not known."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            rows = data["documents"] if data.get("version") == VERSION else {}
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            log.warning("%s unreadable: heads are read from the documents", self.path)
            return
        for document_id, row in rows.items() if isinstance(rows, dict) else ():
            try:
                *stamp, heads_hex = row
                heads = bytes.fromhex(heads_hex)
                if len(heads) % 32 or not all(isinstance(n, int) for n in stamp):
                    continue
                self._entries[document_id] = (
                    tuple(stamp),
                    [heads[i : i + 32] for i in range(0, len(heads), 32)],
                )
            except (TypeError, ValueError):
                continue
