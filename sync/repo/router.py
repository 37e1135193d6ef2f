"""Where outgoing messages go: peer id -> the outgoing queue of that peer's live connection.

The synchronizer returns messages addressed by `target_id`, possibly to other peers than the one
whose message it handled, and from worker threads; `dispatch` is therefore thread-safe and hands
each message to the connection's event loop (`call_soon_threadsafe`). A message for a peer that
is not connected is dropped, as the reference's NetworkSubsystem.send does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from .messages import Message

logger = logging.getLogger("sync.repo")

DEFAULT_MAX_QUEUE = 10_000


@dataclass(frozen=True, slots=True)
class Shutdown:
    """Queued instead of a message: the connection must close (replaced, or too far behind)."""

    code: int
    reason: str


@dataclass(eq=False, slots=True)
class Outbox:
    peer_id: str
    loop: asyncio.AbstractEventLoop
    max_queue: int
    queue: asyncio.Queue[Message | Shutdown] = field(default_factory=asyncio.Queue)
    closed: bool = False

    def put(self, item: Message | Shutdown) -> None:
        """Runs on the outbox's loop."""
        if self.closed:
            return
        if isinstance(item, Shutdown):
            self.closed = True
        elif self.queue.qsize() >= self.max_queue:
            logger.warning("peer %s: %d messages queued, closing", self.peer_id, self.max_queue)
            self.closed = True
            item = Shutdown(1013, "too many messages queued")
        self.queue.put_nowait(item)

    def put_threadsafe(self, item: Message | Shutdown) -> None:
        # a closed loop means the connection is gone anyway
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.put, item)


class Router:
    def __init__(self, *, max_queue: int = DEFAULT_MAX_QUEUE) -> None:
        self.max_queue = max_queue
        self._lock = threading.Lock()
        self._outboxes: dict[str, Outbox] = {}

    def register(self, peer_id: str) -> Outbox:
        """A new connection for the peer (call on its event loop); a previous connection of the
        same peer id is told to close, as WebSocketServerAdapter.ts does on a second join."""
        outbox = Outbox(peer_id, asyncio.get_running_loop(), self.max_queue)
        with self._lock:
            previous = self._outboxes.get(peer_id)
            self._outboxes[peer_id] = outbox
        if previous is not None:
            previous.put_threadsafe(Shutdown(1000, "replaced by a newer connection"))
        return outbox

    def unregister(self, outbox: Outbox) -> bool:
        """Remove the connection; False when a newer one of the same peer had replaced it."""
        with self._lock:
            if self._outboxes.get(outbox.peer_id) is outbox:
                del self._outboxes[outbox.peer_id]
                return True
            return False

    def dispatch(self, messages: Iterable[Message]) -> None:
        """Queue each message on its target's connection; thread-safe, never blocks."""
        for message in messages:
            target = getattr(message, "target_id", None)
            with self._lock:
                outbox = self._outboxes.get(target) if isinstance(target, str) else None
            if outbox is None:
                logger.debug("no connection to %s: %s dropped", target, type(message).__name__)
                continue
            outbox.put_threadsafe(message)

    def connected(self) -> list[str]:
        with self._lock:
            return sorted(self._outboxes)
