"""A standalone automerge-repo sync server, like the reference's `@automerge/automerge-repo-sync-
server`: accepts every document, serves it to whoever asks, relays changes between the peers of a
document. The reference harness for tests and benchmarks.

    python -m sync.repo.server --host 127.0.0.1 --port 3030 [--data DIR] [--peer-id ID]

Without --data everything is in memory and the server presents itself as ephemeral. Once it is
listening it prints `listening on ws://HOST:PORT` (with the real port when --port 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.server import ServerConnection, serve

from sync.store import DocStore

from ..file_store import FileDocStore
from .connection import Router, ServerProof, serve_peer
from .messages import DEFAULT_MAX_FRAME, Join
from .store_host import StoreHost
from .stores import MemoryDocStore
from .synchronizer import Synchronizer

STORAGE_ID_FILE = "storage-adapter-id"  # the key the reference's StorageSubsystem uses


def storage_id_for(folder: Path) -> str:
    """A storage id kept in the data folder, so peers' saved sync states stay valid across runs."""
    path = folder / STORAGE_ID_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = str(uuid.uuid4())
        path.write_text(value + "\n")
        return value


def handler_for(
    synchronizer: Synchronizer,
    router: Router,
    max_frame: int = DEFAULT_MAX_FRAME,
    authenticate: Callable[[Join], Any] | None = None,
    proof: ServerProof | None = None,
) -> Callable[[ServerConnection], Awaitable[None]]:
    """The `websockets.serve` handler: one serve_peer per connection."""

    async def handle(ws: ServerConnection) -> None:
        async def receive() -> bytes | None:
            try:
                frame = await ws.recv()
            except websockets.ConnectionClosed:
                return None
            return frame if isinstance(frame, str) else bytes(frame)  # type: ignore[return-value]

        async def send(data: bytes) -> None:
            await ws.send(data)

        async def close(code: int, reason: str) -> None:
            await ws.close(code, reason)

        await serve_peer(
            receive, send, close, synchronizer, router, authenticate, max_frame, proof=proof
        )

    return handle


async def run(
    host: str,
    port: int,
    data: Path | None,
    peer_id: str,
    max_frame: int = DEFAULT_MAX_FRAME,
    ready: Callable[[str], None] = print,
) -> None:
    store: DocStore
    if data is None:
        store, storage_id = MemoryDocStore(), None
    else:
        store, storage_id = FileDocStore(data), storage_id_for(data)
    synchronizer = Synchronizer(StoreHost(store), peer_id, storage_id)
    router = Router()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    handler = handler_for(synchronizer, router, max_frame)
    async with serve(handler, host, port, max_size=max_frame) as server:
        bound = next(iter(server.sockets)).getsockname()
        ready(f"listening on ws://{bound[0]}:{bound[1]}")
        with contextlib.suppress(asyncio.CancelledError):
            await stop


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sync.repo.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3030)
    parser.add_argument("--data", type=Path, default=None, help="folder for documents")
    parser.add_argument("--peer-id", default=f"sync-server-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--max-frame", type=int, default=DEFAULT_MAX_FRAME)
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")

    def announce(line: str) -> None:
        print(line, flush=True)

    asyncio.run(run(args.host, args.port, args.data, args.peer_id, args.max_frame, announce))


if __name__ == "__main__":
    main()
