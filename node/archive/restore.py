"""`mekaar restore FILE`: a backup (node/archive/backup.py) becomes a node again.

Only into an empty (or absent) data folder, unless `force`: then the folder in the way is renamed
aside (`<map>.voor-herstel-<tijd>`), never deleted. The backup is unpacked into a temporary folder
beside the data folder and every file checked against the backup's manifest before anything moves;
only a whole, verified backup is renamed into place, so a bad file never leaves half a node. Then
the schema is created (node.migrations.prepare), the local-only rows inserted in one transaction,
and the projection rebuilt from the documents (reindex).

The temporary folder sits beside the data folder when its parent is writable (the data folder is
then swapped in with one rename), inside it otherwise (a mount point, a folder only the node's user
may write in: then its entries are moved in one by one, after the whole backup was verified).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..db import make_engine
from ..errors import Invalid, NodeError
from ..identity import load_node
from ..migrations import prepare
from ..projection import reindex
from ..runtime import Node
from ..settings import Settings
from .backup import FORMAT, MANIFEST, PRIVATE, TABLES, VERSION
from .files import Progress, sha256
from .local_tables import check, count_rows, load
from .running import LOCK_FILE, check_stopped

_ID = "[1-9A-HJ-NP-Za-km-z]{1,64}"
MEMBER = re.compile(
    rf"^(node\.json|node\.key|session\.secret|{re.escape(MANIFEST)}|{re.escape(TABLES)}"
    rf"|documents/{_ID}\.automerge|sync-states/[0-9a-f]{{1,64}}/{_ID})$"
)
"""The only names a backup may hold: nothing else is ever written from one."""


@dataclass(frozen=True)
class RestoreResult:
    node_name: str
    backed_up_at: str
    documents: int
    rows: dict[str, int]
    set_aside: Path | None


def _occupied(data: Path) -> bool:
    if not data.exists():
        return False
    if not data.is_dir():
        return True
    return any(entry.name != LOCK_FILE for entry in data.iterdir())


async def restore_backup(
    settings: Settings,
    source: Path,
    *,
    force: bool = False,
    unpacking: Progress | None = None,
    indexing: Progress | None = None,
) -> RestoreResult:
    """Restore the backup `source` into the settings' data folder and database."""
    data = settings.data_path
    occupied = _occupied(data)
    if occupied and not force:
        raise Invalid(
            "map",
            f"De map {data} is niet leeg; herstel schrijft alleen in een lege map. Er is niets "
            "veranderd. Kies een lege map, of gebruik --force om wat er staat opzij te zetten.",
        )
    if data.is_dir():
        check_stopped(data)
    if settings.database_url:
        await _check_database(settings, force)
    if not source.is_file():
        raise Invalid("bestand", f"{source} bestaat niet.")
    staging = _staging_folder(data)
    try:
        await asyncio.to_thread(_unpack, source, staging, unpacking)
        manifest = _verify(staging)
        try:
            rows = check(json.loads((staging / TABLES).read_text(encoding="utf-8")))
            identity = load_node(staging)
        except (ValueError, KeyError, NodeError) as exc:
            raise Invalid("bestand", f"De back-up is niet te gebruiken: {exc}") from None
        if (manifest.get("node") or {}).get("node_id") != identity.node_id:
            raise Invalid("bestand", "De sleutels in de back-up horen niet bij de node erin.")
        (staging / TABLES).unlink()
        (staging / MANIFEST).unlink()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    aside = _move_into_place(staging, data, occupied)
    try:
        node = await Node.open(settings, null_pool=True)
        try:
            inserted = await load(node.engine, rows, replace=force)
            documents = await reindex(node, indexing)
        finally:
            await node.close()
    except SQLAlchemyError as exc:
        raise Invalid(
            "database",
            f"De bestanden staan terug in {data}, maar de database lukte niet: {exc}. Los dat op "
            "en herstel opnieuw met --force (de map van nu wordt dan opzij gezet).",
        ) from None
    return RestoreResult(identity.name, str(manifest.get("created_at")), documents, inserted, aside)


async def _check_database(settings: Settings, force: bool) -> None:
    """A database outside the data folder must not hold another node's accounts and peers."""
    engine = make_engine(settings.effective_database_url, null_pool=True)
    try:
        await prepare(engine)
        rows = await count_rows(engine)
    finally:
        await engine.dispose()
    if rows and not force:
        raise Invalid(
            "database",
            "De database heeft al accounts of buur-nodes; herstel vult alleen een lege database. "
            "Er is niets veranderd. Gebruik --force om die rijen te vervangen.",
        )


def _unpack(source: Path, staging: Path, progress: Progress | None) -> None:
    """Every member of the backup into `staging`, refusing any name a backup never holds."""
    size = source.stat().st_size
    try:
        with open(source, "rb") as raw, tarfile.open(fileobj=raw, mode="r|gz") as tar:
            for member in tar:
                if not member.isfile() or not MEMBER.match(member.name):
                    raise Invalid(
                        "bestand",
                        f"{source} is geen Mekaar-back-up: onverwacht {member.name!r} erin.",
                    )
                handle = tar.extractfile(member)
                if handle is None:
                    raise Invalid("bestand", f"{member.name!r} in {source} is onleesbaar.")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(handle.read())
                if member.name in PRIVATE:
                    target.chmod(0o600)
                if progress is not None:
                    progress(raw.tell(), size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise Invalid("bestand", f"{source} is geen leesbare back-up ({exc}).") from None


def _verify(staging: Path) -> dict[str, Any]:
    """The backup's manifest, after every file it lists is found whole and nothing else is."""
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise Invalid("bestand", f"De back-up is onvolledig: {MANIFEST} ontbreekt.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Invalid("bestand", "Dit is geen Mekaar-back-up.")
    if manifest.get("version") != VERSION:
        raise Invalid(
            "bestand",
            f"Deze back-up heeft versie {manifest.get('version')!r}; deze Mekaar leest versie "
            f"{VERSION}. Werk Mekaar bij en probeer het opnieuw.",
        )
    listed: dict[str, Any] = manifest.get("files") or {}
    found = {
        path.relative_to(staging).as_posix() for path in staging.rglob("*") if path.is_file()
    } - {MANIFEST}
    for name in sorted(set(listed) | found):
        if name not in found:
            raise Invalid("bestand", f"De back-up is onvolledig: {name} ontbreekt.")
        if name not in listed:
            raise Invalid("bestand", f"De back-up bevat {name}, dat niet in {MANIFEST} staat.")
        content = (staging / name).read_bytes()
        if len(content) != listed[name].get("bytes") or sha256(content) != listed[name].get(
            "sha256"
        ):
            raise Invalid("bestand", f"{name} in de back-up is beschadigd (controlegetal).")
    return manifest


def _staging_folder(data: Path) -> Path:
    """A new temporary folder to unpack into: beside the data folder, so the whole folder is
    swapped in with one rename, when its parent is writable and it is not a mount point; inside it
    otherwise (a container's volume; /var/lib/mekaar owned by the node's user alone)."""
    beside = os.access(data.parent, os.W_OK) and not (data.is_dir() and os.path.ismount(data))
    parent = data.parent if beside else data
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{data.name}.herstel-", dir=parent))


def _move_into_place(staging: Path, data: Path, occupied: bool) -> Path | None:
    """Move the verified folder's content into the data folder; what was in the way is moved
    aside, never deleted. Returns where it went."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if staging.parent != data:  # beside: one rename each
        aside = data.with_name(f"{data.name}.voor-herstel-{stamp}") if occupied else None
        if aside is not None:
            data.rename(aside)
        elif data.exists():
            (data / LOCK_FILE).unlink(missing_ok=True)
            data.rmdir()
        staging.rename(data)
        return aside
    aside = data / f".voor-herstel-{stamp}" if occupied else None
    if aside is not None:
        aside.mkdir()
        for entry in list(data.iterdir()):
            if entry not in (staging, aside) and entry.name != LOCK_FILE:
                entry.rename(aside / entry.name)
    for entry in list(staging.iterdir()):
        entry.rename(data / entry.name)
    staging.rmdir()
    return aside
