"""News from an initiative ("the garden beds are in!"), posted by its allies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT

from ..acting import Acting, require_login
from ..edits import put_map
from ..fields import LONG_TEXT, SHORT_TEXT, clean_text
from ..ids import new_item_id
from ..phrases import N_
from ..service import change_document, now
from .forms import UpdateForm
from .rights import require_worker

if TYPE_CHECKING:
    from ..runtime import Node


async def post_update(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, form: UpdateForm
) -> str:
    """Post news on the initiative; every ally who joined may. Returns the update's id."""
    me = require_login(acting)
    update = {
        "title": clean_text(
            "title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True
        ),
        "body": clean_text(
            "body",
            form.body,
            label=N_("Het bericht"),
            max_len=LONG_TEXT,
            required=True,
            multiline=True,
        ),
        "at": now(),
        "by": me.person_id,
    }
    update_id = new_item_id()
    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Nieuws geplaatst",
        lambda tx, _doc: put_map(tx, tx.get(ROOT, "updates"), update_id, update),
        check=lambda content: require_worker(content, me.person_id),
    )
    return update_id
