"""Whether a document that arrived from elsewhere (a peer's sync, an imported export) may be shown,
and bringing it into the projection — or into quarantine with the reason when it may not.

Both ways in share this one rule, so a document refused from a peer is refused from an export too,
and a later change that repairs it releases it from quarantine whichever way that change came.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..documents.validation import problem_with
from ..peers import service as peers
from ..projection import project, remove
from ..projection.project import projected_kind

__all__ = ["admit", "problem_with"]


async def admit(
    session: AsyncSession, document_id: str, content: dict[str, Any], source: str
) -> str | None:
    """Project the document, or quarantine it naming `source` (a peer's name, an export); returns
    the reason it was quarantined, or None. The caller commits."""
    reason = problem_with(document_id, content)
    if reason is None:
        # project() replaces the rows of the document's own type; rows of any other type are
        # only there when a peer changed the document's type, which one query tells
        kind = await projected_kind(session, document_id)
        if kind not in (None, content["type"]):
            await remove(session, document_id)
        # a document arriving for the first time has no rows to clear: one query, not six deletes
        await project(session, content, fresh=kind is None)
        await peers.release(session, document_id)
    else:
        await remove(session, document_id)
        await peers.quarantine(session, document_id, reason, source)
    return reason
