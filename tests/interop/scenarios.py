"""Builders for the documents the interop tests compare: several actors, concurrent edits, merged.

Each builder is a pure function of its seed, so a failing case is reproduced by its seed alone.
"""

from __future__ import annotations

import hashlib

from sync.automerge import Document
from tests.interop.canonical import canonical
from tests.interop.oracle import Oracle
from tests.interop.py_edits import random_edits


def actor(seed: int, i: int) -> bytes:
    """A deterministic actor id. Every third is 8 bytes: actors are arbitrary byte strings, and
    mixed lengths exercise the lexicographic actor ordering in change and document chunks."""
    digest = hashlib.sha256(f"actor:{seed}:{i}".encode()).digest()
    return digest[:8] if i % 3 == 2 else digest[:16]


def js_concurrent_doc(js: Oracle, seed: int, name: str = "doc", peers: int = 3) -> list[bytes]:
    """A reference document: shared history, `peers` actors editing concurrently, merged, then
    edited again. Returns the saveIncremental chunk taken after each phase, whose concatenation
    is the whole document."""
    chunks: list[bytes] = []
    js.create(name, actor(seed, 0))
    js.random_edits(name, seed=seed, changes=3, edits=5)
    chunks.append(js.save_incremental(name))
    for i in range(1, peers):
        js.clone(name, f"{name}.peer{i}", actor(seed, i))
    js.random_edits(name, seed=seed * 31 + 1, changes=2, edits=5)
    for i in range(1, peers):
        js.random_edits(f"{name}.peer{i}", seed=seed * 31 + 1 + i, changes=3, edits=5)
    chunks.append(js.save_incremental(name))
    for i in range(1, peers):
        js.merge(name, f"{name}.peer{i}")
        chunks.append(js.save_incremental(name))
    js.random_edits(name, seed=seed * 31 + 17, changes=2, edits=5)
    chunks.append(js.save_incremental(name))
    return chunks


def py_concurrent_doc(seed: int, peers: int = 3) -> tuple[Document, list[bytes]]:
    """Our engine's twin of js_concurrent_doc: returns the document and its save_incremental
    chunks, one per phase."""
    chunks: list[bytes] = []
    doc = Document(actor=actor(seed, 100))
    random_edits(doc, seed, changes=3, edits=5)
    chunks.append(doc.save_incremental())
    forks = [doc.fork(actor=actor(seed, 100 + i)) for i in range(1, peers)]
    random_edits(doc, seed * 37 + 1, changes=2, edits=5)
    for i, fork in enumerate(forks, start=1):
        random_edits(fork, seed * 37 + 1 + i, changes=3, edits=5)
    chunks.append(doc.save_incremental())
    for fork in forks:
        doc.merge(fork)
        chunks.append(doc.save_incremental())
    random_edits(doc, seed * 37 + 17, changes=2, edits=5)
    chunks.append(doc.save_incremental())
    return doc, chunks


def hexes(hashes: list[bytes]) -> list[str]:
    return sorted(h.hex() for h in hashes)


def assert_same_document(js: Oracle, name: str, doc: Document, context: str = "") -> None:
    """Our document and the reference's show the same content and the same heads."""
    where = f" ({context})" if context else ""
    assert hexes(doc.get_heads()) == hexes(js.heads(name)), f"heads differ{where}"
    assert canonical(doc.to_py()) == js.canonical(name), f"content differs{where}"


def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def deflated_columns(doc_chunk: bytes) -> list[int]:
    """Column specs with the DEFLATE bit (0x08) in a saved document's first chunk.

    save() deflates columns of 256 bytes or more, and our zlib's output differs from the
    reference's miniz_oxide (harmless: readers inflate), so saves are compared byte for byte only
    when neither side deflated anything. Layout: header, actors, heads, then the change and op
    column metadata (rust/automerge/src/storage/document.rs)."""
    pos = 9  # magic, checksum, chunk type
    _, pos = _uleb(doc_chunk, pos)
    count, pos = _uleb(doc_chunk, pos)
    for _ in range(count):
        length, pos = _uleb(doc_chunk, pos)
        pos += length
    count, pos = _uleb(doc_chunk, pos)
    pos += 32 * count
    specs: list[int] = []
    for _ in range(2):
        count, pos = _uleb(doc_chunk, pos)
        for _ in range(count):
            spec, pos = _uleb(doc_chunk, pos)
            _, pos = _uleb(doc_chunk, pos)
            specs.append(spec)
    return [spec for spec in specs if spec & 0x08]
