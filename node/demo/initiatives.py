"""Demo initiatives, each at another point of the path (agenderen → medestanders vinden →
aansluiten → aan de slag): a repair café at work, a community garden the municipality joins, a
street party asking for a Wijk aan Zet grant, a Doe-plek task for a shop, a finished give box, a
choir looking for a room, and a help desk looking for someone with the right skills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..discussions import CommentForm, ThreadForm, comment, start_thread
from ..initiatives import (
    JoinForm,
    NeedForm,
    NewInitiative,
    TaskForm,
    UpdateForm,
    add_need,
    add_task,
    change_status,
    complete_task,
    join_initiative,
    make_coordinator,
    mark_need,
    post_initiative,
    post_update,
    support_initiative,
    take_task,
)
from ..runtime import Node

Task = tuple[str, int | None, str | None, bool]
"""(title, due in days from today or None, who takes it or None, done)"""


@dataclass
class Village:
    """The demo's residents acting through the services, with less to type per action."""

    node: Node
    session: AsyncSession
    people: dict[str, Acting]
    organisations: dict[str, str]

    async def post(self, who: str, org: str = "", **form: str) -> str:
        organisation = self.organisations[org] if org else ""
        initiative = NewInitiative(organisation=organisation, **form)
        return await post_initiative(self.node, self.session, self.people[who], initiative)

    async def need(
        self, who: str, initiative: str, kind: str, description: str, **extra: str
    ) -> str:
        form = NeedForm(kind=kind, description=description, **extra)
        return await add_need(self.node, self.session, self.people[who], initiative, form)

    async def join(self, who: str, initiative: str, offer: str, org: str = "") -> None:
        form = JoinForm(offer=offer, organisation=self.organisations[org] if org else "")
        await join_initiative(self.node, self.session, self.people[who], initiative, form)

    async def support(self, who: str, initiative: str, org: str = "") -> None:
        organisation = self.organisations[org] if org else None
        await support_initiative(
            self.node, self.session, self.people[who], initiative, organisation
        )

    async def plan(self, who: str, initiative: str, tasks: list[Task]) -> None:
        for title, due, taker, done in tasks:
            when = (date.today() + timedelta(days=due)).isoformat() if due is not None else ""
            task = await add_task(
                self.node,
                self.session,
                self.people[who],
                initiative,
                TaskForm(title=title, due=when),
            )
            if taker is not None:
                await take_task(self.node, self.session, self.people[taker], initiative, task)
            if done:
                by = self.people[taker or who]
                await complete_task(self.node, self.session, by, initiative, task)

    async def status(self, who: str, initiative: str, *statuses: str) -> None:
        for status in statuses:
            await change_status(self.node, self.session, self.people[who], initiative, status)

    async def news(self, who: str, initiative: str, title: str, body: str) -> None:
        form = UpdateForm(title=title, body=body)
        await post_update(self.node, self.session, self.people[who], initiative, form)

    async def met(self, who: str, initiative: str, need: str) -> None:
        await mark_need(self.node, self.session, self.people[who], initiative, need, True)

    async def coordinator(self, who: str, initiative: str, ally: str) -> None:
        person = self.people[ally].person_id
        await make_coordinator(self.node, self.session, self.people[who], initiative, person)

    async def thread(
        self, who: str, initiative: str, intro: str, talk: list[tuple[str, str]]
    ) -> None:
        """A thread about the initiative; each comment after the first answers the first."""
        node, session = self.node, self.session
        thread = await start_thread(
            node, session, self.people[who], initiative, ThreadForm(intro=intro)
        )
        first = ""
        for speaker, body in talk:
            form = CommentForm(body=body, reply_to=first)
            made = await comment(node, session, self.people[speaker], thread, form)
            first = first or made


async def add_initiatives(
    node: Node, session: AsyncSession, people: dict[str, Acting], organisations: dict[str, str]
) -> dict[str, str]:
    """Post the demo initiatives, with their allies, needs, plans, news and threads; returns
    their ids by a short name (for the grant round that follows)."""
    v = Village(node, session, people, organisations)

    rc = await v.post(
        "henk",
        title="Repair Café Wezep",
        summary="Elke eerste zaterdag van de maand samen spullen repareren in plaats van ze "
        "weg te gooien.",
        description="Een kapotte broodrooster, een fiets met een slag in het wiel, een broek met "
        "een scheur: neem het mee, dan kijken we er samen naar. Koffie staat klaar. Je leert "
        "het zelf, en je ontmoet je buren.",
        village="Wezep",
        tags="repair café, duurzaam, ontmoeten",
        status="looking_for_allies",
    )
    await v.need("henk", rc, "skills", "Iemand die naaimachines kan maken", skill="naaien")
    room = await v.need("henk", rc, "room", "Een zaal voor de eerste zaterdag van de maand")
    await v.need("henk", rc, "materials", "Een soldeerbout en verlengsnoeren")
    await v.join("mohamed", rc, "Ik help met laptops en telefoons")
    await v.join("jan", rc, "Ik neem mijn gereedschap mee")
    await v.join("sanne", rc, "Ik maak de flyer en foto's")
    await v.support("lotte", rc, org="omroep")
    await v.coordinator("henk", rc, "mohamed")
    await v.plan("henk", rc, [
        ("Zaal vastleggen in dorpshuis De Brink", None, "henk", True),
        ("Flyer maken en ophangen bij de supermarkt", 10, "sanne", False),
        ("Koffie en thee regelen", 20, None, False),
        ("Eerste Repair Café houden", 24, "mohamed", False),
    ])  # fmt: skip
    await v.met("henk", rc, room)
    await v.status("henk", rc, "active")
    await v.news(
        "mohamed",
        rc,
        "De zaal is geregeld!",
        "Dorpshuis De Brink stelt de grote zaal gratis beschikbaar. Wie helpt er mee?",
    )
    await v.thread("henk", rc, "Vragen en ideeën over het Repair Café.", [
        ("jan", "Ik neem een extra verlengsnoer mee."),
        ("henk", "Top, dank je Jan!"),
    ])  # fmt: skip

    garden = await v.post(
        "gerrit",
        title="Buurtmoestuin 't Loo",
        summary="Een moestuin voor en door de buurt, met een bankje om bij te praten.",
        description="Op het braakliggende stuk naast de sporthal willen we groenten verbouwen. "
        "Iedereen mag helpen en oogsten. Ervaring is niet nodig.",
        village="Oldebroek",
        neighbourhood="'t Loo",
        tags="moestuin, groen, ontmoeten",
        status="looking_for_allies",
    )
    await v.need("gerrit", garden, "hands", "Handen om in maart de grond om te spitten")
    await v.need("gerrit", garden, "materials", "Planken voor zes plantenbakken")
    await v.join("bram", garden, "De grond naast de sporthal in bruikleen", org="gemeente")
    await v.join("anna", garden, "Ik kook met de oogst voor de buurt")
    await v.support("jan", garden)
    await v.plan("gerrit", garden, [
        ("Bruikleenovereenkomst met de gemeente tekenen", None, "bram", True),
        ("Plantenbakken timmeren", 30, None, False),
        ("Zaaischema maken", 14, "gerrit", False),
    ])  # fmt: skip

    party = await v.post(
        "fatima",
        org="buurtwerk",
        title="Straatfeest in de Brugse Poort",
        summary="Eén dag de straat autovrij, met lange tafels, muziek en eten uit alle keukens "
        "van de buurt.",
        description="We vragen Wijk aan Zet-budget aan; de jury beslist in maart. Wie kookt mee, "
        "wie zorgt voor muziek, wie helpt met opbouwen?",
        village="Gent",
        neighbourhood="Brugse Poort",
        tags="straatfeest, wijk aan zet, samenleven",
        status="looking_for_allies",
    )
    await v.need(
        "fatima", party, "money", "Wijk aan Zet-budget voor tafels, tent en muziek", amount="2.400"
    )
    await v.need("fatima", party, "materials", "Dertig klaptafels en stoelen lenen")
    await v.join("els", party, "Ik naai vlaggenlijnen van restjes stof")
    await v.plan("fatima", party, [
        ("Aanvraag Wijk aan Zet indienen", 12, "fatima", False),
        ("Vlaggenlijnen naaien", 60, "els", False),
        ("Muziek en podium regelen", 45, None, False),
    ])  # fmt: skip
    await v.thread("fatima", party, "Wie doet er mee met koken?", [
        ("els", "Ik maak waterzooi voor dertig mensen!"),
    ])  # fmt: skip

    doe = await v.post(
        "wim",
        org="bakkerij",
        title="Doe-plek: 2.000 folders vouwen voor de bakker",
        summary="De bakkerij vraagt hulp bij het vouwen van folders. Samen is het zo klaar.",
        description="Twee ochtenden in het buurthuis, met koffie en gebak van de bakker. "
        "Iedereen is welkom, ook als je niet lang kunt blijven.",
        village="Wezep",
        tags="doe-plek, samen, vrijwilligers",
        status="looking_for_allies",
    )
    await v.need("wim", doe, "hands", "Zes mensen voor twee ochtenden vouwen")
    await v.join("pieter", doe, "Wij zoeken vrijwilligers en regelen het buurthuis", "welzijn")
    await v.join("marieke", doe, "Ik kom dinsdagochtend")
    await v.coordinator("wim", doe, "pieter")
    await v.plan("pieter", doe, [
        ("Vouwtafels klaarzetten in het buurthuis", None, "pieter", True),
        ("Folders vouwen, dinsdagochtend", 7, "marieke", False),
        ("Folders vouwen, donderdagochtend", 9, None, False),
    ])  # fmt: skip
    await v.status("pieter", doe, "active")
    await v.news("wim", doe, "Koffie en gebak staan klaar", "Tot dinsdag in het buurthuis!")

    box = await v.post(
        "jan",
        title="Weggeefkast bij de bibliotheek",
        summary="Een kast waar je spullen in zet die een ander goed kan gebruiken.",
        description="Boeken, speelgoed, keukenspullen: breng wat je over hebt, neem mee wat je "
        "nodig hebt.",
        village="Hattem",
        tags="weggeefkast, delen, duurzaam",
        status="looking_for_allies",
    )
    cupboard = await v.need("jan", box, "materials", "Een oude boekenkast")
    await v.join("mohamed", box, "Ik schilder de kast")
    await v.plan("jan", box, [
        ("Kast ophalen met de aanhanger", None, "jan", True),
        ("Kast schilderen en een afdakje maken", None, "mohamed", True),
        ("Kast plaatsen bij de bibliotheek", None, "jan", True),
    ])  # fmt: skip
    await v.met("jan", box, cupboard)
    await v.status("jan", box, "active", "done")
    await v.news(
        "jan",
        box,
        "De weggeefkast staat er!",
        "Sinds zaterdag staat de kast naast de ingang van de bibliotheek. Na één dag was de "
        "helft van de boeken al weg.",
    )

    choir = await v.post(
        "marieke",
        title="Oefenruimte voor het buurtkoor",
        summary="Ons koor groeit: we zoeken een ruimte voor twintig zangers.",
        village="Oldebroek",
        neighbourhood="Oosterwolde",
        tags="zaal, muziek, koor",
    )
    await v.need("marieke", choir, "room", "Een ruimte op dinsdagavond, liefst met piano")
    await v.need("marieke", choir, "skills", "Iemand die ons wil dirigeren", skill="dirigeren")
    await v.support("anna", choir)

    desk = await v.post(
        "mohamed",
        title="Computerhulp voor ouderen",
        summary="Elke woensdagmiddag hulp met de telefoon, DigiD en videobellen.",
        village="Hattem",
        tags="digitaal, ouderen, hulp",
        status="looking_for_allies",
    )
    await v.need(
        "mohamed",
        desk,
        "skills",
        "Geduldige vrijwilligers die handig zijn met een smartphone",
        skill="ICT-hulp",
    )
    await v.support("anna", desk)
    await v.support("pieter", desk, org="welzijn")
    return {
        "repair_cafe": rc,
        "garden": garden,
        "street_party": party,
        "doe_plek": doe,
        "choir": choir,
        "desk": desk,
    }
