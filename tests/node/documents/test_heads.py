"""The heads index (node/documents/heads.py): heads known without a load, trusted only while the
stored bytes are those they were noted for."""

from __future__ import annotations

import json
from pathlib import Path

from node.documents.heads import HeadsIndex
from node.documents.repository import DocumentRepository
from sync.automerge import ROOT
from sync.file_store import FileDocStore

from .test_repository import ALICE, BOB, NODE_ID, fill_discussion


def _repo(tmp_path: Path) -> DocumentRepository:
    store = FileDocStore(tmp_path / "documents")
    index = HeadsIndex(tmp_path / "heads.json", store.stamp)
    return DocumentRepository(store, NODE_ID, heads=index)


def test_heads_are_known_without_a_load_after_a_restart(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    doc_id = repo.create("discussion", ALICE, "Onderwerp", fill_discussion)
    repo.change(doc_id, BOB, "Titel", lambda tx, _doc: tx.put(ROOT, "title", "Bankjes"))
    heads = repo.open(doc_id).get_heads()
    assert repo.heads is not None and repo.heads.save()
    assert not repo.heads.save()  # nothing changed since

    again = _repo(tmp_path)  # a new process: nothing cached
    assert again.known_heads(doc_id) == heads
    assert again.known_heads("7p4FWGFvxUN8Cr4dJ3VY7wFCef1g") is None


def test_a_stale_index_is_never_believed(tmp_path: Path) -> None:
    """As after a kill -9 between an edit and the next save of the index, or an edit by another
    process (the benchmark's, `mekaar import`): the entry no longer matches the bytes."""
    repo = _repo(tmp_path)
    doc_id = repo.create("discussion", ALICE, "Onderwerp", fill_discussion)
    assert repo.heads is not None and repo.heads.save()
    elsewhere = DocumentRepository(FileDocStore(tmp_path / "documents"), NODE_ID)  # no index
    elsewhere.change(doc_id, BOB, "Titel", lambda tx, _doc: tx.put(ROOT, "title", "Bankjes"))

    restarted = _repo(tmp_path)
    assert restarted.known_heads(doc_id) is None
    heads = restarted.open(doc_id).get_heads()  # a load notes the heads it found
    assert heads == elsewhere.open(doc_id).get_heads()
    restarted.forget(doc_id)
    assert restarted.known_heads(doc_id) == heads


def test_an_unreadable_index_means_nothing_is_known(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    doc_id = repo.create("discussion", ALICE, "Onderwerp", fill_discussion)
    assert repo.heads is not None and repo.heads.save()
    (tmp_path / "heads.json").write_text('{"version": 1, "documents": {"x": [1, "zz"]')
    assert _repo(tmp_path).known_heads(doc_id) is None
    bad_heads = {"version": 1, "documents": {doc_id: [1, "zz"]}}
    (tmp_path / "heads.json").write_text(json.dumps(bad_heads))
    assert _repo(tmp_path).known_heads(doc_id) is None
