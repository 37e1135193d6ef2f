"""What this node publishes in an alliance: its aggregate impact figures (node/impact) and the
skills directory of its residents who chose to show it (`in_alliance_directory` on their
profile): their display name and skills, nothing else. Hidden profiles stay out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..impact.figures import node_impact
from ..projection.hidden import visible
from ..projection.models import PersonRow

if TYPE_CHECKING:
    from ..runtime import Node

MAX_PEOPLE = 1000
MAX_SKILLS = 40


async def own_entry(node: Node, session: AsyncSession) -> dict[str, Any]:
    """village, figures (whole numbers by name) and skills (per person id: name, skills)."""
    impact = await node_impact(session, node.identity.node_id, node.identity.name, listed=False)
    figures = {
        **impact.figures.published(),
        "initiatives": impact.initiatives,
        **{f"initiatives_{phase}": n for phase, n in impact.by_phase.items()},
    }
    rows = await session.execute(
        select(PersonRow.id, PersonRow.display_name, PersonRow.skills)
        .where(
            PersonRow.origin_node == node.identity.node_id,
            PersonRow.in_alliance.is_(True),
            *(await visible(session, PersonRow.id, False)),
        )
        .order_by(PersonRow.display_name, PersonRow.id)
        .limit(MAX_PEOPLE)
    )
    skills = {
        person_id: {"name": name, "skills": list(listed)[:MAX_SKILLS]}
        for person_id, name, listed in rows.all()
        if name and listed
    }
    return {"village": node.identity.name[:80] or "?", "figures": figures, "skills": skills}
