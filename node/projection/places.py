"""Places for the zalenzoeker list (filtered by kind, village, a step-free entrance, room for so
many people, or a search), and the places where a person has booking requests."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from .content import key
from .filters import paging
from .hidden import visible
from .models import PlaceBookingRow, PlaceRow
from .pages import one_page
from .results import Page


class PlaceSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    about: str
    address: str
    village: str
    neighbourhood: str
    step_free: bool
    room_count: int
    max_capacity: int
    origin_node: str


COLUMNS = (
    PlaceRow.id,
    PlaceRow.name,
    PlaceRow.kind,
    PlaceRow.about,
    PlaceRow.address,
    PlaceRow.village,
    PlaceRow.neighbourhood,
    PlaceRow.step_free,
    PlaceRow.room_count,
    PlaceRow.max_capacity,
    PlaceRow.origin_node,
)


async def list_places(
    session: AsyncSession,
    *,
    kind: str = "",
    village: str = "",
    step_free: bool = False,
    people: int = 0,
    query: str | None = None,
    page: int = 1,
    per_page: int = 50,
    include_hidden: bool = False,
) -> Page[PlaceSummary]:
    page, per_page = paging(page, per_page)
    where: list[ColumnElement[bool]] = list(await visible(session, PlaceRow.id, include_hidden))
    if kind:
        where.append(PlaceRow.kind == kind)
    if village.strip():
        where.append(PlaceRow.village_key == key(village))
    if step_free:
        where.append(PlaceRow.step_free.is_(True))
    if people > 0:
        where.append(PlaceRow.max_capacity >= people)

    def summary(row: Any) -> PlaceSummary:
        return PlaceSummary(**{column.key: getattr(row, column.key) for column in COLUMNS})

    return await one_page(
        session,
        PlaceRow,
        COLUMNS,
        summary,
        where=where,
        order=[PlaceRow.name, PlaceRow.id],
        page=page,
        per_page=per_page,
        query=query,
        kind="place",
    )


async def places_booked_by(session: AsyncSession, person_id: str) -> list[str]:
    """Ids of the places where this person asked for a room, in name order."""
    rows = await session.execute(
        select(PlaceRow.id)
        .join(PlaceBookingRow, PlaceBookingRow.place_id == PlaceRow.id)
        .where(PlaceBookingRow.person_id == person_id)
        .group_by(PlaceRow.id, PlaceRow.name)
        .order_by(PlaceRow.name, PlaceRow.id)
    )
    return [row[0] for row in rows]
