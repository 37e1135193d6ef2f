"""Demo conversations about current topics in the villages, with replies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..discussions import CommentForm, DiscussionForm, comment, start_discussion
from ..runtime import Node

# starter, topic, [(speaker, body, index of the comment answered or None)]
TOPICS: list[tuple[str, DiscussionForm, list[tuple[str, str, int | None]]]] = [
    (
        "anna",
        DiscussionForm(
            title="Hoe houden we de bibliotheek in Oldebroek open?",
            intro="De bibliotheek gaat misschien minder uren open. Wat betekent de bibliotheek "
            "voor jou, en wat kunnen we samen doen?",
            village="Oldebroek",
            tags="bibliotheek, voorzieningen",
        ),
        [
            ("pieter", "Vrijwilligers kunnen een paar avonden openhouden. Wie doet mee?", None),
            ("bram", "De gemeente denkt graag mee. Ik nodig jullie uit voor een gesprek.", None),
            ("anna", "Fijn Bram, ik kom graag met een paar buren.", 1),
            ("lotte", "Mogen we het gesprek opnemen voor de radio?", None),
        ],
    ),
    (
        "sanne",
        DiscussionForm(
            title="Verkeersveiligheid op de Zuiderzeestraatweg",
            intro="Er wordt hard gereden langs de basisschool. Herkennen jullie dat?",
            village="Wezep",
            tags="verkeer, veiligheid, kinderen",
        ),
        [
            ("henk", "Ja, vooral 's ochtends. Een zebrapad zou helpen.", None),
            ("bram", "Ik zet het op de agenda van het verkeersoverleg in juni.", 0),
            ("sanne", "Dank je! Mogen bewoners daarbij zijn?", 1),
        ],
    ),
    (
        "henk",
        DiscussionForm(
            title="Wat doen we met het oude schoolgebouw in Wezep?",
            intro="Het gebouw staat al een jaar leeg. Een buurthuis? Ateliers? Woningen?",
            village="Wezep",
            tags="leegstand, ruimte",
        ),
        [
            ("marieke", "Een oefenruimte voor het koor zou geweldig zijn!", None),
            ("wim", "Misschien een vaste Doe-plek, elke week.", None),
        ],
    ),
]


async def add_discussions(
    node: Node, session: AsyncSession, people: dict[str, Acting]
) -> dict[str, str]:
    """Start the demo topics, with comments and replies; returns their ids by title."""
    made: dict[str, str] = {}
    for starter, form, talk in TOPICS:
        topic = await start_discussion(node, session, people[starter], form)
        made[form.title] = topic
        said: list[str] = []
        for speaker, body, answers in talk:
            reply_to = "" if answers is None else said[answers]
            form_comment = CommentForm(body=body, reply_to=reply_to)
            said.append(await comment(node, session, people[speaker], topic, form_comment))
    return made
