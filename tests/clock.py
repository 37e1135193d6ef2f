"""The node's clock (`Node.clock`) as a test moves it: past a grant round's deadline, to the
start of an event, back before a job's shift. `at` None is the real time."""

from __future__ import annotations

from datetime import datetime, timedelta

from node.runtime import Node
from node.service import now as real_now


class Clock:
    def __init__(self, node: Node, at: datetime | None = None) -> None:
        self.at = at
        node.clock = self.now

    def now(self) -> datetime:
        return self.at or real_now()

    def tick(self, minutes: int = 1) -> None:
        assert self.at is not None
        self.at += timedelta(minutes=minutes)
