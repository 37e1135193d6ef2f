"""serve_peer / connect_peer / run_peer_forever over real WebSockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sync.automerge import ROOT, Document
from sync.repo.connection import Refused, Router, connect_peer, run_peer_forever
from sync.repo.host import PeerInfo
from sync.repo.messages import (
    Error,
    Join,
    Peer,
    PeerMetadata,
    decode_message,
    encode_message,
)
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

from .live import LoopThread, PythonServer
from .wiring import new_doc


def wait_until(check: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.fixture
def server() -> Iterator[PythonServer]:
    srv = PythonServer(Synchronizer(StoreHost(MemoryDocStore()), "py-server"))
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    try:
        yield thread
    finally:
        thread.close()


def client_pushing(name: str) -> tuple[StoreHost, Synchronizer, str, Document]:
    host = StoreHost(MemoryDocStore())
    doc_id, doc = new_doc(title=f"van {name}")
    host.add(doc_id, doc, announce=True)
    return host, Synchronizer(host, name), doc_id, doc


def test_a_python_client_pushes_a_document_to_the_python_server(
    server: PythonServer, loop: LoopThread
) -> None:
    _, sync, doc_id, doc = client_pushing("py-a")
    states: list[tuple[str, str | None]] = []
    loop.submit(
        connect_peer(server.url, sync, Router(), on_state=lambda s, r: states.append((s, r)))
    )
    host = server.synchronizer.host
    wait_until(lambda: host.open(doc_id) is not None)
    assert host.open(doc_id).to_py() == doc.to_py()  # type: ignore[union-attr]
    assert states[:2] == [("connecting", None), ("connected", None)]
    wait_until(lambda: server.synchronizer.status("py-a").behind == 0)


async def raw_session(url: str, frames: list[bytes]) -> tuple[list[object], int | None, str]:
    """Send frames on a bare WebSocket; what came back and how it was closed."""
    got: list[object] = []
    async with connect(url) as ws:
        for frame in frames:
            await ws.send(frame)
        try:
            while True:
                got.append(decode_message(await asyncio.wait_for(ws.recv(), 5)))  # type: ignore[arg-type]
        except ConnectionClosed:
            pass
        return got, ws.close_code, ws.close_reason or ""


def test_a_peer_sending_garbage_is_closed_and_another_keeps_syncing(
    server: PythonServer, loop: LoopThread
) -> None:
    host_b, sync_b, doc_id, _ = client_pushing("py-b")
    router_b = Router()
    connection = loop.submit(connect_peer(server.url, sync_b, router_b))
    wait_until(lambda: server.synchronizer.host.open(doc_id) is not None)

    join = encode_message(Join("vandal", PeerMetadata()))
    got, code, reason = loop.run(raw_session(server.url, [join, b"\x9f\x00\x00 not cbor"]))
    assert isinstance(got[0], Peer) and code == 1007 and "CBOR" in reason

    def edit(d: Document) -> None:
        with d.change() as tx:
            tx.put(ROOT, "after", "de aanval")

    host_b.update(doc_id, edit)
    loop.call(lambda: router_b.dispatch(sync_b.document_changed(doc_id)))
    wait_until(
        lambda: server.synchronizer.host.open(doc_id).get(ROOT, "after") == "de aanval"  # type: ignore[union-attr]
    )
    assert not connection.done()
    assert server.router.connected() == ["py-b"]


def test_authenticate_refusal_reaches_the_client_as_refused(loop: LoopThread) -> None:
    def authenticate(join: Join) -> object:
        if join.sender_id != "friend":
            raise Refused("onbekende node")
        return {"may": "write"}

    srv = PythonServer(
        Synchronizer(StoreHost(MemoryDocStore()), "guarded"), authenticate=authenticate
    )
    try:
        _, stranger, _, _ = client_pushing("stranger")
        with pytest.raises(Refused, match="onbekende node"):
            loop.run(connect_peer(srv.url, stranger, Router()))

        _, friend, doc_id, _ = client_pushing("friend")
        loop.submit(connect_peer(srv.url, friend, Router()))
        wait_until(lambda: srv.synchronizer.host.open(doc_id) is not None)
    finally:
        srv.close()


def test_credentials_from_authenticate_reach_the_host(loop: LoopThread) -> None:
    seen: list[object] = []

    class Recording(StoreHost):
        def may_create(self, peer: PeerInfo, document_id: str) -> bool:
            seen.append(peer.credentials)
            return True

    srv = PythonServer(
        Synchronizer(Recording(MemoryDocStore()), "s"), authenticate=lambda join: ("grant", 1)
    )
    try:
        _, sync, doc_id, _ = client_pushing("c")
        loop.submit(connect_peer(srv.url, sync, Router()))
        wait_until(lambda: srv.synchronizer.host.open(doc_id) is not None)
        assert seen and all(c == ("grant", 1) for c in seen)
    finally:
        srv.close()


def test_an_unsupported_protocol_version_gets_an_error_and_a_close(
    server: PythonServer, loop: LoopThread
) -> None:
    join = encode_message(Join("future", PeerMetadata(), ("2",)))
    got, code, _ = loop.run(raw_session(server.url, [join]))
    assert got == [Error("py-server", "future", "unsupported protocol version")]
    assert code == 1002


def test_a_second_connection_with_the_same_peer_id_replaces_the_first(
    server: PythonServer, loop: LoopThread
) -> None:
    _, sync1, doc_id, _ = client_pushing("same")
    first = loop.submit(connect_peer(server.url, sync1, Router()))
    wait_until(lambda: server.synchronizer.host.open(doc_id) is not None)
    _, sync2, doc2, _ = client_pushing("same")
    loop.submit(connect_peer(server.url, sync2, Router()))
    wait_until(lambda: server.synchronizer.host.open(doc2) is not None)
    reason = first.result(10)
    assert "replaced" in reason
    assert server.router.connected() == ["same"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_peer_forever_retries_until_the_server_is_there(loop: LoopThread) -> None:
    port = free_port()
    _, sync, doc_id, _ = client_pushing("patient")
    states: list[tuple[str, str | None]] = []
    task = loop.submit(
        run_peer_forever(
            f"ws://127.0.0.1:{port}",
            sync,
            Router(),
            on_state=lambda s, r: states.append((s, r)),
            min_delay=0.05,
            max_delay=0.2,
        )
    )
    wait_until(lambda: sum(s == "disconnected" for s, _ in states) >= 2)
    assert all(r for s, r in states if s == "disconnected")  # a reason each time

    host = StoreHost(MemoryDocStore())
    router = Router()
    srv_sync = Synchronizer(host, "late-server")
    thread = LoopThread()
    try:
        from websockets.asyncio.server import serve

        from sync.repo.server import handler_for

        async def start() -> object:
            return await serve(handler_for(srv_sync, router), "127.0.0.1", port)

        srv = thread.run(start())
        wait_until(lambda: host.open(doc_id) is not None)
        assert ("connected", None) in states
        task.cancel()

        async def stop() -> None:
            srv.close()  # type: ignore[attr-defined]
            await srv.wait_closed()  # type: ignore[attr-defined]

        thread.run(stop())
    finally:
        thread.close()
