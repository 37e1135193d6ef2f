"""Realistic Dutch and Flemish demo content for trying a node out (`mekaar demo`).

Everything goes through the services residents use (accounts, profiles, initiatives, discussions),
one change per action, so the demo also walks the write path, the rights rules and the projection.
The practice behind it (Wijk aan Zet micro-grants, a Doe-plek task, repair cafés, finding a room,
"who nearby has the skill we need") is summarised in the project's context notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..impact.reporting import ReportForm, report_figures
from ..runtime import Node
from .alliance import add_alliance
from .discussions import add_discussions
from .events import add_event
from .grants import add_grant_call
from .initiatives import add_initiatives
from .jobs import add_job
from .people import DEMO_PASSWORD, DemoAccount, add_organisations, add_people
from .places import add_places
from .polls import add_poll

__all__ = ["DEMO_PASSWORD", "DemoAccount", "DemoResult", "fill_demo", "has_content"]


@dataclass
class DemoResult:
    people: int = 0
    organisations: int = 0
    initiatives: int = 0
    discussions: int = 0
    grant_calls: int = 0
    jobs: int = 0
    places: int = 0
    events: int = 0
    alliances: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


def has_content(node: Node) -> bool:
    """Whether the node holds any document: the demo only fills an empty node."""
    return next(iter(node.documents.store.ids()), None) is not None


async def fill_demo(node: Node) -> DemoResult:
    """Fill an empty node with people, organisations, initiatives, discussions, a grant call,
    places with rooms and an event, and commit."""
    async with node.sessions() as session:
        people, accounts = await add_people(node, session)
        organisations = await add_organisations(node, session, people)
        initiatives = await add_initiatives(node, session, people, organisations)
        discussions = await add_discussions(node, session, people)
        await add_grant_call(node, session, people, organisations, initiatives)
        await add_job(node, session, people, organisations, initiatives["doe_plek"])
        await add_poll(node, session, people, discussions)
        brink, *_others = await add_places(node, session, people, initiatives)
        await add_event(node, session, people, initiatives, brink)
        await report_figures(
            node, session, people["henk"], initiatives["repair_cafe"],
            ReportForm(people_reached="140", money_raised="312,50"),
        )  # fmt: skip
        await add_alliance(node, session)
        await session.commit()
    made = Counter(node.documents.read(doc_id)["type"] for doc_id in node.documents.store.ids())
    return DemoResult(
        people=made["person"],
        organisations=made["organisation"],
        initiatives=made["initiative"],
        discussions=made["discussion"],
        grant_calls=made["grant_call"],
        jobs=made["job"],
        places=made["place"],
        events=made["event"],
        alliances=made["alliance"],
        accounts=accounts,
    )
