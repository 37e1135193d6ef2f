"""A host's backup: taken while the node writes, it restores into an empty folder as the same node
(documents and heads, accounts that log in, peers whose tokens work, moderation, quarantine, a
rebuilt projection), across SQLite and PostgreSQL; a restore never overwrites or half-writes."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import secrets
import tarfile
import threading
from pathlib import Path
from typing import Any

from node import accounts
from node.archive.backup import write_backup
from node.archive.restore import restore_backup
from node.archive.running import serving
from node.demo import fill_demo
from node.documents.repository import Author
from node.identity import init_node
from node.peers import service as peers
from node.projection import list_initiatives, search
from node.runtime import Node
from node.settings import Settings
from sync.automerge import ROOT, Document
from sync.document_id import new_document_id
from tests.node.archive.nodes import heads, mekaar

PASSWORD = "mekaar-demo-2025"
OUTBOUND_TOKEN = "t0ken-for-wezep-" + "x" * 20


async def _fill(node: Node) -> dict[str, Any]:
    """Demo content plus one of each local-only row a backup must keep."""
    await fill_demo(node)
    async with node.sessions() as session:
        initiatives = {i.title: i.id for i in (await list_initiatives(session, per_page=50)).items}
        invitation = await peers.invite(session, "Hattem")
        await peers.add(session, "wss://wezep.example/sync", OUTBOUND_TOKEN, "Wezep")
        followed = await peers.follow(session, new_document_id())
        sanne = await accounts.login(
            node,
            session,
            accounts.LoginForm(email="sanne@demo.mekaar.invalid", password=PASSWORD),
        )
        hidden = initiatives["Oefenruimte voor het buurtkoor"]
        await accounts.hide(session, sanne, hidden, reason="Dubbel geplaatst")
        quarantined = new_document_id()
        await peers.quarantine(session, quarantined, "title: is required", "Hattem")
        await session.commit()
    return {
        "token": invitation.token,
        "followed": followed,
        "hidden": hidden,
        "quarantined": quarantined,
        "cafe": initiatives["Repair Café Wezep"],
    }


def _backup_while_writing(node: Node, target: Path, cafe: str) -> dict[str, list[str]]:
    """Back up while a thread keeps changing one initiative (appends, and a compaction: the file
    is rewritten every 200 changes); returns the heads from just before the backup began."""
    stop = threading.Event()
    writes = 0
    author = Author(new_document_id(), secrets.token_bytes(16))

    def write() -> None:
        nonlocal writes
        while not stop.is_set():
            summary = f"Versie {writes}: elke eerste zaterdag van de maand."
            node.documents.change(
                cafe,
                author,
                "Bijgewerkt",
                lambda tx, _doc, summary=summary: tx.put(ROOT, "summary", summary),
            )
            writes += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while writes < 5:
            threading.Event().wait(0.01)
        before = heads(node.settings.data_path)
        with serving(node.settings.data_path):  # as `mekaar serve` would hold it
            asyncio.run(write_backup(node, target))
    finally:
        stop.set()
        writer.join()
    assert writes > 5
    return before


def _check_restored(source: Node, before: dict[str, list[str]], rows: dict[str, Any]) -> None:
    """The restored node (in `rows['settings']`) is the source node as it was backed up."""
    settings: Settings = rows["settings"]
    restored = heads(settings.data_path)
    after = heads(source.settings.data_path)
    assert set(restored) == set(after)
    cafe = rows["cafe"]
    for doc_id in restored:
        if doc_id != cafe:
            assert restored[doc_id] == after[doc_id]
    kept = Document.load((settings.documents_path / f"{cafe}.automerge").read_bytes())
    now = Document.load((source.settings.documents_path / f"{cafe}.automerge").read_bytes())
    assert all(kept.get_change_by_hash(bytes.fromhex(h)) for h in before[cafe])
    assert all(now.get_change_by_hash(bytes.fromhex(h)) for h in restored[cafe])
    identity = json.loads((settings.data_path / "node.json").read_text())
    assert identity == json.loads((source.settings.data_path / "node.json").read_text())

    async def look() -> None:
        node = await Node.open(settings, null_pool=True)
        try:
            async with node.sessions() as session:
                sanne = await accounts.login(
                    node,
                    session,
                    accounts.LoginForm(email="sanne@demo.mekaar.invalid", password=PASSWORD),
                )
                assert sanne.display_name == "Sanne Kok" and "moderator" in sanne.roles
                hattem = await peers.authenticate(session, rows["token"])
                assert hattem is not None and hattem.name == "Hattem"
                dialled = await peers.outbound(session)
                assert [(p.name, t) for p, t in dialled] == [("Wezep", OUTBOUND_TOKEN)]
                assert await peers.followed(session) == [rows["followed"]]
                assert await accounts.is_hidden(session, rows["hidden"])
                kept = {q.document_id: q.reason for q in await peers.quarantined(session)}
                assert kept == {rows["quarantined"]: "title: is required"}
                listed = await list_initiatives(session, per_page=50)
                assert cafe in {i.id for i in listed.items}
                assert listed.total >= 6
                found = {hit.id for hit in await search(session, "computerhulp")}
                assert found
                epe = await peers.invite(session, "Epe")  # ids continue after the restored ones
                assert epe.peer.id not in {hattem.id, dialled[0][0].id}
                await session.commit()
        finally:
            await node.close()

    asyncio.run(look())


def test_a_backup_taken_while_the_node_writes_restores_into_an_empty_folder(
    tmp_path: Path, node: Node
) -> None:
    """From the node's database (SQLite, and PostgreSQL when available) onto SQLite."""
    rows = asyncio.run(_fill(node))
    target = tmp_path / "backups" / "oldebroek.tar.gz"
    before = _backup_while_writing(node, target, rows["cafe"])
    assert target.stat().st_mode & 0o077 == 0  # keys and password hashes: the owner's only
    rows["settings"] = Settings(data_dir=str(tmp_path / "restored"))
    asyncio.run(restore_backup(rows["settings"], target))
    _check_restored(node, before, rows)


def test_a_backup_from_sqlite_restores_onto_the_other_database(
    tmp_path: Path, database_url: str
) -> None:
    """From SQLite onto PostgreSQL when available (and SQLite onto SQLite always)."""
    data = tmp_path / "source"
    init_node(data, "Oldebroek")
    node = asyncio.run(Node.open(Settings(data_dir=str(data)), null_pool=True))
    try:
        rows = asyncio.run(_fill(node))
        target = tmp_path / "oldebroek.tar.gz"
        before = _backup_while_writing(node, target, rows["cafe"])
        rows["settings"] = Settings(data_dir=str(tmp_path / "restored"), database_url=database_url)
        restored = mekaar(
            "--data", str(tmp_path / "restored"), "restore", str(target), database_url=database_url
        )
        assert restored.exit_code == 0, restored.output
        assert "Node Oldebroek hersteld" in restored.output and "2 buur-nodes" in restored.output
        _check_restored(node, before, rows)
    finally:
        asyncio.run(node.close())


def _listing(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _small_backup(tmp_path: Path) -> Path:
    data = tmp_path / "source"
    assert mekaar("--data", str(data), "init", "--name", "Hattem").exit_code == 0
    made = mekaar("--data", str(data), "backup", str(tmp_path / "hattem.tar.gz"))
    assert made.exit_code == 0, made.output
    assert "Back-up gemaakt" in made.output
    return tmp_path / "hattem.tar.gz"


def test_restore_refuses_a_folder_that_is_not_empty_and_leaves_it_untouched(
    tmp_path: Path,
) -> None:
    backup = _small_backup(tmp_path)
    occupied = tmp_path / "here"
    assert mekaar("--data", str(occupied), "init", "--name", "Epe").exit_code == 0
    (occupied / "notes.txt").write_text("niet weggooien")
    before = _listing(occupied)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    refused = mekaar("--data", str(occupied), "restore", str(backup))
    assert refused.exit_code == 1
    assert "is niet leeg" in refused.output and "--force" in refused.output
    assert _listing(occupied) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no temporary folder left


def test_restore_with_force_sets_the_old_folder_aside(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    occupied = tmp_path / "here"
    assert mekaar("--data", str(occupied), "init", "--name", "Epe").exit_code == 0
    before = _listing(occupied)
    forced = mekaar("--data", str(occupied), "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert json.loads((occupied / "node.json").read_text())["name"] == "Hattem"
    (aside,) = tmp_path.glob("here.voor-herstel-*")
    assert _listing(aside).items() >= before.items()
    assert "voor-herstel" in forced.output


def test_a_damaged_backup_is_refused_before_anything_moves(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    siblings = sorted(p.name for p in tmp_path.iterdir())
    refused = mekaar("--data", str(tmp_path / "restored"), "restore", str(cut))
    assert refused.exit_code == 1
    assert "geen leesbare back-up" in refused.output
    assert not (tmp_path / "restored").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def _members(backup: Path) -> dict[str, bytes]:
    found = {}
    with tarfile.open(backup) as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            assert handle is not None
            found[member.name] = handle.read()
    return found


def _write_members(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_backup_with_a_changed_file_is_refused(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    members = _members(backup)
    members["node.json"] = members["node.json"].replace(b"Hattem", b"Hettem")
    _write_members(tmp_path / "changed.tar.gz", members)
    refused = mekaar(
        "--data", str(tmp_path / "restored"), "restore", str(tmp_path / "changed.tar.gz")
    )
    assert refused.exit_code == 1
    assert "node.json in de back-up is beschadigd" in refused.output
    assert not (tmp_path / "restored").exists()


def test_a_backup_from_a_newer_mekaar_is_refused_before_anything_moves(tmp_path: Path) -> None:
    """Tables this version does not know are not dropped silently: the restore stops first."""
    backup = _small_backup(tmp_path)
    newer = tmp_path / "newer.tar.gz"
    members = _members(backup)
    tables = json.loads(members["tables.json"])
    tables["badges"] = [{"person_id": "x", "badge": "tuinier"}]
    members["tables.json"] = json.dumps(tables).encode()
    manifest = json.loads(members["backup.json"])
    manifest["files"]["tables.json"] = {
        "bytes": len(members["tables.json"]),
        "sha256": hashlib.sha256(members["tables.json"]).hexdigest(),
    }
    members["backup.json"] = json.dumps(manifest).encode()
    _write_members(newer, members)
    refused = mekaar("--data", str(tmp_path / "restored"), "restore", str(newer))
    assert refused.exit_code == 1
    assert "onbekende tabellen: badges" in refused.output
    assert not (tmp_path / "restored").exists()


def test_restore_refuses_while_a_node_serves_from_the_folder(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    occupied = tmp_path / "here"
    assert mekaar("--data", str(occupied), "init", "--name", "Epe").exit_code == 0
    before = _listing(occupied)
    with serving(occupied):
        refused = mekaar("--data", str(occupied), "restore", "--force", str(backup))
    assert refused.exit_code == 1
    assert "draait" in refused.output
    assert _listing(occupied).items() >= before.items()
    assert not list(tmp_path.glob("here.voor-herstel-*"))
