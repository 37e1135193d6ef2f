"""The home node's clerk: answers its residents' spends that arrived from other villages, soon
after they arrive, by looking at the ledgers whenever one of them changed (a few times a minute
at most). Spends written on this node itself are answered at once by `charge`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from .book import known_ledgers
from .service import confirm_pending

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.ledger")
INTERVAL = 5.0


class LedgerClerk:
    def __init__(self, node: Node, interval: float = INTERVAL) -> None:
        self.node = node
        self.interval = interval
        self._seen: dict[str, list[bytes] | None] = {}
        self._task: asyncio.Task[None] | None = None

    def _changed(self) -> bool:
        heads = {
            ledger: self.node.documents.known_heads(ledger) for ledger in known_ledgers(self.node)
        }
        changed = heads != self._seen
        self._seen = heads
        return changed

    def round(self) -> int:
        """One look: how many spends were answered. Blocking."""
        if not self._changed():
            return 0
        return len(confirm_pending(self.node))

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.round)
            except Exception:  # a bad ledger must not stop the clerk; it is logged and retried
                log.exception("the ledger clerk failed; trying again")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ledger-clerk")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
