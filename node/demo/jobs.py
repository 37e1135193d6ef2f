"""A Doe-plek job in the demo: the bakery asks help folding flyers; last week a mixed group
(a social worker with two residents and three people from the day centre without an account)
did the first shift, their hours are confirmed and earned Doe-punten; the bakery takes them, and
one was spent there. The next shift is open for sign-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..jobs.forms import HoursForm, JobForm, ShiftForm, SignupForm
from ..jobs.service import add_shift, confirm_hours, post_job, record_hours, sign_up
from ..jobs.views import get_job
from ..ledger.service import ChargeForm, PartnerForm, charge, join_as_partner
from ..runtime import Node


async def add_job(
    node: Node,
    session: AsyncSession,
    people: dict[str, Acting],
    organisations: dict[str, str],
    initiative: str | None = None,
) -> str:
    """The bakery's folding job, for the Doe-plek initiative (its hours count there)."""
    today = datetime.now(UTC)
    last_week = (today - timedelta(days=7)).date().isoformat()
    real_clock = node.clock
    try:
        node.clock = lambda: today - timedelta(days=10)
        job = await post_job(
            node,
            session,
            people["wim"],
            JobForm(
                title="2.000 folders vouwen voor de bakker",
                about="De bakkerij viert zestig jaar en wil een folder in elke brievenbus. "
                "Vouwen doen we samen, in het buurthuis, met koffie en gebak.",
                organisation=organisations["bakkerij"],
                village="Wezep",
                address="Buurthuis De Brink, Stationsweg 4",
                size="medium",
                support="Welzijnswerk Oldebroek komt met een groep van de dagbesteding en "
                "regelt vervoer.",
                day=last_week,
                start="09:30",
                end="12:00",
                hands=8,
                initiative=initiative or "",
            ),
        )
        shift = (await get_job(node, job)).shifts[0].id
        await sign_up(
            node,
            session,
            people["pieter"],
            job,
            SignupForm(
                shift=shift,
                group="Welzijnswerk: dagbesteding De Brug",
                others=[people["marieke"].person_id],
                guests=3,
            ),
        )
        await sign_up(node, session, people["sanne"], job, SignupForm(shift=shift))
        node.clock = lambda: today - timedelta(days=7) + timedelta(hours=6)
        given = [
            ("pieter", "pieter", "2:30"),
            ("pieter", "marieke", "2"),
            ("sanne", "sanne", "2:30"),
        ]
        for who, person, hours in given:
            form = HoursForm(shift=shift, hours=hours, person=people[person].person_id)
            hours_id = await record_hours(node, session, people[who], job, form)
            await confirm_hours(node, session, people["wim"], job, hours_id)
    finally:
        node.clock = real_clock

    next_week = (today + timedelta(days=5)).date().isoformat()
    second = await add_shift(
        node,
        session,
        people["wim"],
        job,
        ShiftForm(day=next_week, start="09:30", end="12:00", hands=6),
    )
    await sign_up(node, session, people["jan"], job, SignupForm(shift=second))
    await join_as_partner(
        node,
        session,
        people["wim"],
        organisations["bakkerij"],
        PartnerForm(offer="Een Doe-punt is koffie met een gebakje; vier zijn een taart."),
    )
    await charge(
        node,
        session,
        people["wim"],
        organisations["bakkerij"],
        ChargeForm(person=people["marieke"].person_id, amount="1", what="Koffie met gebak"),
    )
    return job
