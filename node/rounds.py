"""Work a running node does now and then, in its event loop, for as long as it serves: the ledger
clerk, the digest postman, the alliance keeper. Each is a round; a failed round is logged and
the next one comes anyway, since one bad ledger or one unreachable mail server must not stop
the rest of the node's work."""

from __future__ import annotations

import asyncio
import contextlib
import logging


class Rounds:
    """A round (`once`) every `interval` seconds between `start` and `stop`."""

    name = "rounds"
    """The task's name (in asyncio debugging and logs)."""
    failure = "a round failed; trying again"
    """What the log says when a round fails."""
    log = logging.getLogger("mekaar")

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def once(self) -> object:
        """One round; what it returns is only for whoever calls it by hand."""
        raise NotImplementedError

    async def _run(self) -> None:
        while True:
            try:
                await self.once()
            except Exception:
                self.log.exception(self.failure)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
