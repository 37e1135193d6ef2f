"""The running node's keeper of its alliances: a few times a minute it does what the host asked
(`mekaar alliance`): makes an alliance it founds, writes its own entry once it holds an alliance
it joined, keeps that entry's figures and skills current (a change only when they moved), and
takes the entry out when the host leaves."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..rounds import Rounds
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


class AllianceKeeper(Rounds):
    name = "alliance-keeper"
    failure = "keeping the alliances failed; trying again"
    log = log

    def __init__(self, node: Node, interval: float = INTERVAL) -> None:
        super().__init__(interval)
        self.node = node

    async def once(self) -> None:
        await keep(self.node)
