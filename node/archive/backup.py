"""`mekaar backup FILE`: a whole node as one .tar.gz, taken while the node serves.

What a backup holds:
- the identity: node.json, node.key (the signing key) and session.secret;
- every document, whole chunks only (an append the node is making at that moment is left out);
- the sync states per peer (`sync-states/`), so peers resume where they were;
- the local-only tables as JSON (`tables.json`, node/archive/local_tables.py): accounts with their
  password hashes, roles, moderation records, peers with their tokens, followed documents and the
  quarantine, read in one transaction.
What it does not hold: the projection (rebuilt from the documents on restore), web sessions
(residents log in again), failed logins, the replication status file and pending projections.

The tables are read before the documents: an account whose row made it into the backup had its
profile document stored before that row was committed, so it is in the backup too. The file holds
keys and password hashes, so it is written readable by its owner only, under a temporary name that
is renamed into place once complete: a backup cut short never replaces a good one.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..identity import IDENTITY_FILE, KEY_FILE, SECRET_FILE
from ..runtime import Node
from .files import Progress, now_iso, sha256, snapshot_documents
from .local_tables import SKIPPED, Rows, dump

FORMAT = "mekaar-backup"
VERSION = 1
MANIFEST = "backup.json"
TABLES = "tables.json"
SYNC_STATES = "sync-states"
PRIVATE = {KEY_FILE, SECRET_FILE, TABLES}
NOT_INCLUDED = {
    "projection": "de zoek- en lijsttabellen: herstel bouwt ze opnieuw op uit de documenten",
    "sessions": "wie ingelogd was, logt na herstel opnieuw in",
    **{f"table {name}": why for name, why in SKIPPED.items()},
}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    documents: int
    rows: dict[str, int]
    bytes: int


async def write_backup(node: Node, target: Path, progress: Progress | None = None) -> BackupResult:
    """Write a backup of `node` (which may be serving in another process) to `target`."""
    rows = await dump(node.engine)
    return await asyncio.to_thread(_write, node, rows, target, progress)


def _write(node: Node, rows: Rows, target: Path, progress: Progress | None) -> BackupResult:
    data = node.settings.data_path
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    files: dict[str, dict[str, Any]] = {}
    documents = 0
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:

                def add(name: str, content: bytes) -> None:
                    _add(tar, name, content)
                    files[name] = {"bytes": len(content), "sha256": sha256(content)}

                for name in (IDENTITY_FILE, KEY_FILE, SECRET_FILE):
                    add(name, (data / name).read_bytes())
                add(TABLES, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
                snapshot = list(snapshot_documents(node.settings.documents_path))
                for done, (document_id, content) in enumerate(snapshot, start=1):
                    if content is not None:
                        add(f"documents/{document_id}.automerge", content)
                        documents += 1
                    if progress is not None:
                        progress(done, len(snapshot))
                for path in _sync_state_files(data / SYNC_STATES):
                    try:
                        content = path.read_bytes()
                    except FileNotFoundError:
                        continue  # replaced between listing and reading: the next backup has it
                    add(path.relative_to(data).as_posix(), content)
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "node": node.identity.public,
                    "created_at": now_iso(),
                    "database": node.engine.dialect.name,
                    "tables": {name: len(values) for name, values in rows.items()},
                    "not_included": NOT_INCLUDED,
                    "files": files,
                }
                _add(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupResult(
        target,
        documents,
        {name: len(values) for name, values in rows.items()},
        target.stat().st_size,
    )


def _sync_state_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*/*") if p.is_file() and p.suffix != ".tmp")


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o600 if name in PRIVATE else 0o644
    tar.addfile(info, io.BytesIO(content))
