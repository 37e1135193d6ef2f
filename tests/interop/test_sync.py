"""Our engine and the reference reach the same document by sync messages alone.

Each case starts from a shared history, then both sides make changes the other lacks (several
actors on the reference side), and only sync messages pass between them: no saves, no changes
handed over directly. Converged means identical heads and identical content, and both sides fall
silent (generate None) within a bounded number of messages.
"""

from __future__ import annotations

from typing import Literal

import pytest

from sync.automerge import Document, SyncState
from tests.interop.oracle import Oracle
from tests.interop.py_edits import random_edits
from tests.interop.scenarios import actor, assert_same_document

pytestmark = pytest.mark.interop

Side = Literal["py", "js"]
SEEDS = range(12)
MAX_MESSAGES = 40


class Peers:
    """One of our documents and one reference document, each with its sync state for the other."""

    def __init__(self, js: Oracle, doc: Document, js_doc: str = "doc") -> None:
        self.js = js
        self.doc = doc
        self.state = SyncState()
        self.js_doc = js_doc
        self.js_state = "state"
        js.init_sync_state(self.js_state)
        self.sent = 0
        self.bytes_sent = 0

    def run(self, first: Side, limit: int | None = None) -> int:
        """Pass messages, alternating sides, until both are silent (or `limit` messages were
        sent). Returns the number of messages sent in this run."""
        sent_before = self.sent
        turn: Side = first
        quiet = 0
        while quiet < 2:
            if limit is not None and self.sent - sent_before >= limit:
                break
            if turn == "py":
                msg = self.doc.generate_sync_message(self.state)
                if msg is not None:
                    self.js.receive_sync_message(self.js_doc, self.js_state, msg)
            else:
                msg = self.js.generate_sync_message(self.js_doc, self.js_state)
                if msg is not None:
                    self.doc.receive_sync_message(self.state, msg)
            quiet = quiet + 1 if msg is None else 0
            self.sent += msg is not None
            self.bytes_sent += len(msg or b"")
            assert self.sent <= MAX_MESSAGES, "sync did not settle"
            turn = "js" if turn == "py" else "py"
        return self.sent - sent_before

    def reencode_states(self) -> None:
        """Both sides keep only what a persisted sync state keeps (the shared heads)."""
        self.state = SyncState.decode(self.state.encode())
        self.js.decode_sync_state("state.decoded", self.js.encode_sync_state(self.js_state))
        self.js_state = "state.decoded"

    def restart(self) -> None:
        """Both sides start over from storage: a fresh document loaded from its save and the
        sync state decoded from its encoding, as after a process restart."""
        self.doc = Document.load(self.doc.save(), actor=self.doc.actor)
        self.js.load("doc.restarted", self.js.save(self.js_doc))
        self.js_doc = "doc.restarted"
        self.reencode_states()


def _diverged(js: Oracle, seed: int) -> Peers:
    """A shared history made by the reference, then changes on each side the other lacks: two
    reference actors (merged) and one of ours."""
    js.create("doc", actor(seed, 0))
    js.random_edits("doc", seed=seed, changes=3, edits=5)
    doc = Document.load(js.save("doc"), actor=actor(seed, 1))
    js.clone("doc", "other", actor(seed, 2))
    js.random_edits("doc", seed=seed * 13 + 1, changes=3, edits=5)
    js.random_edits("other", seed=seed * 13 + 2, changes=2, edits=5)
    js.merge("doc", "other")
    random_edits(doc, seed * 13 + 3, changes=4, edits=5)
    assert doc.get_heads() != js.heads("doc")
    return Peers(js, doc)


@pytest.mark.parametrize("first", ["py", "js"])
@pytest.mark.parametrize("seed", SEEDS)
def test_diverged_peers_converge_by_sync_messages(js: Oracle, seed: int, first: Side) -> None:
    peers = _diverged(js, seed)
    peers.run(first)
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}, {first} first")


@pytest.mark.parametrize("first", ["py", "js"])
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_sync_resumes_after_both_sync_states_are_encoded_midway(
    js: Oracle, seed: int, first: Side
) -> None:
    peers = _diverged(js, seed)
    peers.run(first, limit=2)
    assert peers.doc.get_heads() != js.heads(peers.js_doc), "must stop midway, not after"
    peers.reencode_states()
    peers.run(first)
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}, {first} first")


@pytest.mark.parametrize("first", ["py", "js"])
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_sync_resumes_after_both_peers_restart_from_storage(
    js: Oracle, seed: int, first: Side
) -> None:
    peers = _diverged(js, seed)
    peers.run(first, limit=2)
    assert peers.doc.get_heads() != js.heads(peers.js_doc), "must stop midway, not after"
    peers.restart()
    # New work while apart, then the restarted peers finish the sync.
    random_edits(peers.doc, seed * 13 + 4, changes=2, edits=4)
    js.random_edits(peers.js_doc, seed=seed * 13 + 5, changes=2, edits=4)
    peers.run(first)
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}, {first} first")


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_synced_peers_exchange_only_new_edits_afterwards(js: Oracle, seed: int) -> None:
    peers = _diverged(js, seed)
    peers.run("py")
    random_edits(peers.doc, seed * 13 + 6, changes=1, edits=3)
    js.random_edits(peers.js_doc, seed=seed * 13 + 7, changes=1, edits=3)
    assert peers.run("js") <= 4
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}")
    assert peers.run("py") == 0, "converged peers must have nothing left to say"


@pytest.mark.parametrize("first", ["py", "js"])
@pytest.mark.parametrize("empty", ["py", "js"])
def test_empty_peer_receives_the_whole_document(js: Oracle, empty: Side, first: Side) -> None:
    """A peer with nothing gets the whole history (the reference sends a document chunk)."""
    if empty == "py":
        js.create("doc", actor(7, 0))
        js.random_edits("doc", seed=7, changes=5, edits=6)
        doc = Document(actor=actor(7, 1))
    else:
        js.create("doc", actor(7, 0))
        doc = Document(actor=actor(7, 1))
        random_edits(doc, 7, changes=5, edits=6)
    peers = Peers(js, doc)
    peers.run(first)
    assert_same_document(js, "doc", peers.doc, f"{empty} was empty, {first} first")
    assert peers.doc.get_heads()


def _stored_file(seed: int) -> bytes:
    """What a node's document file holds: a save followed by appended change chunks."""
    doc = Document(actor=actor(seed, 1))
    random_edits(doc, seed, changes=3, edits=5)
    data = doc.save()
    for step in range(3):
        random_edits(doc, seed * 7 + step, changes=1, edits=4)
        data += doc.save_incremental()
    return data


@pytest.mark.parametrize("first", ["py", "js"])
def test_empty_reference_peer_loads_the_stored_file_sent_whole(js: Oracle, first: Side) -> None:
    """To a peer with nothing, a document loaded from a file (a save and change chunks) goes as
    that file's bytes, unencoded; the reference loads them as it loads its own whole document."""
    stored = _stored_file(31)
    js.create("doc", actor(31, 2))
    peers = Peers(js, Document.load(stored, actor=actor(31, 1)))
    sent: list[bytes] = []
    generate = peers.doc.generate_sync_message

    def spy(state: SyncState) -> bytes | None:
        message = generate(state)
        sent.append(message or b"")
        return message

    peers.doc.generate_sync_message = spy  # type: ignore[method-assign]
    peers.run(first)
    assert_same_document(js, "doc", peers.doc, f"{first} first")
    assert any(stored in message for message in sent), "the stored bytes did not travel as such"


def test_a_whole_document_from_the_reference_is_stored_as_it_came(js: Oracle) -> None:
    """An empty peer keeps the reference's whole document as its stored bytes (no re-encoding),
    and those load in the reference and in our engine as the same document."""
    js.create("doc", actor(32, 0))
    js.random_edits("doc", seed=32, changes=5, edits=6)
    peers = Peers(js, Document(actor=actor(32, 1)))
    peers.run("js")
    assert_same_document(js, "doc", peers.doc)
    stored = peers.doc.stored_bytes()
    assert stored == js.save("doc")  # the reference sent its save
    js.load("reloaded", stored)
    assert_same_document(js, "reloaded", Document.load(stored))


@pytest.mark.parametrize("first", ["py", "js"])
def test_long_shared_history_syncs_only_the_new_changes(js: Oracle, first: Side) -> None:
    """With most history shared, the peers send the few new changes (found through the Bloom
    filters of their `have`), not whole documents."""
    js.create("doc", actor(99, 0))
    js.random_edits("doc", seed=99, changes=90, edits=2)
    doc = Document.load(js.save("doc"), actor=actor(99, 1))
    peers = Peers(js, doc)
    assert peers.run(first) <= 3  # same heads: nothing to exchange but heads
    random_edits(peers.doc, 991, changes=3, edits=2)
    js.random_edits("doc", seed=992, changes=3, edits=2)
    before = peers.bytes_sent
    peers.run(first)
    assert_same_document(js, "doc", peers.doc, f"{first} first")
    assert peers.bytes_sent - before < len(js.save("doc")), "sent whole documents"


@pytest.mark.parametrize("first", ["py", "js"])
def test_many_concurrent_changes_on_both_sides_converge(js: Oracle, first: Side) -> None:
    js.create("doc", actor(98, 0))
    js.random_edits("doc", seed=98, changes=20, edits=3)
    doc = Document.load(js.save("doc"), actor=actor(98, 1))
    random_edits(doc, 981, changes=40, edits=2)
    js.random_edits("doc", seed=982, changes=40, edits=2)
    peers = Peers(js, doc)
    peers.run(first)
    assert_same_document(js, "doc", peers.doc, f"{first} first")


def test_python_peer_relays_between_two_reference_peers(js: Oracle) -> None:
    """Our node in the middle, as a sync server: it holds nothing at first, and each reference
    peer ends with the other's edits, having talked only to us."""
    relay = Document(actor=actor(97, 0))
    states = {name: SyncState() for name in ("left", "right")}
    for i, name in enumerate(("left", "right"), start=1):
        js.create(name, actor(97, i))
        js.random_edits(name, seed=970 + i, changes=4, edits=4)
        js.init_sync_state(f"{name}.s")
    quiet = 0
    for _ in range(MAX_MESSAGES):
        said = False
        for name in ("left", "right"):
            msg = js.generate_sync_message(name, f"{name}.s")
            if msg is not None:
                relay.receive_sync_message(states[name], msg)
                said = True
            reply = relay.generate_sync_message(states[name])
            if reply is not None:
                js.receive_sync_message(name, f"{name}.s", reply)
                said = True
        quiet = 0 if said else quiet + 1
        if quiet == 2:
            break
    assert quiet == 2, "sync did not settle"
    assert_same_document(js, "left", relay, "left")
    assert_same_document(js, "right", relay, "right")


@pytest.mark.parametrize("role", ["starts", "answers"])
@pytest.mark.parametrize("seed", SEEDS)
def test_python_twin_says_exactly_what_the_reference_says(js: Oracle, seed: int, role: str) -> None:
    """Two reference peers sync; our engine shadows one of them (same document, same incoming
    messages) and must produce byte-identical messages at every step: same heads, needs, Bloom
    filters, changes chosen, flags."""
    js.create("A", actor(seed, 1))
    js.random_edits("A", seed=seed, changes=4, edits=5)
    js.clone("A", "B", actor(seed, 2))
    js.random_edits("B", seed=seed + 500, changes=3, edits=5)
    js.random_edits("A", seed=seed + 900, changes=2, edits=5)
    shadowed, other = ("A", "B") if role == "starts" else ("B", "A")
    twin = Document.load(js.save(shadowed), actor=actor(seed, 1 if shadowed == "A" else 2))
    twin_state = SyncState()
    for name in ("A", "B"):
        js.init_sync_state(f"{name}.s")
    speaker, listener = "A", "B"
    quiet = 0
    for step in range(MAX_MESSAGES):
        msg = js.generate_sync_message(speaker, f"{speaker}.s")
        if speaker == shadowed:
            ours = twin.generate_sync_message(twin_state)
            assert ours == msg, f"seed {seed}, step {step}: our message differs"
        if msg is not None:
            js.receive_sync_message(listener, f"{listener}.s", msg)
            if listener == shadowed:
                twin.receive_sync_message(twin_state, msg)
        quiet = quiet + 1 if msg is None else 0
        if quiet == 2:
            break
        speaker, listener = listener, speaker
    assert quiet == 2, "sync did not settle"
    assert_same_document(js, other, twin)
    assert twin_state.encode() == js.encode_sync_state(f"{shadowed}.s")


@pytest.mark.parametrize("seed", SEEDS[:6])
def test_each_engine_resumes_from_the_sync_state_the_other_encoded(js: Oracle, seed: int) -> None:
    peers = _diverged(js, seed)
    peers.run("py")
    ours = peers.state.encode()
    theirs = js.encode_sync_state(peers.js_state)
    assert ours == theirs
    peers.state = SyncState.decode(theirs)
    js.decode_sync_state("swapped", ours)
    peers.js_state = "swapped"
    random_edits(peers.doc, seed * 13 + 8, changes=2, edits=3)
    js.random_edits(peers.js_doc, seed=seed * 13 + 9, changes=2, edits=3)
    peers.run("js")
    assert_same_document(js, peers.js_doc, peers.doc, f"seed {seed}")
