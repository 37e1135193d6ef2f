"""Live pieces for the connection and interop tests: an event loop in a thread, the Python sync
server on a free 127.0.0.1 port inside it, and a handle on tests/interop/repo_driver.mjs."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from websockets.asyncio.server import Server, serve

from sync.repo.connection import Router, ServerProof
from sync.repo.messages import DEFAULT_MAX_FRAME, Join
from sync.repo.server import handler_for
from sync.repo.synchronizer import Synchronizer
from tests.interop.oracle import Oracle, missing_requirement

T = TypeVar("T")


class LoopThread:
    """An asyncio loop running in a daemon thread; `run` waits for a coroutine from the test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return self.submit(coro).result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 30.0) -> T:
        async def wrapped() -> T:
            return fn()

        return self.run(wrapped(), timeout)

    def close(self) -> None:
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            self.run(cancel_all(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()


class PythonServer:
    """The Python sync server (websockets + serve_peer) on a free port, in a LoopThread."""

    def __init__(
        self,
        synchronizer: Synchronizer,
        *,
        authenticate: Callable[[Join], Any] | None = None,
        max_frame: int = DEFAULT_MAX_FRAME,
        proof: ServerProof | None = None,
    ) -> None:
        self.synchronizer = synchronizer
        self.router = Router()
        self.thread = LoopThread()
        handler = handler_for(synchronizer, self.router, max_frame, authenticate, proof)

        async def start() -> Server:
            return await serve(handler, "127.0.0.1", 0, max_size=max_frame)

        self.server = self.thread.run(start())
        self.port = next(iter(self.server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}"

    def dispatch_changed(self, document_id: str) -> None:
        self.router.dispatch(self.synchronizer.document_changed(document_id))

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        try:
            self.thread.run(stop(), timeout=10)
        finally:
            self.thread.close()


def require_node() -> None:
    reason = missing_requirement()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"interop reference unavailable under CI: {reason}", pytrace=False)
        pytest.skip(reason)


class RepoDriver(Oracle):
    """tests/interop/repo_driver.mjs: reference automerge-repo clients and servers by name."""

    SCRIPT = "repo_driver.mjs"

    def stderr(self) -> str:
        return self._stderr_tail()
