"""Whether a document that arrived from elsewhere (a peer's sync, an imported export) may be shown,
and bringing it into the projection — or into quarantine with the reason when it may not.

Both ways in share this one rule, so a document refused from a peer is refused from an export too,
and a later change that repairs it releases it from quarantine whichever way that change came.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..documents.validation import validate_document
from ..errors import Invalid
from ..peers import service as peers
from ..projection import project, remove


def problem_with(document_id: str, content: dict[str, Any]) -> str | None:
    """Why a document from elsewhere cannot be shown, or None when it can."""
    if content.get("id") != document_id:
        return f"het document noemt zich {content.get('id')!r}, niet {document_id!r}"
    try:
        validate_document(content)
    except Invalid as exc:
        return f"{exc.field}: {exc.message}"
    return None


async def admit(
    session: AsyncSession, document_id: str, content: dict[str, Any], source: str
) -> str | None:
    """Project the document, or quarantine it naming `source` (a peer's name, an export); returns
    the reason it was quarantined, or None. The caller commits."""
    reason = problem_with(document_id, content)
    await remove(session, document_id)
    if reason is None:
        await project(session, content)
        await peers.release(session, document_id)
    else:
        await peers.quarantine(session, document_id, reason, source)
    return reason
