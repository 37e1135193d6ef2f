"""Reading a document file that the node is appending to: whole chunks only, file untouched."""

from __future__ import annotations

from pathlib import Path

from node.archive.files import snapshot_documents
from sync.automerge import ROOT, Document
from sync.document_id import new_document_id


def test_a_half_written_append_is_left_out_and_left_alone(tmp_path: Path) -> None:
    doc = Document()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Moestuin")
    saved = doc.save()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Buurtmoestuin")
    torn = doc.save_incremental()[:-3]  # the writer is mid-append
    document_id = new_document_id()
    path = tmp_path / f"{document_id}.automerge"
    path.write_bytes(saved + torn)

    assert list(snapshot_documents(tmp_path)) == [(document_id, saved)]
    assert path.read_bytes() == saved + torn  # the writer's file is not cut
    assert Document.load(saved).get(ROOT, "title") == "Moestuin"
