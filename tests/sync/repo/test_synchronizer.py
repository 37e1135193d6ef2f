"""The synchronizer's repo behaviour with in-process peers wired through the real codec."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

import pytest

from sync.automerge import ROOT, Document, SyncMessage, SyncState
from sync.automerge.chunk import read_chunks
from sync.automerge.sync_protocol import Have
from sync.document_id import new_document_id
from sync.repo.host import PeerInfo
from sync.repo.messages import DocUnavailable, Ephemeral, PeerMetadata, Request, Sync
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore

from .wiring import Network, make_node, new_doc, put


def sync_messages(log: Iterable[object], document_id: str) -> list[Sync | Request]:
    return [m for m in log if isinstance(m, Sync | Request) and m.document_id == document_id]


def big_doc() -> tuple[str, Document]:
    doc = Document()
    for i in range(30):
        with doc.change() as tx:
            tx.put(ROOT, f"k{i}", os.urandom(100).hex())
    return new_document_id(), doc


def first_have(net: Network, sender: str, document_id: str) -> list[bytes]:
    """The lastSync heads of the first sync message `sender` sent for the document."""
    first = next(m for m in sync_messages(net.log, document_id) if m.sender_id == sender)
    (have,) = SyncMessage.decode(first.data).have
    return have.last_sync


def changes_sent(net: Network, sender: str, document_id: str) -> int:
    """Change chunks `sender` sent for the document; a whole document counts as 1000."""
    count = 0
    for m in sync_messages(net.log, document_id):
        if m.sender_id == sender:
            for blob in SyncMessage.decode(m.data).changes:
                count += sum(1 if c.chunk_type == 1 else 1000 for c in read_chunks(blob))
    return count


def test_two_peers_converge_after_edits_on_both_sides() -> None:
    net = Network()
    a, b = net.add(make_node("a")), net.add(make_node("b"))
    doc_id, doc = new_doc(title="Moestuin")
    a.host.add(doc_id, doc, announce=True)
    net.connect("a", "b")
    net.run()
    held = b.host.open(doc_id)
    assert held is not None and held.to_py() == {"title": "Moestuin"}

    put(b, doc_id, "where", "Dorpsplein")
    net.send("b", b.sync.document_changed(doc_id))
    put(a, doc_id, "when", "zaterdag")
    net.send("a", a.sync.document_changed(doc_id))
    net.run()
    expected = {"title": "Moestuin", "where": "Dorpsplein", "when": "zaterdag"}
    assert a.host.open(doc_id).to_py() == expected  # type: ignore[union-attr]
    assert b.host.open(doc_id).to_py() == expected  # type: ignore[union-attr]
    assert a.sync.status("b").behind == 0 and a.sync.status("b").documents == 1


def test_a_new_document_reaches_the_store_of_a_sync_server() -> None:
    net = Network()
    client, server = net.add(make_node("client")), net.add(make_node("server"))
    net.connect("client", "server")
    doc_id, doc = new_doc(n=1)
    client.host.add(doc_id, doc, announce=True)
    net.send("client", client.sync.document_changed(doc_id))
    net.run()
    stored = server.host.store.load(doc_id)
    assert stored is not None and Document.load(stored).to_py() == {"n": 1}


def test_changes_are_relayed_through_a_middle_server() -> None:
    net = Network()
    a, _hub, c = (net.add(make_node(n)) for n in ("a", "hub", "c"))
    doc_id, doc = new_doc(title="Buurtfeest")
    a.host.add(doc_id, doc, announce=True)
    net.connect("a", "hub")
    net.connect("c", "hub")
    net.run()
    # c asks the hub, which announces nothing but serves whoever asks
    net.send("c", c.sync.request("hub", doc_id))
    net.run()
    assert c.host.open(doc_id).to_py() == {"title": "Buurtfeest"}  # type: ignore[union-attr]

    put(a, doc_id, "title", "Buurtfeest 2026")
    net.send("a", a.sync.document_changed(doc_id))
    net.run()
    assert c.host.open(doc_id).to_py() == {"title": "Buurtfeest 2026"}  # type: ignore[union-attr]
    # c never talked to a: it went through the hub
    assert frozenset(("a", "c")) not in net.links


def test_request_for_an_unknown_document_gets_sync_then_doc_unavailable() -> None:
    net = Network()
    client, server = net.add(make_node("client")), net.add(make_node("server"))
    net.connect("client", "server")
    missing = new_document_id()
    sent = client.sync.request("server", missing)
    assert [type(m) for m in sent] == [Request]
    replies = server.sync.receive("client", sent[0])
    # what automerge-repo's DocSynchronizer does: the empty-doc sync reply first, then the verdict
    assert [type(m) for m in replies] == [Sync, DocUnavailable]
    assert SyncMessage.decode(replies[0].data).heads == []  # type: ignore[union-attr]
    for reply in replies:
        client.sync.receive("server", reply)
    assert client.sync.status("server").unavailable == (missing,)
    assert client.host.open(missing) is None


class ReadOnlyHost(StoreHost):
    def may_write(self, peer: PeerInfo, document_id: str) -> bool:
        return False


def test_may_write_false_keeps_the_document_and_syncing_goes_on() -> None:
    net = Network()
    writer = net.add(make_node("writer"))
    guarded = net.add(make_node("guarded", ReadOnlyHost(MemoryDocStore())))
    doc_id, doc = new_doc(title="Origineel")
    guarded.host.add(doc_id, doc, announce=True)
    net.connect("writer", "guarded")
    net.run()
    assert writer.host.open(doc_id).to_py() == {"title": "Origineel"}  # type: ignore[union-attr]

    put(writer, doc_id, "title", "Vandalisme")
    net.send("writer", writer.sync.document_changed(doc_id))
    net.run(limit=50)
    assert guarded.host.open(doc_id).to_py() == {"title": "Origineel"}  # type: ignore[union-attr]

    # the guarded side's own edits still reach the writer
    put(guarded, doc_id, "note", "alleen lezen")
    net.send("guarded", guarded.sync.document_changed(doc_id))
    net.run(limit=50)
    assert writer.host.open(doc_id).get(ROOT, "note") == "alleen lezen"  # type: ignore[union-attr]


def test_changes_from_a_peer_without_write_access_are_dropped_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A peer that ignores the READ_ONLY flag: its changes are cut out of the sync message."""
    net = Network()
    net.add(make_node("writer"))
    guarded = net.add(make_node("guarded", ReadOnlyHost(MemoryDocStore())))
    net.connect("writer", "guarded")
    doc_id, doc = new_doc(title="Origineel")
    guarded.host.add(doc_id, doc)
    theirs = doc.fork()
    with theirs.change() as tx:
        tx.put(ROOT, "title", "Vandalisme")
    pushed = SyncMessage(
        0x42, theirs.get_heads(), [], [Have()], theirs.get_changes(doc.get_heads()), 4
    ).encode()
    with caplog.at_level(logging.WARNING, logger="sync.repo"):
        replies = guarded.sync.receive("writer", Sync("writer", "guarded", doc_id, pushed))
    assert guarded.host.open(doc_id).to_py() == {"title": "Origineel"}  # type: ignore[union-attr]
    assert any("dropped" in r.getMessage() and doc_id in r.getMessage() for r in caplog.records)
    # sync goes on: the reply says what the guarded side has and that it is read-only
    (reply,) = replies
    answer = SyncMessage.decode(reply.data)  # type: ignore[union-attr]
    assert answer.heads == doc.get_heads() and answer.flags is not None and answer.flags & 2


def test_persisted_sync_state_sends_only_what_is_missing_after_a_reconnect() -> None:
    net = Network()
    server = net.add(make_node("server", storage_id="server-storage"))
    client = net.add(make_node("client", storage_id="client-storage"))
    doc_id, doc = big_doc()
    server.host.add(doc_id, doc)
    net.connect("client", "server")
    net.send("client", client.sync.request("server", doc_id))
    net.run()
    shared = server.host.open(doc_id).get_heads()  # type: ignore[union-attr]
    net.disconnect("client", "server")  # both sides save their sync states

    put(server, doc_id, "late", "one more")
    net.log.clear()
    net.connect("client", "server")
    net.send("client", client.sync.request("server", doc_id))
    net.run()
    assert client.host.open(doc_id).get(ROOT, "late") == "one more"  # type: ignore[union-attr]
    assert first_have(net, "client", doc_id) == shared, "the saved sync state was not used"
    assert changes_sent(net, "server", doc_id) == 1


def test_sync_states_are_saved_while_connected_only_when_they_moved() -> None:
    """For a node that is killed rather than stopped: what was saved meanwhile still spares a
    reconnecting peer the whole document."""
    net = Network()
    server = net.add(make_node("server", storage_id="server-storage"))
    client = net.add(make_node("client", storage_id="client-storage"))
    doc_id, doc = big_doc()
    server.host.add(doc_id, doc)
    net.connect("client", "server")
    net.send("client", client.sync.request("server", doc_id))
    net.run()
    assert client.sync.save_sync_states() == 1
    assert client.sync.save_sync_states() == 0  # nothing moved since
    saved = client.host.load_sync_state("server-storage", doc_id)
    assert saved is not None
    assert SyncState.decode(saved).shared_heads == doc.get_heads()

    put(server, doc_id, "late", "one more")
    net.send("server", server.sync.document_changed(doc_id))
    net.run()
    assert client.sync.save_sync_states() == 1
    saved = client.host.load_sync_state("server-storage", doc_id)
    assert saved is not None
    held = client.host.open(doc_id)
    assert held is not None and SyncState.decode(saved).shared_heads == held.get_heads()


def test_without_persisted_state_the_reconnect_resends_the_document() -> None:
    """The twin of the test above, so it can fail: an ephemeral peer's state is not kept."""
    net = Network()
    server = net.add(make_node("server"))
    client = net.add(make_node("client"))
    doc_id, doc = big_doc()
    server.host.add(doc_id, doc)
    net.connect("client", "server")
    net.send("client", client.sync.request("server", doc_id))
    net.run()
    net.disconnect("client", "server")
    put(server, doc_id, "late", "one more")
    net.log.clear()
    net.connect("client", "server")
    net.send("client", client.sync.request("server", doc_id))
    net.run()
    assert first_have(net, "client", doc_id) == []
    assert changes_sent(net, "server", doc_id) == 1  # the Bloom filter still spares the rest


def test_ephemeral_messages_reach_the_other_peers_of_the_document_once() -> None:
    net = Network()
    _a, hub, _c = (net.add(make_node(n)) for n in ("a", "hub", "c"))
    doc_id, doc = new_doc(title="x")
    hub.host.add(doc_id, doc)
    net.connect("a", "hub")
    net.connect("c", "hub")
    for name in ("a", "c"):
        net.send(name, net.nodes[name].sync.request("hub", doc_id))
    net.run()
    hello = Ephemeral("a", "hub", doc_id, b"\xa1aa\x01", "session-1", 1)
    out = hub.sync.receive("a", hello)
    assert [(m.target_id, m.sender_id) for m in out] == [("c", "a")]  # type: ignore[union-attr]
    assert hub.sync.receive("a", hello) == []  # same sender:session:count: dropped
    assert len(hub.sync.receive("a", Ephemeral("a", "hub", doc_id, b"\x01", "session-1", 2))) == 1


def test_bad_sync_payload_is_logged_and_answered_with_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    net = Network()
    net.add(make_node("client"))
    server = net.add(make_node("server"))
    net.connect("client", "server")
    doc_id, doc = new_doc(x=1)
    server.host.add(doc_id, doc)
    before = doc.get_heads()
    garbage = [b"", b"\x42", b"\x43\xff\xff\xff\xff\xff", b"\x42\x00\x00\x00\x01\x05hello"]
    with caplog.at_level(logging.WARNING, logger="sync.repo"):
        for data in garbage:
            assert server.sync.receive("client", Sync("client", "server", doc_id, data)) == []
    assert server.host.open(doc_id).get_heads() == before  # type: ignore[union-attr]
    assert sum("client" in r.getMessage() and doc_id in r.getMessage() for r in caplog.records) == 4


def test_access_refused_gets_doc_unavailable_only() -> None:
    class Closed(StoreHost):
        def may_access(self, peer: PeerInfo, document_id: str) -> bool:
            return False

    net = Network()
    net.add(make_node("client"))
    server = net.add(make_node("server", Closed(MemoryDocStore())))
    net.connect("client", "server")
    doc_id, doc = new_doc(secret=True)
    server.host.add(doc_id, doc)
    asking = Document().generate_sync_message(SyncState())
    assert asking is not None
    request = Request("client", "server", doc_id, asking)
    assert server.sync.receive("client", request) == [DocUnavailable("server", "client", doc_id)]


def test_may_create_false_refuses_a_document_pushed_by_a_peer() -> None:
    class NoNew(StoreHost):
        def may_create(self, peer: PeerInfo, document_id: str) -> bool:
            return False

    net = Network()
    client = net.add(make_node("client"))
    server = net.add(make_node("server", NoNew(MemoryDocStore())))
    net.connect("client", "server")
    doc_id, doc = new_doc(spam=True)
    client.host.add(doc_id, doc, announce=True)
    net.send("client", client.sync.document_changed(doc_id))
    net.run()
    assert server.host.open(doc_id) is None
    assert any(isinstance(m, DocUnavailable) and m.sender_id == "server" for m in net.log)


def test_status_counts_documents_behind_and_last_message_time() -> None:
    net = Network()
    a, _b = net.add(make_node("a")), net.add(make_node("b"))
    doc_id, doc = new_doc(v=1)
    a.host.add(doc_id, doc, announce=True)
    net.connect("a", "b")
    assert a.sync.status("b").behind == 1  # announced, not answered yet
    net.run()
    status = a.sync.status("b")
    assert (status.connected, status.documents, status.behind) == (True, 1, 0)
    assert status.last_received is not None
    assert a.sync.status("nobody").connected is False


def test_requests_for_endless_unknown_ids_do_not_grow_memory_without_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sync.repo.synchronizer.MAX_DOCS_PER_PEER", 10)
    net = Network()
    client, server = net.add(make_node("client")), net.add(make_node("server"))
    net.connect("client", "server")
    for _ in range(50):
        net.send("client", client.sync.request("server", new_document_id()))
    net.run()
    assert 0 < len(server.sync.status("client").unavailable) <= 10


class CountingHost(StoreHost):
    """Counts the documents it loads from its store (StoreHost.open of a document not yet open)."""

    def __init__(self) -> None:
        super().__init__(MemoryDocStore())
        self.loads = 0

    def open(self, document_id: str) -> Document | None:
        if self.heads(document_id) is None:
            self.loads += 1
        return super().open(document_id)


def _synced_pair(count: int) -> tuple[Network, list[str]]:
    """Server and client (both keeping sync states) announcing `count` documents to each
    other, synced, then disconnected: both saved their sync states."""
    net = Network()
    server = net.add(make_node("server", CountingHost(), storage_id="server-storage"))
    client = net.add(make_node("client", CountingHost(), storage_id="client-storage"))
    ids = []
    for n in range(count):
        doc_id, doc = new_doc(n=n)
        server.host.add(doc_id, doc, announce=True)
        ids.append(doc_id)
    net.connect("client", "server")
    net.run()
    for doc_id in ids:
        client.host.add(doc_id, client.host.open(doc_id), announce=True)  # type: ignore[arg-type]
    net.disconnect("client", "server")
    return net, ids


def test_a_reconnect_with_nothing_changed_sends_and_loads_nothing() -> None:
    """Each side's saved sync state shows the other holds its heads: no document is announced
    again, none is loaded, and the status shows nothing behind."""
    net, ids = _synced_pair(5)
    server, client = net.nodes["server"], net.nodes["client"]
    for node in (server, client):
        assert isinstance(node.host, CountingHost)
        node.host.loads = 0
    net.log.clear()
    net.connect("client", "server")
    assert net.run() == 0
    assert [n.host.loads for n in (server, client)] == [0, 0]  # type: ignore[attr-defined]
    status = server.sync.status("client")
    assert (status.documents, status.behind) == (5, 0)

    # the skipped documents still sync when they change afterwards, either way
    put(server, ids[0], "late", "from the server")
    net.send("server", server.sync.document_changed(ids[0]))
    put(client, ids[1], "late", "from the client")
    net.send("client", client.sync.document_changed(ids[1]))
    net.run()
    assert client.host.open(ids[0]).get(ROOT, "late") == "from the server"  # type: ignore[union-attr]
    assert server.host.open(ids[1]).get(ROOT, "late") == "from the client"  # type: ignore[union-attr]


def test_a_reconnect_syncs_exactly_the_documents_changed_meanwhile_on_either_side() -> None:
    net, ids = _synced_pair(6)
    server, client = net.nodes["server"], net.nodes["client"]
    put(server, ids[0], "late", "from the server")
    put(client, ids[1], "late", "from the client")
    net.log.clear()
    net.connect("client", "server")
    net.run()
    assert {m.document_id for m in net.log if isinstance(m, Sync | Request)} == set(ids[:2])
    # the saved state tells what the peer lacks: the change goes in the first message and the
    # answer acknowledges it, two messages where the reference needs four
    for doc_id, sender in ((ids[0], "server"), (ids[1], "client")):
        sent = sync_messages(net.log, doc_id)
        assert [m.sender_id for m in sent] == [sender, "server" if sender == "client" else "client"]
        assert changes_sent(net, sender, doc_id) == 1
    assert client.host.open(ids[0]).get(ROOT, "late") == "from the server"  # type: ignore[union-attr]
    assert server.host.open(ids[1]).get(ROOT, "late") == "from the client"  # type: ignore[union-attr]


def test_a_first_message_after_a_reconnect_carrying_changes_leaves_out_its_bloom_filter() -> None:
    """The change goes with the presumed heads but without `have`: the answer brings the peer's
    heads, and its filter when it holds changes of its own (a node also sends those in its own
    first message). When both sides changed the document, they still converge in two messages
    each way at most."""
    net, ids = _synced_pair(2)
    server, client = net.nodes["server"], net.nodes["client"]
    put(server, ids[0], "late", "from the server")
    put(server, ids[1], "late", "from the server")
    put(client, ids[1], "later", "from the client")
    net.log.clear()
    net.connect("client", "server")
    net.run()
    first = sync_messages(net.log, ids[0])
    assert [m.sender_id for m in first] == ["server", "client"]
    opening = SyncMessage.decode(first[0].data)
    assert opening.changes and opening.have == []
    answer = SyncMessage.decode(first[1].data)
    assert answer.heads == opening.heads and answer.have == []  # it holds just what we hold
    both = sync_messages(net.log, ids[1])
    assert len([m for m in both if m.sender_id == "server"]) <= 2
    assert len([m for m in both if m.sender_id == "client"]) <= 2
    for doc_id in ids:
        ours, theirs = (n.host.open(doc_id) for n in (server, client))
        assert ours is not None and theirs is not None
        assert ours.get_heads() == theirs.get_heads()
        assert ours.to_py() == theirs.to_py()


def test_without_known_heads_a_reconnect_loads_the_documents_and_still_skips_the_unchanged() -> (
    None
):
    """A host that cannot tell heads without a load (a stale or missing index) costs loads,
    and the announcements of what changed: never a missed change."""
    net, ids = _synced_pair(3)
    server, client = net.nodes["server"], net.nodes["client"]
    put(server, ids[2], "late", "from the server")
    for node in (server, client):  # as after a restart: nothing open, nothing known
        node.host._docs.clear()
        node.host.loads = 0  # type: ignore[attr-defined]
    net.log.clear()
    net.connect("client", "server")
    net.run()
    assert server.host.loads == 3 and client.host.loads == 3  # type: ignore[attr-defined]
    assert {m.document_id for m in net.log if isinstance(m, Sync | Request)} == {ids[2]}
    assert client.host.open(ids[2]).get(ROOT, "late") == "from the server"  # type: ignore[union-attr]


def test_announcements_come_in_batches_prepared_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """add_peer registers the peer at once and prepares announcements only when asked, so a
    connection sends the first while the rest are still being prepared."""
    monkeypatch.setattr("sync.repo.synchronizer.ANNOUNCE_BATCH", 2)
    net = Network()
    server = net.add(make_node("server", CountingHost()))
    for n in range(3):
        doc_id, doc = new_doc(n=n)
        server.host.add(doc_id, doc, announce=True)
    server.host._docs.clear()
    server.host.loads = 0  # type: ignore[attr-defined]
    batches = server.sync.add_peer(PeerInfo("client", PeerMetadata(None, True)))
    assert server.sync.status("client").connected
    assert server.host.loads == 0  # type: ignore[attr-defined]
    first = next(batches)
    assert len(first) == 2 and server.host.loads == 2  # type: ignore[attr-defined]
    rest = [m for batch in batches for m in batch]
    assert len(first) + len(rest) == 3


def test_a_peer_holding_less_than_its_saved_state_says_still_converges() -> None:
    """A restored backup: the client's copy lost a change its saved sync state says it shares.
    The server's first message presumes the saved heads and carries only the newest change,
    which the client cannot apply yet; its answer asks for the rest."""
    net, ids = _synced_pair(1)
    server, client = net.nodes["server"], net.nodes["client"]
    doc_id = ids[0]
    first = server.host.open(doc_id).get_heads()  # type: ignore[union-attr]
    put(server, doc_id, "second", 2)
    net.connect("client", "server")
    net.run()
    net.disconnect("client", "server")  # both save states sharing the second change
    held = client.host.open(doc_id)
    assert held is not None and held.get(ROOT, "second") == 2
    client.host._adopt(doc_id, held.fork(heads=first))  # the backup, from before it
    put(server, doc_id, "third", 3)
    net.connect("client", "server")
    net.run()
    restored = client.host.open(doc_id)
    assert restored is not None
    assert (restored.get(ROOT, "second"), restored.get(ROOT, "third")) == (2, 3)
    assert restored.get_heads() == server.host.open(doc_id).get_heads()  # type: ignore[union-attr]


class IndexedHost(CountingHost):
    """Knows every stored document's heads without loading it (as a node's heads index does)
    and keeps none loaded until asked: each `open` of a stored document is a load."""

    def __init__(self) -> None:
        super().__init__()
        self.index: dict[str, list[bytes]] = {}

    def add(self, document_id: str, doc: Document, *, announce: bool = False) -> None:
        super().add(document_id, doc, announce=announce)
        self.index[document_id] = doc.get_heads()
        self._docs.pop(document_id)  # stored, not loaded

    def heads(self, document_id: str) -> list[bytes] | None:
        return self.index.get(document_id) or super().heads(document_id)

    def open(self, document_id: str) -> Document | None:
        if document_id not in self._docs and self.store.load(document_id) is not None:
            self.loads += 1
        return StoreHost.open(self, document_id)


def test_documents_are_announced_to_a_new_peer_from_their_heads_and_loaded_once() -> None:
    net = Network()
    server = net.add(make_node("server", IndexedHost(), storage_id="server-storage"))
    client = net.add(make_node("client", storage_id="client-storage"))
    docs = dict(new_doc(n=n, title=f"Moestuin {n}") for n in range(5))
    for doc_id, doc in docs.items():
        server.host.add(doc_id, doc, announce=True)
    net.connect("client", "server")
    announced = [m for m in net.queue if isinstance(m[1], Sync) and m[1].sender_id == "server"]
    assert len(announced) == 5
    for _origin, message in announced:
        first = SyncMessage.decode(message.data)  # type: ignore[union-attr]
        assert first.heads == docs[message.document_id].get_heads()  # type: ignore[union-attr]
        assert first.have == [] and first.changes == []
    assert server.host.loads == 0  # type: ignore[attr-defined]
    net.run()
    for doc_id, doc in docs.items():
        assert client.host.open(doc_id).to_py() == doc.to_py()  # type: ignore[union-attr]
    assert server.host.loads == 5  # type: ignore[attr-defined]  # once each, when asked


def test_a_new_peer_holding_its_own_changes_converges_after_a_heads_only_announcement() -> None:
    """The peer had the document with edits of its own but no sync state: our first message
    carries no filter, so what it has travels one round trip later, both ways."""
    net = Network()
    server = net.add(make_node("server", IndexedHost(), storage_id="server-storage"))
    client = net.add(make_node("client", storage_id="client-storage"))
    doc_id, doc = new_doc(title="Repair Café")
    theirs = doc.fork()
    with theirs.change() as tx:
        tx.put(ROOT, "place", "Wezep")
    with doc.change() as tx:
        tx.put(ROOT, "when", "zaterdag")
    server.host.add(doc_id, doc, announce=True)
    client.host.add(doc_id, theirs)
    net.connect("client", "server")
    net.run()
    ours, their = server.host.open(doc_id), client.host.open(doc_id)
    assert ours is not None and their is not None
    assert ours.get_heads() == their.get_heads()
    assert (
        ours.to_py()
        == their.to_py()
        == {
            "title": "Repair Café",
            "place": "Wezep",
            "when": "zaterdag",
        }
    )


def test_an_acknowledgement_naming_the_peers_own_heads_carries_no_bloom_filter() -> None:
    """The peer's last message named exactly our heads: it holds all we hold, so our answer
    says our heads and leaves the filter out; both sides still settle in sync."""
    net = Network()
    server = net.add(make_node("server", storage_id="server-storage"))
    client = net.add(make_node("client", storage_id="client-storage"))
    doc_id, doc = new_doc(title="Geefkast")
    server.host.add(doc_id, doc, announce=True)
    net.connect("client", "server")
    net.run()
    from_client = [
        SyncMessage.decode(m.data)  # type: ignore[union-attr]
        for m in net.log
        if isinstance(m, Sync | Request) and m.sender_id == "client"
    ]
    last = from_client[-1]
    assert last.heads == doc.get_heads() and last.have == [] and last.changes == []
    assert client.host.open(doc_id).get_heads() == doc.get_heads()  # type: ignore[union-attr]
    status = server.sync.status("client")
    assert (status.documents, status.behind) == (1, 0)
