"""A Wijk aan Zet call in the demo: the municipality opens it as an ordinary participant; the
spring round is replayed as it went (applications, volunteers, a jury drawn by lot after the
deadline, scores, a decision with reasons, a report of how the money was spent), and the autumn
round is open with two applications waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..grants import (
    ApplicationForm,
    CallForm,
    ConflictForm,
    DecisionForm,
    DrawForm,
    ReportForm,
    RoundForm,
    ScoreForm,
    VolunteerForm,
    add_round,
    apply,
    decide,
    declare_conflict,
    draw_jury,
    get_call,
    open_call,
    report,
    score,
    volunteer,
)
from ..grants.rules import closing_moment
from ..runtime import Node

VOLUNTEERS = [
    ("anna", "Ik ken veel mensen in het Centrum."),
    ("gerrit", "Ik zit al jaren in het bestuur van de volkstuinen."),
    ("pieter", "Ik lees graag begrotingen na."),
    ("marieke", "Graag, als het op een avond is."),
    ("lotte", "Ik maak er ook een radio-item over."),
    ("sanne", ""),
]


def _day(at: datetime) -> str:
    return at.date().isoformat()


async def add_grant_call(
    node: Node,
    session: AsyncSession,
    people: dict[str, Acting],
    organisations: dict[str, str],
    initiatives: dict[str, str],
) -> str:
    """Open the call, replay its spring round with the node's clock set back, then open the
    autumn round at today's date. The clock is always given back."""
    today = datetime.now(UTC)
    spring_deadline = today - timedelta(days=60)
    real_clock = node.clock
    try:
        node.clock = lambda: today - timedelta(days=90)
        call = await open_call(
            node,
            session,
            people["bram"],
            CallForm(
                title="Wijk aan Zet: kleine subsidies voor buurtinitiatieven",
                about="Heeft u met buren een idee dat de buurt levendiger, groener of "
                "socialer maakt? Vraag tot 2.500 euro aan. Een jury van bewoners, geloot uit "
                "wie zich aanmeldt, geeft advies; de gemeente beslist en legt uit waarom.",
                organisation=organisations["gemeente"],
                max_grant="2.500",
                min_allies=2,
                round_title="Voorjaarsronde",
                deadline=_day(spring_deadline),
                budget="7.500",
                jury_size=3,
                beacon_source="Lotto-trekking van de zaterdag na de deadline",
            ),
        )
        spring = (await get_call(node, call)).rounds[0].id
        node.clock = lambda: today - timedelta(days=75)
        repair = await apply(
            node,
            session,
            people["henk"],
            call,
            ApplicationForm(
                round=spring,
                initiative=initiatives["repair_cafe"],
                title="Gereedschap en een soldeerstation voor het Repair Café",
                plan="Met een eigen gereedschapskist en een soldeerstation kunnen we elke "
                "maand twintig spullen meer repareren. Vrijwilligers leren elkaar solderen.",
                what=["Soldeerstation en tinzuiger", "Gereedschapskist", "Koffie en thee"],
                amount=["350", "420", "130"],
            ),
        )
        for who, note in VOLUNTEERS:
            await volunteer(node, session, people[who], call, VolunteerForm(note=note))

        node.clock = lambda: closing_moment(spring_deadline.date()) + timedelta(days=5)
        jury = await draw_jury(
            node, session, people["bram"], call, spring, DrawForm(beacon="3 11 17 24 38 44 (6)")
        )
        by_id = {acting.person_id: acting for acting in people.values()}
        points = [4, 5, 4]
        for juror_id, given in zip(jury, points, strict=False):
            juror = by_id[juror_id]
            if juror_id == people["sanne"].person_id:  # Sanne makes the flyers: an interest
                await declare_conflict(
                    node,
                    session,
                    juror,
                    call,
                    repair,
                    ConflictForm(reason="Ik help zelf mee met het Repair Café."),
                )
                continue
            note = "Veel mensen hebben er baat bij." if given == 5 else "Goed en zuinig plan."
            await score(node, session, juror, call, repair, ScoreForm(score=given, note=note))
        await decide(
            node,
            session,
            people["bram"],
            call,
            repair,
            DecisionForm(
                granted="yes",
                reasons="De jury is positief; het plan is concreet en komt het hele dorp ten "
                "goede. Toegekend zoals gevraagd.",
            ),
        )
        node.clock = lambda: today - timedelta(days=20)
        await report(
            node,
            session,
            people["henk"],
            call,
            repair,
            ReportForm(
                story="Het soldeerstation staat in De Brink. Op de eerste avond repareerden we "
                "veertien lampen en drie radio's.",
                what=["Soldeerstation en tinzuiger", "Gereedschapskist", "Koffie en thee"],
                amount=["339,95", "412", "98,50"],
            ),
        )
    finally:
        node.clock = real_clock

    autumn_deadline: date = (today + timedelta(days=30)).date()
    autumn = await add_round(
        node,
        session,
        people["bram"],
        call,
        RoundForm(
            title="Najaarsronde",
            deadline=autumn_deadline.isoformat(),
            budget="7.500",
            jury_size=3,
            beacon_source="Lotto-trekking van de zaterdag na de deadline",
        ),
    )
    await apply(
        node,
        session,
        people["fatima"],
        call,
        ApplicationForm(
            round=autumn,
            initiative=initiatives["street_party"],
            title="Straatfeest in de Brugse Poort",
            plan="Eén dag de straat autovrij, met lange tafels en eten uit alle keukens. "
            "Buren die elkaar nog niet kennen, koken samen.",
            what=["Huur tent en tafels", "Geluid en podium", "Boodschappen voor het eten"],
            amount=["900", "750", "650"],
        ),
    )
    await apply(
        node,
        session,
        people["gerrit"],
        call,
        ApplicationForm(
            round=autumn,
            initiative=initiatives["garden"],
            title="Plantenbakken en zaden voor de buurtmoestuin",
            plan="Zes plantenbakken op hoogte, zodat ook buren in een rolstoel mee kunnen "
            "tuinieren, en zaden voor het eerste jaar.",
            what=["Hout en schroeven", "Zaden en potgrond"],
            amount=["480", "160"],
        ),
    )
    return call
