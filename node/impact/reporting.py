"""What an initiative's initiators report themselves: how many people it reached and how much
money it raised (gifts, sales). Optional figures on the initiative document; written by
initiators and coordinators only (the same rule as the initiative's core fields,
node/trust/rights.py). An empty field takes the figure out again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..errors import Invalid
from ..fields import parse_euros, whole_number
from ..initiatives.rights import require_editor
from ..phrases import N_
from ..projection.contributions import MAX_CENTS, MAX_PEOPLE
from ..service import change_document

if TYPE_CHECKING:
    from ..runtime import Node


class ReportForm(msgspec.Struct, kw_only=True):
    """people_reached: a whole number; money_raised: euros as typed ("2.500" or "12,50").
    Empty: not reported."""

    people_reached: str | int = ""
    money_raised: str | int = ""


def _clean(form: ReportForm) -> tuple[int | None, int | None]:
    reached = None
    if str(form.people_reached).strip():
        reached = whole_number(
            "people_reached", form.people_reached, label=N_("Bereikte mensen"), low=0,
            high=MAX_PEOPLE,
        )  # fmt: skip
    raised = parse_euros("money_raised", form.money_raised)
    if raised is not None and not 0 <= raised <= MAX_CENTS:
        raise Invalid("money_raised", N_("Het bedrag mag hoogstens € 1.000.000 zijn."))
    return reached, raised


async def report_figures(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, form: ReportForm
) -> None:
    me = require_login(acting)
    reached, raised = _clean(form)

    def check(content: dict[str, Any]) -> None:
        require_editor(content, me.person_id)

    def edit(tx: Transaction, doc: Document) -> None:
        for key, value in (("people_reached", reached), ("money_raised_cents", raised)):
            if value is None:
                if doc.get(ROOT, key) is not None:
                    tx.delete(ROOT, key)
            elif doc.get(ROOT, key) != value:
                tx.put(ROOT, key, value)

    await change_document(
        node, session, initiative_id, "initiative", me.author, "Impact gemeld", edit, check=check
    )
