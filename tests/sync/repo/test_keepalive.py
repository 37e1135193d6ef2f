"""A client working through a backlog of messages still answers the server's keepalive pings,
as the reference's `ws` does: otherwise a server that announces thousands of documents to a
slower client drops it, and every reconnect starts the flood again."""

from __future__ import annotations

import asyncio
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from sync.automerge import Document, SyncState
from sync.repo.connection import Router, connect_peer
from sync.repo.host import PeerInfo
from sync.repo.messages import Join, PeerMetadata, Sync, encode_message
from sync.repo.server import handler_for
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

from .wiring import new_doc

DOCUMENTS = 120
WORK = 0.02  # seconds per document at the client: the backlog takes ~2.4 s, pings time out at 0.3


class SlowHost(StoreHost):
    """A client whose storage is slow (a node projecting each document into SQL)."""

    def received(
        self, peer: PeerInfo, document_id: str, doc: Document, heads_before: list[bytes]
    ) -> None:
        time.sleep(WORK)
        super().received(peer, document_id, doc, heads_before)


async def _replicate() -> tuple[int, list[tuple[str, str | None]]]:
    server_host = StoreHost(MemoryDocStore())
    for n in range(DOCUMENTS):
        server_host.add(*new_doc(title=f"initiatief {n} " * 20), announce=True)
    server = Synchronizer(server_host, "server", "server-storage")
    handler = handler_for(server, Router())
    async with serve(handler, "127.0.0.1", 0, ping_interval=0.1, ping_timeout=0.3) as listening:
        port = next(iter(listening.sockets)).getsockname()[1]
        client_host = SlowHost(MemoryDocStore())
        client = Synchronizer(client_host, "client", "client-storage")
        states: list[tuple[str, str | None]] = []
        task = asyncio.create_task(
            connect_peer(
                f"ws://127.0.0.1:{port}",
                client,
                Router(),
                on_state=lambda state, reason: states.append((state, reason)),
            )
        )
        deadline = time.monotonic() + 30
        while len(list(client_host.store.ids())) < DOCUMENTS and not task.done():
            assert time.monotonic() < deadline, "the documents never arrived"
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return len(list(client_host.store.ids())), states


def test_a_client_busy_with_a_backlog_keeps_its_connection() -> None:
    held, states = asyncio.run(_replicate())
    assert states[:2] == [("connecting", None), ("connected", None)]
    assert all(state != "disconnected" for state, _ in states), states
    assert held == DOCUMENTS


class SlowToOpen(StoreHost):
    """A server whose storage is slow to open documents (a disk under load)."""

    def open(self, document_id: str) -> Document | None:
        time.sleep(WORK)
        return super().open(document_id)


async def _flood_the_server() -> str | None:
    """A client announcing DOCUMENTS documents at once to a slow server, pinging it often;
    returns why the connection closed before the server got through them (None: it did not)."""
    server = Synchronizer(SlowToOpen(MemoryDocStore()), "server", "server-storage")
    async with serve(handler_for(server, Router()), "127.0.0.1", 0) as listening:
        port = next(iter(listening.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}", ping_interval=0.1, ping_timeout=0.3) as ws:
            await ws.send(encode_message(Join("client", PeerMetadata("client-storage"))))
            await ws.recv()  # peer
            for n in range(DOCUMENTS):
                document_id, doc = new_doc(title=f"initiatief {n}")
                data = doc.generate_sync_message(SyncState())
                assert data is not None
                await ws.send(encode_message(Sync("client", "server", document_id, data)))
            deadline = time.monotonic() + DOCUMENTS * WORK + 5
            while server.status("client").documents < DOCUMENTS:
                if time.monotonic() > deadline:
                    return "the server never got through the documents"
                try:
                    async with asyncio.timeout(0.05):
                        await ws.recv()
                except TimeoutError:
                    pass
                except ConnectionClosed:
                    return f"{ws.close_code} {ws.close_reason}"
    return None


def test_a_server_busy_with_a_backlog_keeps_answering_pings() -> None:
    assert asyncio.run(_flood_the_server()) is None
