"""A client working through a backlog of messages still answers the server's keepalive pings,
as the reference's `ws` does: otherwise a server that announces thousands of documents to a
slower client drops it, and every reconnect starts the flood again."""

from __future__ import annotations

import asyncio
import time

from websockets.asyncio.server import serve

from sync.automerge import Document
from sync.repo.connection import Router, connect_peer
from sync.repo.host import PeerInfo
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
