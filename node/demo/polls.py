"""A decision in the demo: on the old school building in Wezep, a sense check with votes from
residents, open for another two weeks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting
from ..polls.forms import PollForm, VoteForm
from ..polls.service import start_poll, vote
from ..polls.views import get_poll
from ..runtime import Node

VOTES = [
    ("marieke", "Buurthuis met oefenruimte", "Dan kan het koor er terecht."),
    ("wim", "Buurthuis met oefenruimte", "Met een vaste Doe-plek erbij."),
    ("henk", "Ateliers", ""),
    ("anna", "Buurthuis met oefenruimte", ""),
    ("sanne", "Woningen voor jongeren", "Jongeren vinden hier geen huis."),
]


async def add_poll(
    node: Node, session: AsyncSession, people: dict[str, Acting], discussions: dict[str, str]
) -> str:
    about = discussions["Wat doen we met het oude schoolgebouw in Wezep?"]
    closes = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    options = ["Buurthuis met oefenruimte", "Ateliers", "Woningen voor jongeren"]
    poll = await start_poll(
        node,
        session,
        people["henk"],
        PollForm(
            title="Wat wordt het oude schoolgebouw?",
            kind="poll",
            details="De gemeente wil weten wat de buurt wil, voor de raad erover beslist.",
            about=about,
            options="\n".join(options),
            close_day=closes,
        ),
    )
    ids = {o.label: o.id for o in (await get_poll(node, poll)).options}
    for who, choice, reason in VOTES:
        await vote(node, session, people[who], poll, VoteForm(choice=ids[choice], reason=reason))
    return poll
