"""`mekaar export DIR`: every document of a node, so residents can leave with all of it.

Per document `<id>.automerge` (a full save, loadable by any Automerge 3 implementation) and
`<id>.json` (its content, readable by anyone), plus `manifest.json` and a README.txt in Dutch.
Documents are read from their files without the node's help, whole chunks only, so an export runs
while the node serves. The local-only tables (accounts, e-mail addresses, password hashes, tokens,
roles, moderation) are never read. The manifest is written last: a folder without one is an
export that did not finish.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.automerge import DecodeError, Document

from ..documents.validation import json_ready
from ..errors import Invalid
from ..identity import load_node
from .files import Problem, Progress, document_files, now_iso, sha256, snapshot_documents

FORMAT = "mekaar-export"
VERSION = 1
MANIFEST = "manifest.json"
README = "README.txt"
NOT_INCLUDED = (
    "accounts",
    "e-mailadressen",
    "wachtwoorden en wachtwoord-hashes",
    "rollen",
    "moderatie-gegevens",
    "buur-nodes en hun tokens",
    "sessies",
    "sleutels van de node",
)

README_TEXT = """\
Export van de Mekaar-node "{name}" ({node_id}), gemaakt op {at}.

Wat staat hier?
- <id>.automerge: elk document (initiatief, gesprek, profiel, organisatie, catalogus) als
  Automerge-bestand. Elk programma dat Automerge 3 kan lezen, opent het.
- <id>.json: dezelfde inhoud als gewone tekst (JSON), om te lezen of te bewaren.
- manifest.json: de lijst van documenten, met per bestand de grootte en een controlegetal
  (sha256), zodat je kunt zien of een bestand beschadigd of veranderd is.

Wat staat hier NIET in?
Geen persoonlijke gegevens van accounts: {not_included}.
Openbare profielen (naam, wat iemand kan en wil) zijn documenten en staan er wel in.

Hoe zet je dit in een andere node?
    mekaar import <deze-map>
Stop die node eerst (mekaar serve). Documenten die er al zijn, worden samengevoegd: er gaat aan
geen van beide kanten iets verloren. Nieuwe documenten worden toegevoegd. Een beschadigd bestand
wordt met de reden gemeld en overgeslagen; de rest wordt wel geïmporteerd.
"""


@dataclass
class ExportResult:
    documents: int = 0
    problems: list[Problem] = field(default_factory=list)


def _empty_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Invalid("map", f"{folder} bestaat al en is niet leeg. Kies een nieuwe of lege map.")
    folder.mkdir(parents=True, exist_ok=True)


def export_node(data_path: Path, folder: Path, progress: Progress | None = None) -> ExportResult:
    """Write every document of the node in `data_path` to the new or empty `folder`."""
    identity = load_node(data_path)
    _empty_folder(folder)
    result = ExportResult()
    entries: list[dict[str, Any]] = []
    total = len(document_files(data_path / "documents"))
    for done, (document_id, data) in enumerate(
        snapshot_documents(data_path / "documents"), start=1
    ):
        entry = _export_one(folder, document_id, data, result)
        if entry is not None:
            entries.append(entry)
        if progress is not None:
            progress(done, total)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "node": {"id": identity.node_id, "name": identity.name},
        "exported_at": now_iso(),
        "not_included": list(NOT_INCLUDED),
        "documents": entries,
    }
    (folder / README).write_text(
        README_TEXT.format(
            name=identity.name,
            node_id=identity.node_id,
            at=manifest["exported_at"],
            not_included=", ".join(NOT_INCLUDED),
        ),
        encoding="utf-8",
    )
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return result


def _export_one(
    folder: Path, document_id: str, data: bytes | None, result: ExportResult
) -> dict[str, Any] | None:
    name = f"{document_id}.automerge"
    if data is None:
        return None  # removed since the folder was listed
    try:
        doc = Document.load(data)
    except DecodeError as exc:
        result.problems.append(Problem(name, f"onleesbaar in deze node ({exc.reason})"))
        return None
    saved = doc.save()
    content = doc.to_py()
    (folder / name).write_bytes(saved)
    (folder / f"{document_id}.json").write_text(
        # default=str: values this engine cannot edit yet (Unknown) are written, not fatal
        json.dumps(json_ready(content), indent=2, ensure_ascii=False, sort_keys=True, default=str)
        + "\n",
        encoding="utf-8",
    )
    result.documents += 1
    doc_type = content.get("type")
    return {
        "id": document_id,
        "type": doc_type if isinstance(doc_type, str) else None,
        "heads": [head.hex() for head in doc.get_heads()],
        "bytes": len(saved),
        "sha256": sha256(saved),
    }
