"""Our Python client (connect_peer + Synchronizer) against the reference automerge-repo 2.5.6 sync
server (Repo + WebSocketServerAdapter, sharePolicy false) and reference clients behind it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sync.automerge import ROOT, Document, SyncMessage
from sync.automerge.chunk import read_chunks
from sync.document_id import new_document_id
from sync.repo.connection import Router, connect_peer
from sync.repo.host import PeerInfo
from sync.repo.messages import Message, Request, Sync
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer
from sync.repo.urls import format_automerge_url, parse_automerge_url
from tests.sync.repo.live import LoopThread, RepoDriver, require_node

pytestmark = pytest.mark.interop


class RecordingSynchronizer(Synchronizer):
    """Keeps every message in and out, to count what crossed the wire."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[Message] = []
        self.sent: list[Message] = []

    def receive(self, peer_id: str, message: Message) -> list[Message]:
        self.received.append(message)
        out = super().receive(peer_id, message)
        self.sent.extend(out)
        return out

    def request(self, peer_id: str, document_id: str) -> list[Message]:
        out = super().request(peer_id, document_id)
        self.sent.extend(out)
        return out


@dataclass
class Client:
    """Our client: one StoreHost, one synchronizer, connections made in a loop thread."""

    thread: LoopThread
    url: str
    host: StoreHost = field(default_factory=lambda: StoreHost(MemoryDocStore()))
    sync: RecordingSynchronizer = field(init=False)
    router: Router = field(default_factory=Router)
    server: PeerInfo | None = None
    task: concurrent.futures.Future[str] | None = None

    def __post_init__(self) -> None:
        self.sync = RecordingSynchronizer(self.host, "py-client", "py-client-storage")

    def connect(self, on_connected: Callable[[PeerInfo], None] | None = None) -> PeerInfo:
        joined: concurrent.futures.Future[PeerInfo] = concurrent.futures.Future()

        def connected(server: PeerInfo) -> None:
            self.server = server
            if on_connected is not None:
                on_connected(server)
            joined.set_result(server)

        self.task = self.thread.submit(
            connect_peer(self.url, self.sync, self.router, on_connected=connected)
        )
        return joined.result(15)

    def disconnect(self) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(concurrent.futures.CancelledError):
            self.task.result(10)
        wait_until(lambda: not self.router.connected())

    def do(self, make: Callable[[], list[Message]]) -> None:
        """Run a synchronizer call on the loop and send what it returns."""
        self.thread.call(lambda: self.router.dispatch(make()))

    def fetch(self, server: PeerInfo, document_id: str, timeout: float = 15.0) -> Document:
        """Request the document until it is here: the reference client may not have handed it
        to the server yet, in which case the server answers doc-unavailable."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.do(lambda: self.sync.request(server.peer_id, document_id))
            try:
                wait_until(
                    lambda: (
                        self.host.open(document_id) is not None
                        or document_id in self.sync.status(server.peer_id).unavailable
                    ),
                    timeout=5,
                )
            except AssertionError:
                continue
            held = self.host.open(document_id)
            if held is not None:
                return held
            time.sleep(0.2)
        raise AssertionError(f"{document_id} never arrived")


def held(client: Any, doc_id: str) -> dict[str, Any]:
    """The client's copy, read under the document's lock: the client's sync runs in worker
    threads and may be applying a change at this moment."""
    with client.host.lock(doc_id):
        doc = client.host.open(doc_id)
        return doc.to_py() if doc is not None else {}


def wait_until(check: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@dataclass
class Setup:
    js: RepoDriver
    client: Client


@pytest.fixture
def setup() -> Iterator[Setup]:
    require_node()
    js = RepoDriver(timeout=30)
    thread = LoopThread()
    try:
        port = js.call("serve", repo="srv", peerId="js-sync-server", storage=True)["port"]
        yield Setup(js, Client(thread, f"ws://127.0.0.1:{port}"))
    finally:
        thread.close()
        with contextlib.suppress(Exception):
            js.call("shutdown", timeout=10)
        js.close(kill=True)


def test_python_pushes_a_document_a_js_client_fetches_it_through_the_server(
    setup: Setup,
) -> None:
    js, client = setup.js, setup.client
    doc = Document()
    with doc.change() as tx:
        tx.put(ROOT, "title", "Voedselbank")
        tx.put(ROOT, "open", True)
    doc_id = new_document_id()
    client.host.add(doc_id, doc, announce=True)
    server = client.connect()  # announced on connect
    wait_until(lambda: client.sync.status(server.peer_id).behind == 0)  # the server has it
    js.call("client", repo="c", url=client.url, peerId="js-c")
    assert js.call("find", repo="c", url=format_automerge_url(doc_id)) == doc.to_py()


def test_python_requests_a_js_document_changes_it_and_js_sees_the_change(setup: Setup) -> None:
    js, client = setup.js, setup.client
    js.call("client", repo="c", url=client.url, peerId="js-c")
    created = js.call("create", repo="c", value={"need": "fietsen", "count": 2})
    js.call("sleep", ms=800)  # the reference client hands it to the server
    doc_id = parse_automerge_url(created["url"]).document_id
    server = client.connect()
    held = client.fetch(server, doc_id)
    assert held.to_py() == {"need": "fietsen", "count": 2}
    assert isinstance(client.sync.sent[0], Request)  # we had nothing: "request", not "sync"

    def edit(d: Document) -> None:
        with d.change() as tx:
            tx.put(ROOT, "count", 3)

    client.host.update(doc_id, edit)
    client.do(lambda: client.sync.document_changed(doc_id))
    seen = js.call("waitFor", repo="c", url=created["url"], key="count", value=3)
    assert seen == {"need": "fietsen", "count": 3}


def test_python_request_for_a_document_nobody_has_is_unavailable(setup: Setup) -> None:
    client = setup.client
    server = client.connect()
    missing = new_document_id()
    client.do(lambda: client.sync.request(server.peer_id, missing))
    wait_until(lambda: client.sync.status(server.peer_id).unavailable == (missing,))
    assert client.host.open(missing) is None


def changes_in(messages: list[Message], document_id: str) -> list[int]:
    """Chunk types of everything sent in sync messages for the document (1 change, 0 whole doc)."""
    out: list[int] = []
    for m in messages:
        if isinstance(m, Sync) and m.document_id == document_id:
            for blob in SyncMessage.decode(m.data).changes:
                out.extend(c.chunk_type for c in read_chunks(blob))
    return out


def test_after_a_reconnect_with_saved_sync_state_only_missing_changes_come(setup: Setup) -> None:
    js, client = setup.js, setup.client
    js.call("client", repo="c", url=client.url, peerId="js-c")
    value: dict[str, Any] = {f"k{i}": f"waarde {i} " * 20 for i in range(40)}
    created = js.call("create", repo="c", value=value)
    for i in range(10):
        js.call("change", repo="c", url=created["url"], key=f"n{i}", value=i)
    js.call("sleep", ms=800)
    doc_id = parse_automerge_url(created["url"]).document_id

    server = client.connect()
    assert server.metadata.storage_id is not None and not server.metadata.is_ephemeral
    client.fetch(server, doc_id)
    wait_until(lambda: "n9" in held(client, doc_id))
    first = changes_in(client.sync.received, doc_id)
    assert first == [0] or len(first) >= 11  # the whole history came: a document or every change
    shared = client.host.open(doc_id).get_heads()  # type: ignore[union-attr]
    js.call("sleep", ms=300)
    client.disconnect()
    storage_id = server.metadata.storage_id
    # saved by peer_disconnected in a worker thread as the connection winds down
    wait_until(lambda: client.host.load_sync_state(storage_id, doc_id) is not None)

    js.call("change", repo="c", url=created["url"], key="late", value="nog een")
    js.call("sleep", ms=500)
    client.sync.received.clear()
    client.sync.sent.clear()
    client.connect(
        on_connected=lambda s: client.router.dispatch(client.sync.request(s.peer_id, doc_id))
    )
    wait_until(lambda: held(client, doc_id).get("late") == "nog een")
    # our first message starts from the saved shared heads, not from nothing ...
    ours = next(m for m in client.sync.sent if isinstance(m, Sync | Request))
    assert isinstance(ours, Sync)
    assert SyncMessage.decode(ours.data).have[0].last_sync == shared
    # ... and the server sends just the one change we lack
    assert changes_in(client.sync.received, doc_id) == [1]
