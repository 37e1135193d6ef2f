"""Leaving with everything: an export holds every document and nothing personal; importing it
into an empty node shows residents the same pages, into a node with its own edits keeps both
sides' edits, and a damaged file is named and skipped without stopping the rest."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from node.archive.running import serving
from node.documents.repository import Author
from node.peers import service as peers
from node.projection import list_initiatives
from node.projection.models import InitiativeRow
from node.replication.catalog import bind_actors
from node.settings import Settings
from sync.automerge import ROOT, Document, ObjType
from sync.document_id import new_document_id
from tests.node.archive.nodes import (
    demo_node,
    heads,
    mekaar,
    on_node,
    same_identity,
    search,
    seen_by_a_visitor,
)


def _initiatives(settings: Settings) -> dict[str, str]:
    async def job(_node: Any, session: Any) -> dict[str, str]:
        return {i.title: i.id for i in (await list_initiatives(session, per_page=50)).items}

    result: dict[str, str] = on_node(settings, job)
    return result


def test_an_export_holds_every_document_readable_and_nothing_personal(tmp_path: Path) -> None:
    settings = demo_node(tmp_path / "a")
    exported = mekaar("--data", settings.data_dir, "export", str(tmp_path / "export"))
    assert exported.exit_code == 0, exported.output
    assert "40 documenten geëxporteerd" in exported.output
    folder = tmp_path / "export"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["node"]["name"] == "Oldebroek" and manifest["version"] == 1
    assert "e-mailadressen" in manifest["not_included"]
    assert {d["id"]: d["heads"] for d in manifest["documents"]} == heads(tmp_path / "a")
    for entry in manifest["documents"]:
        data = (folder / f"{entry['id']}.automerge").read_bytes()
        assert len(data) == entry["bytes"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        readable = json.loads((folder / f"{entry['id']}.json").read_text())
        assert readable["id"] == entry["id"] and readable["type"] == entry["type"]
    created = json.loads((folder / f"{manifest['documents'][0]['id']}.json").read_text())
    assert created["created_at"].endswith("Z")  # timestamps as ISO 8601
    readme = (folder / "README.txt").read_text()
    assert "mekaar import" in readme and "wachtwoorden" in readme
    everything = b"".join(p.read_bytes() for p in folder.iterdir())
    assert b"@demo.mekaar.invalid" not in everything  # no account e-mail address anywhere
    assert b"argon2" not in everything


def test_export_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    settings = demo_node(tmp_path / "a")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "mine.txt").write_text("van mij")
    refused = mekaar("--data", settings.data_dir, "export", str(tmp_path / "export"))
    assert refused.exit_code == 1
    assert "niet leeg" in refused.output
    assert [p.name for p in (tmp_path / "export").iterdir()] == ["mine.txt"]


def test_an_export_imported_into_an_empty_node_shows_the_same_pages(
    tmp_path: Path, database_url: str
) -> None:
    """Into a node with the same identity (its keys restored, nothing else), so that pages,
    which name the node, must come out byte for byte the same."""
    source = demo_node(tmp_path / "a")
    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "export")).exit_code == 0
    same_identity(tmp_path / "a", tmp_path / "b")
    imported = mekaar(
        "--data", str(tmp_path / "b"), "import", str(tmp_path / "export"), database_url=database_url
    )
    assert imported.exit_code == 0, imported.output
    assert "40 documenten toegevoegd" in imported.output
    target = Settings(data_dir=str(tmp_path / "b"), database_url=database_url)

    assert heads(tmp_path / "b") == heads(tmp_path / "a")
    before, after = seen_by_a_visitor(source), seen_by_a_visitor(target)
    assert len([k for k in before if k.startswith("page initiative")]) == 7
    assert len([k for k in before if k.startswith("page discussion")]) == 5
    assert after == before
    assert _initiatives(target)["Buurtmoestuin 't Loo"] in search(target, "moestuin")
    assert not (tmp_path / "b" / "pending-projection").exists() or not any(
        (tmp_path / "b" / "pending-projection").iterdir()
    )


def test_an_export_imported_into_another_node_is_found_by_its_search(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "export")).exit_code == 0
    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    imported = mekaar("--data", str(tmp_path / "b"), "import", str(tmp_path / "export"))
    assert imported.exit_code == 0, imported.output
    target = Settings(data_dir=str(tmp_path / "b"))
    assert heads(tmp_path / "b").items() >= heads(tmp_path / "a").items()
    initiatives = _initiatives(target)
    assert initiatives == _initiatives(source)
    assert initiatives["Repair Café Wezep"] in search(target, "repair")
    assert initiatives["Computerhulp voor ouderen"] in search(target, "computerhulp")


def _edit(settings: Settings, document_id: str, edit: Any, *, as_initiator: bool) -> None:
    """An edit with the right to make it (docs/trust.md §3): as the initiator (with their own
    actor), or as a new local person the node vouches for (who may support it)."""

    async def job(node: Any, _session: Any) -> None:
        if as_initiator:
            content = node.documents.read(document_id)
            actor = next(
                a for a, p in content["contributors"].items() if p == content["created_by"]
            )
            author = Author(content["created_by"], bytes.fromhex(actor))
        else:
            author = Author(new_document_id(), secrets.token_bytes(16))
            bind_actors(node, [(author.actor, author.person_id)])
        node.documents.change(document_id, author, "Bewerkt", lambda tx, doc: edit(tx, doc, author))

    on_node(settings, job)


def _summary(tx: Any, _doc: Any, _author: Author) -> None:
    tx.put(ROOT, "summary", "Elke eerste zaterdag van de maand, nu ook fietsen.")


def _support(tx: Any, doc: Any, author: Author) -> None:
    ally = tx.put_object(doc.get(ROOT, "allies"), author.person_id, ObjType.MAP)
    tx.put(ally, "role", "supporter")
    tx.put(ally, "since", datetime.now(UTC))


def test_import_into_a_node_with_its_own_edits_keeps_both_sides(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "first")).exit_code == 0
    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    assert mekaar("--data", str(tmp_path / "b"), "import", str(tmp_path / "first")).exit_code == 0
    target = Settings(data_dir=str(tmp_path / "b"))
    cafe = _initiatives(source)["Repair Café Wezep"]
    _edit(source, cafe, _summary, as_initiator=True)
    _edit(target, cafe, _support, as_initiator=False)  # someone in Wezep supports it meanwhile

    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "second")).exit_code == 0
    imported = mekaar("--data", str(tmp_path / "b"), "import", str(tmp_path / "second"))
    assert imported.exit_code == 0, imported.output
    assert "1 samengevoegd" in imported.output

    merged = Document.load((tmp_path / "b" / "documents" / f"{cafe}.automerge").read_bytes())
    assert merged.get(ROOT, "summary") == "Elke eerste zaterdag van de maand, nu ook fietsen."
    before = Document.load((tmp_path / "a" / "documents" / f"{cafe}.automerge").read_bytes())
    assert len(merged.to_py()["allies"]) == len(before.to_py()["allies"]) + 1

    async def shown(_node: Any, session: Any) -> tuple[str, int]:
        row = (await session.execute(select(InitiativeRow).where(InitiativeRow.id == cafe))).one()
        return row[0].summary, row[0].supporter_count

    async def supporters_before(_node: Any, session: Any) -> int:
        row = (await session.execute(select(InitiativeRow).where(InitiativeRow.id == cafe))).one()
        return int(row[0].supporter_count)

    assert on_node(target, shown) == (
        "Elke eerste zaterdag van de maand, nu ook fietsen.",
        on_node(source, supporters_before) + 1,
    )


def _rewrite_manifest(folder: Path, change: Any) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_damaged_files_are_named_and_skipped_and_the_rest_imported(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    folder = tmp_path / "export"
    assert mekaar("--data", source.data_dir, "export", str(folder)).exit_code == 0
    ids = [d["id"] for d in json.loads((folder / "manifest.json").read_text())["documents"]]
    tampered, truncated, missing = ids[0], ids[1], ids[2]
    data = bytearray((folder / f"{tampered}.automerge").read_bytes())
    data[-5] ^= 0xFF
    (folder / f"{tampered}.automerge").write_bytes(bytes(data))
    cut = (folder / f"{truncated}.automerge").read_bytes()
    (folder / f"{truncated}.automerge").write_bytes(cut[: len(cut) // 2])
    (folder / f"{missing}.automerge").unlink()

    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    imported = mekaar("--data", str(tmp_path / "b"), "import", str(folder))
    assert imported.exit_code == 1
    lines = imported.output.replace("\n", " ")
    assert f"{tampered}.automerge: het controlegetal (sha256) klopt niet" in lines
    assert f"{truncated}.automerge: het bestand is {len(cut) // 2} bytes" in lines
    assert f"{missing}.automerge: het bestand ontbreekt" in lines
    assert "37 documenten toegevoegd" in imported.output
    stored = heads(tmp_path / "b")
    assert all(doc_id in stored for doc_id in ids[3:])
    assert not {tampered, truncated, missing} & set(stored)


def test_a_document_that_breaks_its_schema_is_imported_into_quarantine(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    folder = tmp_path / "export"
    assert mekaar("--data", source.data_dir, "export", str(folder)).exit_code == 0
    broken_id = new_document_id()
    broken = Document()
    with broken.change() as tx:  # an initiative without a title or an envelope
        tx.put(ROOT, "type", "initiative")
        tx.put(ROOT, "schema_version", 1)
        tx.put(ROOT, "id", broken_id)
    data = broken.save()
    (folder / f"{broken_id}.automerge").write_bytes(data)
    entry = {
        "id": broken_id,
        "type": "initiative",
        "heads": [h.hex() for h in broken.get_heads()],
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    _rewrite_manifest(folder, lambda m: m["documents"].append(entry))

    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    imported = mekaar("--data", str(tmp_path / "b"), "import", str(folder))
    assert imported.exit_code == 0, imported.output
    assert f"In quarantaine (niet getoond) {broken_id}" in imported.output

    async def kept(_node: Any, session: Any) -> dict[str, tuple[str, str]]:
        return {q.document_id: (q.reason, q.peer) for q in await peers.quarantined(session)}

    reason, source_name = on_node(Settings(data_dir=str(tmp_path / "b")), kept)[broken_id]
    assert "required" in reason and source_name == "import van Oldebroek"
    assert broken_id in heads(tmp_path / "b")  # kept, like a peer's broken document


def test_import_refuses_while_the_node_serves_and_changes_nothing(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "export")).exit_code == 0
    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    with serving(tmp_path / "b"):
        refused = mekaar("--data", str(tmp_path / "b"), "import", str(tmp_path / "export"))
    assert refused.exit_code == 1
    assert "draait" in refused.output and "Stop" in refused.output
    assert heads(tmp_path / "b") == {}


def test_import_refuses_a_folder_that_is_no_export(tmp_path: Path) -> None:
    assert mekaar("--data", str(tmp_path / "b"), "init", "--name", "Wezep").exit_code == 0
    (tmp_path / "random").mkdir()
    refused = mekaar("--data", str(tmp_path / "b"), "import", str(tmp_path / "random"))
    assert refused.exit_code == 1
    assert "geen Mekaar-export" in refused.output and "manifest.json" in refused.output


def test_import_into_a_folder_without_a_node_says_so_and_makes_nothing(tmp_path: Path) -> None:
    source = demo_node(tmp_path / "a")
    assert mekaar("--data", source.data_dir, "export", str(tmp_path / "export")).exit_code == 0
    refused = mekaar("--data", str(tmp_path / "nowhere"), "import", str(tmp_path / "export"))
    assert refused.exit_code == 1
    assert "mekaar init" in refused.output
    assert not (tmp_path / "nowhere").exists()
