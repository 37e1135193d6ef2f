"""The notes of documents not yet projected (node/replication/pending.py) outlive a restart, take
in the older one-file-per-document markers, shrug off a torn last line, and leave no file behind
once nothing is pending."""

from __future__ import annotations

from pathlib import Path

from node.replication.pending import LOG, PendingProjections
from sync.document_id import new_document_id

A, B, C = new_document_id(), new_document_id(), new_document_id()


def test_notes_outlive_a_restart_and_vanish_when_done(tmp_path: Path) -> None:
    pending = PendingProjections(tmp_path)
    pending.mark(A, "Hattem")
    pending.mark(B, "Heerde met\nnieuwe regel")  # a peer's name cannot break a line
    pending.mark(A, "Hattem")
    pending.done(B)
    again = PendingProjections(tmp_path)  # as after a crash: the first never closed the log
    pending.close()
    assert again.all() == {A: "Hattem"}
    again.done(A)
    again.done(C)  # never marked: nothing happens
    assert again.all() == {} and list(tmp_path.iterdir()) == []


def test_older_marker_files_and_a_torn_line(tmp_path: Path) -> None:
    (tmp_path / A).write_text("Wezep", encoding="utf-8")  # the older layout
    (tmp_path / LOG).write_text(f"+ {B} Hattem\n+ {C[:9]}", encoding="utf-8")  # torn mid-id
    pending = PendingProjections(tmp_path)
    assert pending.all() == {A: "Wezep", B: "Hattem"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOG]
    pending.close()
    reread = PendingProjections(tmp_path)
    assert reread.all() == {A: "Wezep", B: "Hattem"}
    reread.close()
