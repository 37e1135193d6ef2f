"""The home node's clerk: answers its residents' spends that arrived from other villages, soon
after they arrive, by looking at the ledgers whenever one of them changed (a few times a minute
at most). Spends written on this node itself are answered at once by `charge`."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..rounds import Rounds
from .book import known_ledgers
from .service import confirm_pending

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.ledger")
INTERVAL = 5.0


class LedgerClerk(Rounds):
    name = "ledger-clerk"
    failure = "the ledger clerk failed; trying again"
    log = log

    def __init__(self, node: Node, interval: float = INTERVAL) -> None:
        super().__init__(interval)
        self.node = node
        self._seen: dict[str, list[bytes] | None] = {}

    async def once(self) -> int:
        return await asyncio.to_thread(self.round)

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
