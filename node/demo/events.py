"""An event in the demo: the Repair Café Wezep's next evening in the large hall of Dorpshuis De
Brink, three weeks from now, with two residents registered (one bringing a guest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..events.forms import EventForm, RegistrationForm
from ..events.rules import DEFAULT_TIME_ZONE
from ..events.service import plan_event, register
from ..places.views import get_place
from ..runtime import Node


async def add_event(
    node: Node,
    session: AsyncSession,
    people: dict[str, Acting],
    initiatives: dict[str, str],
    brink: str,
) -> str:
    hall = next(room for room in (await get_place(node, brink)).rooms if room.name == "Grote zaal")
    day = (datetime.now(UTC) + timedelta(days=21)).date().isoformat()
    event = await plan_event(
        node,
        session,
        people["henk"],
        EventForm(
            title="Repair Café: fietsen en naaimachines",
            description="Neem je kapotte fiets of naaimachine mee. Onze vrijwilligers kijken er "
            "samen met je naar. Koffie en thee staan klaar.",
            organiser=initiatives["repair_cafe"],
            starts=f"{day}T13:30",
            ends=f"{day}T16:30",
            time_zone=DEFAULT_TIME_ZONE,
            venue=f"{brink}/{hall.id}",
            capacity=24,
        ),
    )
    await register(node, session, people["marieke"], event, RegistrationForm(guests=1))
    await register(node, session, people["pieter"], event, RegistrationForm())
    return event
