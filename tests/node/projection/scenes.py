"""A small village with initiatives, people and discussions, projected, for the query tests."""

from __future__ import annotations

from dataclasses import dataclass

from node.projection import project
from node.runtime import Node

from . import builders as b


@dataclass(frozen=True)
class Village:
    ann: str  # Oldebroek, Centrum: initiator of the garden
    bob: str  # Oldebroek, Centrum: can prune, supports the garden
    cas: str  # Oldebroek, Zuid: can prune
    dirk: str  # Elburg: offers pruning
    eva: str  # Oldebroek, Centrum: joiner of the garden, can prune
    garden: str  # Oldebroek / Centrum, tags groen+school, needs skills (snoeien) and hands
    repair: str  # Oldebroek / Zuid, tag repair, active, needs money (fulfilled)
    party: str  # Elburg, tag feest, idea, needs room
    bench_talk: str  # discussion about benches, linked to the garden
    market_talk: str  # discussion in Elburg
    municipality: str


def build(node: Node) -> Village:
    ann = b.person(node, "Ann", neighbourhood="Centrum", skills=["Koken"])
    bob = b.person(node, "Bob", neighbourhood="Centrum", skills=["Snoeien", "timmeren"])
    cas = b.person(node, "Cas", neighbourhood="Zuid", skills=["bomen snoeien"])
    dirk = b.person(
        node, "Dirk", village="Elburg", offers=["Ik wil graag helpen met snoeien in het voorjaar"]
    )
    eva = b.person(node, "Eva", neighbourhood="Centrum", skills=["snoeien"])
    garden = b.initiative(
        node,
        ann,
        "Moestuin bij de school",
        summary="Samen groente kweken met de kinderen van de basisschool",
        description="We zoeken mensen die willen helpen met de bakken en het snoeien.",
        neighbourhood="Centrum",
        tags=["Groen", "school"],
        allies={bob: "supporter", eva: "joiner"},
        needs=[
            b.need("skills", "Iemand die fruitbomen kan snoeien", skill="snoeien", by=ann),
            b.need("hands", "Helpen spitten", by=ann),
        ],
        tasks=[
            b.task("Zaad kopen", by=ann, owner=eva, due=(b.T0.date().isoformat())),
            b.task("Bakken timmeren", by=ann, owner=eva, status="done", done_at=b.at(2)),
            b.task("Gieter halen", by=ann, owner=eva),
        ],
        updates=[("Start", "We zijn begonnen", b.at(5))],
    )
    repair = b.initiative(
        node,
        cas,
        "Repair café in het buurthuis",
        summary="Elke maand samen spullen repareren in plaats van weggooien",
        description="Fietsen, lampen en kleding: alles wat stuk is.",
        neighbourhood="Zuid",
        tags=["repair", "groen"],
        status="active",
        allies={ann: "coordinator"},
        needs=[b.need("money", "Gereedschap", amount_cents=30000, fulfilled=True, by=cas)],
        updates=[("Eerste keer", "Twintig fietsen gemaakt", b.at(3))],
    )
    party = b.initiative(
        node,
        dirk,
        "Straatfeest",
        summary="Een feest voor de hele straat, met een moestuin-markt",
        village="Elburg",
        tags=["feest"],
        status="idea",
        needs=[b.need("room", "Een zaal bij slecht weer", by=dirk)],
        updates=[("Idee", "Wie doet mee?", b.at(1))],
    )
    bench_talk = b.discussion(
        node,
        bob,
        "Bankjes bij de moestuin",
        intro="Waar zetten we de bankjes neer?",
        initiative_id=garden,
        neighbourhood="Centrum",
        tags=["groen"],
        comments=[(ann, "Bij de ingang", b.at(6)), (cas, "Onder de boom", b.at(7))],
    )
    market_talk = b.discussion(
        node,
        dirk,
        "Weekmarkt op zaterdag",
        intro="Zullen we de markt verplaatsen?",
        village="Elburg",
    )
    municipality = b.organisation(node, ann, "Gemeente Oldebroek", members={bob: "member"})
    return Village(
        ann, bob, cas, dirk, eva, garden, repair, party, bench_talk, market_talk, municipality
    )


async def project_all(node: Node) -> None:
    async with node.sessions() as session:
        for doc_id in node.documents.store.ids():
            await project(session, node.documents.read(doc_id))
        await session.commit()
