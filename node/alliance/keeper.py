"""The running node's keeper of its alliances: a few times a minute it does what the host asked
(`mekaar alliance`): makes an alliance it founds, writes its own entry once it holds an alliance
it joined, keeps that entry's figures and skills current (a change only when they moved), and
takes the entry out when the host leaves."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from . import service
from .entry import own_entry
from .models import LEAVING

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.alliance")
INTERVAL = 5.0


async def keep(node: Node) -> None:
    """One round over this node's alliances."""
    async with node.sessions() as session:
        for row in await service.memberships(session):
            held = await asyncio.to_thread(service.holds, node, row.alliance_id)
            if row.state == LEAVING:
                if held:
                    content = await asyncio.to_thread(service.withdraw, node, row.alliance_id)
                    await service.project_content(session, content)
                await session.delete(row)
                continue
            if not held and row.founding and row.name:
                made = await asyncio.to_thread(service.make, node, row.alliance_id, row.name)
                await service.project_content(session, made)
                held = True
            if held:
                entry = await own_entry(node, session)
                content = await asyncio.to_thread(service.publish, node, row.alliance_id, entry)
                await service.project_content(session, content)
        await session.commit()


class AllianceKeeper:
    def __init__(self, node: Node, interval: float = INTERVAL) -> None:
        self.node = node
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            try:
                await keep(self.node)
            except Exception:  # one bad round must not stop the keeper; logged and retried
                log.exception("keeping the alliances failed; trying again")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="alliance-keeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
