"""The same interop checks over many more seeds: run with `scripts/test -m slow` (or
`pytest -m "interop and slow" tests/interop`). Not part of the default run, which has to stay
within about a minute; run this after any change to encoding, loading or sync.
"""

from __future__ import annotations

import pytest

from sync.automerge import Document, decode_change
from tests.interop.oracle import Oracle
from tests.interop.scenarios import (
    assert_same_document,
    hexes,
    js_concurrent_doc,
    py_concurrent_doc,
)
from tests.interop.test_sync import _diverged

pytestmark = [pytest.mark.interop, pytest.mark.slow]

FUZZ_SEEDS = range(1000, 1300)


@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_reference_documents_load_and_rebuild_in_python(js: Oracle, seed: int) -> None:
    chunks = js_concurrent_doc(js, seed, peers=4)
    changes = js.all_changes("doc")
    for chunk in changes:
        assert decode_change(chunk).hash.hex() == js.decode_change(chunk)["hash"]
    loaded = Document.load(js.save("doc"))
    assert_same_document(js, "doc", loaded, f"seed {seed}, save")
    assert sorted(c.hex() for c in loaded.get_all_changes()) == sorted(c.hex() for c in changes)
    assert_same_document(js, "doc", Document.load(b"".join(chunks)), f"seed {seed}, incremental")


@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_python_documents_load_and_stay_byte_identical_in_the_reference(
    js: Oracle, seed: int
) -> None:
    doc, chunks = py_concurrent_doc(seed, peers=4)
    js.load("saved", doc.save())
    assert_same_document(js, "saved", doc, f"seed {seed}, save")
    js.load("incremental", b"".join(chunks))
    assert_same_document(js, "incremental", doc, f"seed {seed}, incremental")
    js.create("applied")
    js.apply_changes("applied", doc.get_all_changes())
    assert hexes(js.all_changes("applied")) == hexes(doc.get_all_changes())
    for chunk in doc.get_all_changes():
        again = js.reencode_change(chunk)
        assert again is None or again == chunk, f"seed {seed}"


@pytest.mark.parametrize("first", ["py", "js"])
@pytest.mark.parametrize("seed", FUZZ_SEEDS[:100])
def test_diverged_peers_converge(js: Oracle, seed: int, first: str) -> None:
    peers = _diverged(js, seed)
    peers.run(first)  # type: ignore[arg-type]
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}, {first} first")
