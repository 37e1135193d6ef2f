"""Whether a document that arrived from elsewhere (a peer's sync, an imported export) may be shown,
and bringing it into the projection — or into quarantine with the reason when it may not.

Both ways in share this one rule, so a document refused from a peer is refused from an export too,
and a later change that repairs it releases it from quarantine whichever way that change came.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..documents.validation import problem_with
from ..notifications import news
from ..peers import service as peers
from ..projection import remove
from ..projection.batch import project_all, projected_kinds
from ..projection.locks import lock_projection

__all__ = ["Arrival", "admit", "admit_all", "problem_with"]


@dataclass(frozen=True, slots=True)
class Arrival:
    """A document to admit: its id, what it holds (`to_py()`) and where it came from."""

    document_id: str
    content: dict[str, Any]
    source: str


async def admit(
    session: AsyncSession, document_id: str, content: dict[str, Any], source: str
) -> str | None:
    """Project the document, or quarantine it naming `source` (a peer's name, an export); returns
    the reason it was quarantined, or None. The caller commits."""
    reasons = await admit_all(session, [Arrival(document_id, content, source)])
    return reasons.get(document_id)


async def admit_all(session: AsyncSession, arrivals: list[Arrival]) -> dict[str, str]:
    """`admit` for many documents (distinct ids) in a few statements per batch rather than per
    document; returns the reasons of those quarantined. The caller commits."""
    await lock_projection(session)  # first: what is projected now is read under it
    reasons: dict[str, str] = {}
    valid: list[Arrival] = []
    for arrival in arrivals:
        reason = problem_with(arrival.document_id, arrival.content)
        if reason is None:
            valid.append(arrival)
            continue
        reasons[arrival.document_id] = reason
        await remove(session, arrival.document_id)
        await peers.quarantine(session, arrival.document_id, reason, arrival.source)
    if not valid:
        return reasons
    ids = [a.document_id for a in valid]
    kinds = await projected_kinds(session, ids)
    for arrival in valid:
        # project() replaces the rows of the document's own type; rows of any other type are
        # only there when a peer changed the document's type
        if kinds.get(arrival.document_id, arrival.content["type"]) != arrival.content["type"]:
            await remove(session, arrival.document_id)
    # a document arriving for the first time has no rows to clear
    fresh = {i for i in ids if i not in kinds}
    before = await news.snapshot(session, [(a.document_id, a.content["type"]) for a in valid])
    built = await project_all(session, [a.content for a in valid], fresh)
    # nobody with an account here wrote what arrives from elsewhere: no actor to leave out
    await news.find(session, before, [a.content for a in valid], actor=None, rows=built)
    await peers.release_all(session, ids)
    return reasons
