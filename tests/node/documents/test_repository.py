"""The single write path: one change per edit, attributed, validated, stored before returning."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from node.documents.repository import Author, DocumentRepository
from node.documents.validation import ITEM_MAP, _per_item, _validator
from node.errors import Invalid, NotFound
from node.texts import replace_text
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.file_store import FileDocStore

NODE_ID = "6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"


def author(name: str) -> Author:
    return Author(person_id="2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt" + name, actor=os.urandom(16))


ALICE, BOB = author("a"), author("b")


def fill_discussion(tx: Transaction, _doc: Document) -> None:
    tx.put(ROOT, "title", "Bankjes op het dorpsplein")
    intro = tx.put_object(ROOT, "intro", ObjType.TEXT)
    tx.splice_text(intro, 0, 0, "Waar zouden nieuwe bankjes moeten staan?")
    tx.put(ROOT, "initiative", None)
    place = tx.put_object(ROOT, "place", ObjType.MAP)
    tx.put(place, "village", "Oldebroek")
    tx.put_object(ROOT, "tags", ObjType.LIST)
    tx.put_object(ROOT, "comments", ObjType.MAP)


@pytest.fixture
def repo(tmp_path: Path) -> DocumentRepository:
    return DocumentRepository(FileDocStore(tmp_path), NODE_ID)


def test_create_writes_the_envelope_and_stores_the_document(repo: DocumentRepository) -> None:
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)
    content = repo.read(doc_id)
    assert content["id"] == doc_id
    assert content["origin_node"] == NODE_ID
    assert content["created_by"] == ALICE.person_id
    assert content["contributors"] == {ALICE.actor.hex(): ALICE.person_id}
    stored = Document.load(repo.store.load(doc_id) or b"")
    assert stored.to_py() == content


def test_each_edit_is_one_attributed_change(repo: DocumentRepository) -> None:
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)
    repo.change(doc_id, BOB, "Titel aangepast", lambda tx, d: tx.put(ROOT, "title", "Bankjes!"))
    doc = Document.load(repo.store.load(doc_id) or b"")
    assert len(doc.get_all_changes()) == 2
    assert doc.to_py()["contributors"][BOB.actor.hex()] == BOB.person_id
    assert doc.get(ROOT, "title") == "Bankjes!"


def test_an_edit_that_breaks_the_schema_is_refused_and_changes_nothing(
    repo: DocumentRepository,
) -> None:
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)
    before = repo.store.load(doc_id)
    with pytest.raises(Invalid) as refused:
        repo.change(doc_id, BOB, "te lang", lambda tx, d: tx.put(ROOT, "title", "x" * 201))
    assert refused.value.field == "title"
    assert repo.read(doc_id)["title"] == "Bankjes op het dorpsplein"
    assert repo.store.load(doc_id) == before


def test_a_long_thread_still_refuses_a_bad_comment_when_only_new_ones_are_checked(
    repo: DocumentRepository,
) -> None:
    """Past ITEM_MAP comments, validation checks what changed (the memo of accepted items): a
    new bad comment, and a good one made bad, are refused all the same."""
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)

    def key(number: int) -> str:  # item ids are base58: no 0
        return "reactie" + "".join("123456789A"[int(d)] for d in f"{number:04d}")

    def comment(number: int, body: object) -> Callable[[Transaction, Document], None]:
        def edit(tx: Transaction, _doc: Document) -> None:
            item = tx.put_object(tx.get(ROOT, "comments"), key(number), ObjType.MAP)
            tx.put(item, "by", ALICE.person_id)
            tx.put(item, "at", datetime(2026, 11, 26, tzinfo=UTC))
            tx.put(item, "body", body)
            tx.put(item, "reply_to", None)

        return edit

    for number in range(ITEM_MAP + 5):
        repo.change(doc_id, ALICE, "Reactie geplaatst", comment(number, f"Reactie {number}"))
    before = repo.store.load(doc_id)
    with pytest.raises(Invalid) as refused:
        repo.change(doc_id, BOB, "fout", comment(9999, 12345))
    assert refused.value.field == f"comments.{key(9999)}.body"

    def spoil(tx: Transaction, _doc: Document) -> None:
        tx.put(tx.get(tx.get(ROOT, "comments"), key(3)), "by", None)

    with pytest.raises(Invalid) as refused:
        repo.change(doc_id, BOB, "fout", spoil)
    assert refused.value.field == f"comments.{key(3)}.by"
    assert repo.store.load(doc_id) == before
    assert len(repo.read(doc_id)["comments"]) == ITEM_MAP + 5


def test_only_maps_whose_schema_judges_each_entry_alone_are_checked_by_what_changed() -> None:
    """Validation leaves accepted items of long maps out (node.documents.validation) only where
    that cannot change the verdict: a thread's comments yes, an alliance's members (at most
    500) no."""
    assert _per_item(_validator("discussion", 1).schema, "comments")
    assert not _per_item(_validator("alliance", 1).schema, "members")
    assert not _per_item(_validator("discussion", 1).schema, "no such field")


def test_edits_from_forms_opened_at_the_same_version_both_survive(
    repo: DocumentRepository,
) -> None:
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)
    seen = repo.open(doc_id).get_heads()
    old = repo.read(doc_id)["intro"]

    def rewrite(new: str):  # type: ignore[no-untyped-def]
        def edit(tx: Transaction, doc: Document) -> None:
            replace_text(tx, doc.get(ROOT, "intro"), doc.text(doc.get(ROOT, "intro")), new)

        return edit

    repo.change(
        doc_id, ALICE, "a", rewrite("Waar zouden nieuwe groene bankjes moeten staan?"), seen
    )
    repo.change(
        doc_id, BOB, "b", rewrite("Waar zouden nieuwe bankjes moeten staan, vraagt Bob?"), seen
    )
    merged = repo.read(doc_id)["intro"]
    assert merged != old
    assert "groene" in merged and "vraagt Bob" in merged
    assert Document.load(repo.store.load(doc_id) or b"").to_py()["intro"] == merged


def test_unknown_documents_are_not_found(repo: DocumentRepository) -> None:
    with pytest.raises(NotFound):
        repo.read("2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt")
    with pytest.raises(NotFound):
        repo.read("../../etc/passwd")


def test_many_edits_compact_the_stored_file(repo: DocumentRepository) -> None:
    doc_id = repo.create("discussion", ALICE, "Onderwerp gestart", fill_discussion)
    for i in range(205):
        repo.change(doc_id, ALICE, "titel", lambda tx, d, i=i: tx.put(ROOT, "title", f"versie {i}"))
    data = repo.store.load(doc_id) or b""
    assert data.count(b"\x85\x6f\x4a\x83") < 20  # one saved document plus the few since
    assert Document.load(data).get(ROOT, "title") == "versie 204"
