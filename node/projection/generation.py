"""A counter that moves whenever what list pages show may have changed, shared by every worker
process through the database: `project()`, `remove()`, `reindex()` and moderation bump it in the
transaction that makes the change, so a reader that sees the new rows also sees the new number.

Per-process caches (facets, anonymous pages) key on it: one primary-key read per request tells a
worker whether what it kept is still current, with no time-to-live and no stale window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

from sqlalchemy import Engine, Integer, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .locks import lock_projection

T = TypeVar("T")

ROW = 1
BUMPED = "mekaar.projection_bumped"
"""Set in `session.info` once the session changed the generation: its own reads then include
uncommitted rows, which must not be kept for others."""


class ProjectionState(Base):
    __tablename__ = "projection_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


async def bump(session: AsyncSession) -> None:
    """Mark the projection as changed; takes effect when the session commits."""
    await lock_projection(session)  # before this row's lock, as every projecting transaction
    session.info[BUMPED] = True
    result = await session.execute(
        update(ProjectionState)
        .where(ProjectionState.id == ROW)
        .values(generation=ProjectionState.generation + 1)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        await session.execute(insert(ProjectionState).values(id=ROW, generation=1))


async def generation(session: AsyncSession) -> int:
    """The current generation as this session's transaction sees it (0 before any change)."""
    found = await session.scalar(
        select(ProjectionState.generation).where(ProjectionState.id == ROW)
    )
    return found or 0


_cache: dict[Hashable, tuple[int, object]] = {}


async def cached(session: AsyncSession, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()`'s result, kept in this process until the generation moves.

    Keys are per database (a process may serve several, as tests do). Nothing is kept from a
    session that changed the projection itself (it sees its own uncommitted rows, which a rollback
    would take back).
    """
    current = await generation(session)
    bind = session.get_bind()
    url = bind.url if isinstance(bind, Engine) else bind.engine.url
    key = (str(url), key)
    kept = _cache.get(key)
    if kept is not None and kept[0] == current:
        return kept[1]  # type: ignore[return-value]
    value = await compute()
    if not session.info.get(BUMPED):
        _cache[key] = (current, value)
    return value
