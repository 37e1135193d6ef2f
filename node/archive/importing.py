"""`mekaar import DIR`: bring an export (node/archive/export.py) into this node.

Every file is checked against the manifest (size, sha256, heads) before anything is stored; a
missing, changed or unreadable file is reported by name and skipped, the rest is imported. A
document already here is merged (its changes applied: nothing is lost on either side), an absent
one adopted; then each is projected or quarantined exactly like a document from a peer
(node/replication/admission.py).

Import writes document files behind the node's back, and a serving node keeps documents in memory,
so the CLI refuses while the node serves (node/archive/running.py). Each document is marked in
`pending-projection/` before it is stored and cleared once its projection commits, so an import
cut short is projected at the node's next start, as a peer's changes would be.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.automerge import DecodeError, Document
from sync.document_id import is_document_id

from ..errors import Invalid, NotFound
from ..replication.admission import admit
from ..replication.pending import PendingProjections
from ..runtime import Node
from .export import FORMAT, MANIFEST, VERSION
from .files import Problem, Progress, sha256

BATCH = 100  # documents projected per transaction
SOURCE_NAME = 80  # the quarantine's `peer` column


@dataclass
class ImportResult:
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    quarantined: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Skip(Exception):
    """This file cannot be imported; the message says why, in Dutch."""


def read_manifest(folder: Path) -> dict[str, Any]:
    """The export's manifest, checked for its format; Invalid with a clear message otherwise."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid("map", f"{folder} is geen Mekaar-export: {MANIFEST} ontbreekt.") from None
    except (OSError, ValueError) as exc:
        raise Invalid("map", f"{MANIFEST} in {folder} is onleesbaar: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Invalid("map", f"{folder} is geen Mekaar-export ({MANIFEST} zegt iets anders).")
    if manifest.get("version") != VERSION:
        raise Invalid(
            "map",
            f"Deze export heeft versie {manifest.get('version')!r}; deze Mekaar leest versie "
            f"{VERSION}. Werk Mekaar bij en probeer het opnieuw.",
        )
    if not isinstance(manifest.get("documents"), list):
        raise Invalid("map", f"{MANIFEST} in {folder} noemt geen documenten.")
    return manifest


def check_file(folder: Path, entry: Any) -> tuple[str, Document]:
    """The document an entry of the manifest describes, once its file matches; Skip otherwise."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise Skip("een regel in het manifest zonder geldig document-id")
    document_id = entry["id"]
    if not is_document_id(document_id):
        raise Skip("geen geldig document-id")
    path = folder / f"{document_id}.automerge"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Skip("het bestand ontbreekt") from None
    except OSError as exc:
        raise Skip(f"het bestand is niet te lezen ({exc.strerror})") from None
    if len(data) != entry.get("bytes"):
        raise Skip(
            f"het bestand is {len(data)} bytes, het manifest zegt {entry.get('bytes')} "
            "(afgebroken of beschadigd)"
        )
    if sha256(data) != entry.get("sha256"):
        raise Skip("het controlegetal (sha256) klopt niet: het bestand is veranderd of beschadigd")
    try:
        doc = Document.load(data)
    except DecodeError as exc:
        raise Skip(f"geen leesbaar Automerge-document ({exc.reason})") from None
    if [head.hex() for head in doc.get_heads()] != entry.get("heads"):
        raise Skip("de versie (heads) klopt niet met het manifest")
    return document_id, doc


def store(node: Node, document_id: str, incoming: Document) -> str:
    """Adopt or merge one document under its lock: "added", "merged" or "unchanged". Blocking."""
    documents = node.documents
    with documents.lock(document_id):
        if documents.store.load(document_id) is None:
            documents.adopt(document_id, incoming)
            return "added"
        try:
            here = documents.open(document_id)
        except NotFound:
            raise Skip("het document in deze node is onleesbaar; het is niet aangeraakt") from None
        before = here.get_heads()
        try:
            here.apply_changes(incoming.get_all_changes())
        except DecodeError as exc:
            documents.forget(document_id)  # drop the cached copy; the file is unchanged
            raise Skip(f"samenvoegen lukt niet ({exc.reason}); niets veranderd") from None
        if here.get_missing_deps():
            documents.forget(document_id)
            raise Skip("samenvoegen lukt niet (wijzigingen missen hun voorgangers)")
        if here.get_heads() == before:
            return "unchanged"
        documents.persist_received(document_id, here)
        return "merged"


async def import_export(node: Node, folder: Path, progress: Progress | None = None) -> ImportResult:
    """Import the export in `folder` into `node` (which must not be serving elsewhere)."""
    manifest = read_manifest(folder)
    exporter: Any = manifest.get("node")
    exporter_name = exporter.get("name") if isinstance(exporter, dict) else None
    source = f"import van {exporter_name or 'een export'}"[:SOURCE_NAME]
    pending = PendingProjections(node.settings.data_path / "pending-projection")
    entries: list[Any] = manifest["documents"]
    result = ImportResult()
    stored: list[str] = []
    try:
        for done, entry in enumerate(entries, start=1):
            name = f"{entry.get('id')}.automerge" if isinstance(entry, dict) else f"regel {done}"
            try:
                document_id, outcome = await _bring_in(node, folder, entry, source, pending)
            except Skip as exc:
                result.problems.append(Problem(name, str(exc)))
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
                stored.append(document_id)
            if len(stored) >= BATCH or done == len(entries):
                await _project(node, stored, source, result, pending)
                stored = []
            if progress is not None:
                progress(done, len(entries))
    finally:
        pending.close()
    return result


async def _bring_in(
    node: Node, folder: Path, entry: Any, source: str, pending: PendingProjections
) -> tuple[str, str]:
    """(document id, outcome) for one manifest entry; Skip when its file or the merge fails."""
    document_id, incoming = await asyncio.to_thread(check_file, folder, entry)
    pending.mark(document_id, source)  # before storing: a crash in between loses nothing
    try:
        return document_id, await asyncio.to_thread(store, node, document_id, incoming)
    except Skip:
        pending.done(document_id)
        raise


async def _project(
    node: Node,
    document_ids: list[str],
    source: str,
    result: ImportResult,
    pending: PendingProjections,
) -> None:
    async with node.sessions() as session:
        for document_id in document_ids:
            content = await asyncio.to_thread(node.documents.read, document_id)
            reason = await admit(session, document_id, content, source)
            if reason is not None:
                result.quarantined[document_id] = reason
        await session.commit()
    for document_id in document_ids:
        pending.done(document_id)
