"""Changes kept aside because no node vouches for their actor (docs/trust.md §2): stored in the
data folder, listed for the host, retried when a binding arrives, never applied before.

Layout: `held/<document id>/<change hash hex>.change` (the change as it arrived) and one
`held/<document id>/index.json` with why, from whom and when. Bounded: a document keeps at most
MAX_PER_DOCUMENT held changes and the folder MAX_BYTES; past that the oldest are dropped, with a
log line (a peer that floods forgeries must not fill the disk).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.automerge.change import Change
from sync.store import checked_id

log = logging.getLogger("mekaar.trust")

MAX_PER_DOCUMENT = 2_000
MAX_BYTES = 200 * 1024 * 1024
INDEX = "index.json"


@dataclass(frozen=True)
class HeldDocument:
    """What the host sees per document."""

    document_id: str
    changes: int
    actors: list[str]
    peers: list[str]
    reason: str
    since: str


def _write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    tmp.replace(path)


class HeldChanges:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._index: dict[str, dict[str, dict[str, Any]]] = {}
        self._bytes = 0
        if root.exists():
            for folder in sorted(root.iterdir()):
                self._load_folder(folder)

    def _load_folder(self, folder: Path) -> None:
        try:
            entries = json.loads((folder / INDEX).read_text())
        except (OSError, ValueError):
            return
        kept = {h: e for h, e in entries.items() if (folder / f"{h}.change").exists()}
        if kept:
            self._index[folder.name] = kept
            self._bytes += sum(int(e.get("size", 0)) for e in kept.values())

    # ------------------------------------------------------------------ reading

    def documents(self) -> list[str]:
        with self._lock:
            return sorted(self._index)

    def hashes(self, document_id: str) -> list[bytes]:
        with self._lock:
            return [bytes.fromhex(h) for h in self._index.get(document_id, {})]

    def deps(self, document_id: str) -> dict[bytes, list[bytes]]:
        """What each held change depends on (for entries kept before this was noted: nothing),
        so a reloaded document still asks for a dependency of theirs that never arrived."""
        with self._lock:
            entries = self._index.get(document_id, {})
            return {
                bytes.fromhex(h): [bytes.fromhex(d) for d in e.get("deps", [])]
                for h, e in entries.items()
            }

    def has(self, document_id: str) -> bool:
        return document_id in self._index

    def load(self, document_id: str) -> list[tuple[bytes, bytes]]:
        """The held changes of a document, (hash, change) oldest first."""
        with self._lock:
            entries = sorted(self._index.get(document_id, {}).items(), key=lambda e: e[1]["at"])
        out: list[tuple[bytes, bytes]] = []
        for change_hash, _ in entries:
            try:
                data = (self.root / document_id / f"{change_hash}.change").read_bytes()
            except OSError:
                continue
            out.append((bytes.fromhex(change_hash), data))
        return out

    def listing(self) -> list[HeldDocument]:
        with self._lock:
            items = list(self._index.items())
        rows = []
        for document_id, entries in items:
            values = sorted(entries.values(), key=lambda e: e["at"])
            rows.append(
                HeldDocument(
                    document_id,
                    len(values),
                    sorted({e["actor"] for e in values}),
                    sorted({e["peer"] for e in values}),
                    values[-1]["reason"],
                    values[0]["at"],
                )
            )
        return sorted(rows, key=lambda r: r.since, reverse=True)

    # ------------------------------------------------------------------ writing

    def keep(self, document_id: str, changes: list[Change], peer: str, reason: str) -> int:
        """Store changes that were held; returns how many were new here."""
        checked_id(document_id)
        folder = self.root / document_id
        now = datetime.now(UTC).isoformat(timespec="seconds")
        new = 0
        with self._lock:
            entries = self._index.setdefault(document_id, {})
            refreshed = False
            for change in changes:
                key = change.hash.hex()
                if key in entries:
                    if "deps" not in entries[key]:  # kept before deps were noted
                        entries[key]["deps"] = [d.hex() for d in change.deps]
                        refreshed = True
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                # no fsync per change: the index is written (and synced) last, and an entry
                # whose file did not survive a crash is dropped when the index is read
                _write_atomically(folder / f"{key}.change", change.raw, sync=False)
                entries[key] = {
                    "actor": change.actor.hex(),
                    "peer": peer[:80],
                    "reason": reason[:300],
                    "at": now,
                    "size": len(change.raw),
                    "deps": [d.hex() for d in change.deps],
                }
                self._bytes += len(change.raw)
                new += 1
            if not entries:
                del self._index[document_id]
                return 0
            if not new and not refreshed:
                return 0
            self._bound(document_id)
            if document_id in self._index:
                _write_atomically(folder / INDEX, json.dumps(self._index[document_id]).encode())
        return new

    def drop(self, document_id: str, hashes: list[bytes]) -> None:
        """Forget held changes (applied after all, or dropped)."""
        with self._lock:
            entries = self._index.get(document_id)
            if not entries:
                return
            folder = self.root / document_id
            for change_hash in hashes:
                entry = entries.pop(change_hash.hex(), None)
                if entry is not None:
                    self._bytes -= int(entry.get("size", 0))
                    (folder / f"{change_hash.hex()}.change").unlink(missing_ok=True)
            if entries:
                _write_atomically(folder / INDEX, json.dumps(entries).encode())
            else:
                del self._index[document_id]
                shutil.rmtree(folder, ignore_errors=True)

    def _bound(self, document_id: str) -> None:
        """Drop the oldest past the limits (called with the lock held)."""
        entries = self._index[document_id]
        excess = len(entries) - MAX_PER_DOCUMENT
        dropped: list[str] = []
        total = self._bytes
        for change_hash in sorted(entries, key=lambda h: entries[h]["at"]):
            if len(dropped) >= excess and total <= MAX_BYTES:
                break
            dropped.append(change_hash)
            total -= int(entries[change_hash].get("size", 0))
        for change_hash in dropped:
            entry = entries.pop(change_hash)
            self._bytes -= int(entry.get("size", 0))
            (self.root / document_id / f"{change_hash}.change").unlink(missing_ok=True)
        if dropped:
            log.warning(
                "document %s: %d held change(s) dropped, past the limit", document_id, len(dropped)
            )
        if not entries:
            del self._index[document_id]
            shutil.rmtree(self.root / document_id, ignore_errors=True)
