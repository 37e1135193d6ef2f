"""What an initiative needs to get going: skills, hands, materials, a room, money. Needs are part of
the core of an initiative: its initiators and coordinators add them and mark them met."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, ObjId
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new
from ..errors import Invalid, NotFound
from ..fields import SHORT_TEXT, choice, clean_text, item_id, parse_euros
from ..ids import new_item_id
from ..phrases import N_
from ..service import change_document, now
from ..vocabulary import NEED_KINDS
from .forms import NeedForm
from .rights import require_editor

if TYPE_CHECKING:
    from ..runtime import Node

SKILL_TEXT = 60
MAX_AMOUNT_CENTS = 100_000_000
"""€1,000,000: the schema's bound; Wijk aan Zet grants stop at €2,500, a roof at more."""


def _clean(form: NeedForm) -> dict[str, Any]:
    kind = choice("kind", form.kind, NEED_KINDS, label=N_("Soort behoefte"))
    need: dict[str, Any] = {
        "kind": kind,
        "description": clean_text(
            "description",
            form.description,
            label=N_("De omschrijving"),
            max_len=SHORT_TEXT,
            required=True,
        ),
    }
    skill = clean_text("skill", form.skill, label=N_("De vaardigheid"), max_len=SKILL_TEXT)
    if skill and kind == "skills":
        need["skill"] = skill
    amount = parse_euros("amount", form.amount)
    if kind == "money":
        if amount is None or amount <= 0:
            raise Invalid("amount", N_("Geef aan hoeveel geld nodig is, bijvoorbeeld 2.500."))
        if amount > MAX_AMOUNT_CENTS:
            raise Invalid("amount", N_("Het bedrag mag hoogstens € 1.000.000 zijn."))
        need["amount_cents"] = amount
    elif amount is not None:
        raise Invalid("amount", N_("Een bedrag hoort alleen bij een behoefte aan geld."))
    return need


def need_of(tx: Transaction, need_id: str) -> ObjId:
    need: ObjId = tx.get(tx.get(ROOT, "needs"), need_id)
    return need


def _editor_and_need(person_id: str, need_id: str) -> Callable[[dict[str, Any]], None]:
    """Changing an existing need: the person leads the initiative and the need is there."""

    def check(content: dict[str, Any]) -> None:
        require_editor(content, person_id)
        if not isinstance(content["needs"].get(need_id), dict):
            raise NotFound(N_("behoefte"))

    return check


async def add_need(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, form: NeedForm
) -> str:
    """Say what the initiative needs; returns the need's id."""
    me = require_login(acting)
    need = _clean(form)
    need_id = new_item_id()
    need.update(fulfilled=False, created_at=now(), created_by=me.person_id)
    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Behoefte toegevoegd",
        lambda tx, _doc: put_map(tx, tx.get(ROOT, "needs"), need_id, need),
        check=lambda content: require_editor(content, me.person_id),
    )
    return need_id


async def mark_need(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    need_id: str,
    fulfilled: bool,
) -> None:
    """Mark a need as met (or as open again)."""
    me = require_login(acting)
    need_id = item_id(need_id, N_("behoefte"))
    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Behoefte vervuld" if fulfilled else "Behoefte weer open",
        lambda tx, _doc: put_new(tx, need_of(tx, need_id), "fulfilled", fulfilled),
        check=_editor_and_need(me.person_id, need_id),
    )


async def remove_need(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, need_id: str
) -> None:
    """Take a need off the list (mistaken, or no longer needed)."""
    me = require_login(acting)
    need_id = item_id(need_id, N_("behoefte"))
    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Behoefte verwijderd",
        lambda tx, _doc: tx.delete(tx.get(ROOT, "needs"), need_id),
        check=_editor_and_need(me.person_id, need_id),
    )
