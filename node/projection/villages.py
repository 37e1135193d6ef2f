"""The names of the nodes this one has heard of (from their catalog documents), by node id: pages
name the home village of what came from elsewhere. Kept per process until the projection changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .generation import cached
from .models import VillageRow


async def village_names(session: AsyncSession) -> dict[str, str]:
    """node id → name; callers must not change the mapping."""

    async def load() -> dict[str, str]:
        rows = await session.execute(select(VillageRow.node_id, VillageRow.name))
        return {node_id: name for node_id, name in rows if name}

    return await cached(session, ("village_names",), load)
