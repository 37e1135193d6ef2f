"""The DocStore contract (sync/store.py): every implementation runs these same tests, as
automerge-repo does for its storage adapters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sync.automerge import ROOT, Document
from sync.document_id import new_document_id
from sync.file_store import FileDocStore
from sync.repo.stores import MemoryDocStore
from sync.store import DocStore

STORES: dict[str, Callable[[Path], DocStore]] = {
    "file": FileDocStore,
    "memory": lambda _folder: MemoryDocStore(),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DocStore:
    return STORES[request.param](tmp_path / "store")


def edited(doc: Document, title: str) -> bytes:
    with doc.change() as tx:
        tx.put(ROOT, "title", title)
    return doc.save_incremental()


def test_unknown_document_loads_as_none(store: DocStore) -> None:
    assert store.load(new_document_id()) is None


def test_a_saved_document_and_its_appends_load_as_one(store: DocStore) -> None:
    doc_id = new_document_id()
    doc = Document()
    edited(doc, "eerste")
    store.replace(doc_id, doc.save())
    store.append(doc_id, edited(doc, "tweede"))
    store.append(doc_id, edited(doc, "derde"))
    loaded = Document.load(store.load(doc_id) or b"")
    assert loaded.get(ROOT, "title") == "derde"
    assert loaded.get_heads() == doc.get_heads()


def test_replace_compacts_and_ids_lists_every_document(store: DocStore) -> None:
    first, second = new_document_id(), new_document_id()
    doc = Document()
    edited(doc, "a")
    store.replace(first, doc.save())
    store.append(first, edited(doc, "b"))
    store.replace(first, doc.save())
    store.replace(second, Document().save())
    assert Document.load(store.load(first) or b"").get(ROOT, "title") == "b"
    assert sorted(store.ids()) == sorted([first, second])


def test_ids_that_could_escape_the_store_are_refused(store: DocStore) -> None:
    for bad in ("../etc/passwd", "a/b", "", "x" * 100):
        with pytest.raises(ValueError):
            store.append(bad, b"\x00")


def test_a_torn_last_append_is_cut_off_and_the_rest_survives(tmp_path: Path) -> None:
    store = FileDocStore(tmp_path)
    doc_id = new_document_id()
    doc = Document()
    edited(doc, "bewaard")
    store.replace(doc_id, doc.save())
    torn = edited(doc, "half geschreven")
    store.append(doc_id, torn[: len(torn) // 2])
    loaded = Document.load(store.load(doc_id) or b"")
    assert loaded.get(ROOT, "title") == "bewaard"
    store.append(doc_id, edited(Document.load(store.load(doc_id) or b""), "daarna"))
    assert Document.load(store.load(doc_id) or b"").get(ROOT, "title") == "daarna"
