"""Things JS clients write that our API never makes: rich-text marks, empty changes, and the
author extra bytes of Automerge 3.5. A peer relays and stores such documents, so our engine has to
read them, show the same content, and hand every change back byte for byte (a lost mark op or a
dropped extra byte changes a hash and splits the history).
"""

from __future__ import annotations

from typing import Any

import pytest

from sync.automerge import ROOT, Document, SyncState, decode_change
from tests.interop.oracle import Oracle
from tests.interop.py_edits import random_edits
from tests.interop.scenarios import assert_same_document, hexes

pytestmark = pytest.mark.interop

ACTOR_A = bytes.fromhex("aa" * 16)
ACTOR_B = bytes.fromhex("bb" * 16)


def _rich_reference_doc(js: Oracle, author: str | None) -> None:
    """Text with overlapping and concurrent marks, an unmark, an empty change, and edits around
    the marks from a second actor."""
    js.create("doc", ACTOR_A, author=author)
    js.change("doc", [["put", [], "t", ["text", "Moestuin aan de Kerkstraat 😀 é"]]])
    js.clone("doc", "other", ACTOR_B)
    js.change(
        "doc",
        [
            ["mark", ["t"], 0, 8, "both", "bold", ["bool", True]],
            ["mark", ["t"], 4, 20, "none", "link", ["str", "https://example.org/ĳ"]],
        ],
    )
    js.call("emptyChange", doc="doc", message="niets veranderd")
    js.change("doc", [["unmark", ["t"], 2, 3, "after", "bold"]])
    js.change(
        "other",
        [
            ["mark", ["t"], 6, 12, "before", "comment", ["int", 7]],
            ["splice", ["t"], 5, 2, "ÉÉ"],
            ["put", [], "n", ["counter", 1]],
        ],
    )
    js.merge("doc", "other")
    js.change("doc", [["splice", ["t"], 1, 0, "ĳ"], ["increment", [], "n", 2]])


@pytest.mark.parametrize("author", [None, "abcd"], ids=["no-author", "author"])
def test_python_reads_marks_empty_changes_and_author_bytes_like_the_reference(
    js: Oracle, author: str | None
) -> None:
    _rich_reference_doc(js, author)
    changes = js.all_changes("doc")
    kinds = {k for c in changes for k in js.decode_change(c)["kinds"]}
    assert {"insert:markBegin", "insert:markEnd"} <= kinds
    assert any(js.decode_change(c)["ops"] == 0 for c in changes)
    for chunk in changes:
        assert decode_change(chunk).hash.hex() == js.decode_change(chunk)["hash"]

    loaded = Document.load(js.save("doc"))
    assert_same_document(js, "doc", loaded, "loaded from save")
    assert hexes(loaded.get_all_changes()) == hexes(changes), "rebuilt changes differ"
    applied = Document()
    applied.apply_changes(changes)
    assert_same_document(js, "doc", applied, "applied changes")


@pytest.mark.parametrize("author", [None, "abcd"], ids=["no-author", "author"])
def test_reference_gets_marks_back_unchanged_after_python_edits_the_text(
    js: Oracle, author: str | None
) -> None:
    _rich_reference_doc(js, author)
    marks_before: Any = js.call("marks", doc="doc", path=["t"])
    doc = Document.load(js.save("doc"), actor=bytes.fromhex("cc" * 16))
    js.load("back", doc.save())
    assert js.call("marks", doc="back", path=["t"]) == marks_before
    assert_same_document(js, "back", doc, "unchanged round trip")

    # Our own edits next to and inside marked text: the reference's marks move with the text.
    text = doc.get(ROOT, "t")
    with doc.change(time=1) as tx:
        tx.splice_text(text, 0, 0, "» ")
        tx.splice_text(text, 9, 3, "🎉")
    js.apply_changes("doc", doc.get_changes(js.heads("doc")))
    js.load("edited", doc.save())
    assert_same_document(js, "doc", doc, "after our edits")
    assert js.call("marks", doc="edited", path=["t"]) == js.call("marks", doc="doc", path=["t"])


def test_rich_reference_doc_syncs_to_an_empty_python_peer_and_back(js: Oracle) -> None:
    _rich_reference_doc(js, "abcd")
    doc = Document(actor=bytes.fromhex("cc" * 16))
    state = SyncState()
    js.init_sync_state("s")
    for _ in range(20):
        to_py = js.generate_sync_message("doc", "s")
        if to_py is not None:
            doc.receive_sync_message(state, to_py)
        to_js = doc.generate_sync_message(state)
        if to_js is not None:
            js.receive_sync_message("doc", "s", to_js)
        if to_py is None and to_js is None:
            break
    assert_same_document(js, "doc", doc, "after sync")
    random_edits(doc, 5, changes=2, edits=3)
    js.load("back", doc.save())
    assert_same_document(js, "back", doc, "after our edits")
