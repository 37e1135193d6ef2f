"""The demo node founds an alliance of villages ("Dorpen van de Veluwe", Utrecht's question:
a warm network of initiatives across a province) and publishes its own entry in it, as the
keeper would once `mekaar alliance create` was run."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from ..alliance import service
from ..alliance.entry import own_entry
from ..runtime import Node

NAME = "Dorpen van de Veluwe"


async def add_alliance(node: Node, session: AsyncSession) -> str:
    await session.flush()  # the entry adds up what the demo made so far
    alliance_id = await service.found(session, NAME)
    made = await asyncio.to_thread(service.make, node, alliance_id, NAME)
    await service.project_content(session, made)
    entry = await own_entry(node, session)
    published = await asyncio.to_thread(service.publish, node, alliance_id, entry)
    await service.project_content(session, published)
    return alliance_id
