"""Finding allies (medestanders): anyone logged in may support an initiative or join it with an
offer, and leave again; initiators make allies coordinators. An ally may act for an organisation
they are a member of: the municipality takes part like everyone else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjId
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new
from ..errors import Invalid
from ..fields import MEDIUM_TEXT, clean_text, document_id
from ..organisations.service import on_behalf_of
from ..phrases import N_
from ..service import change_document, now
from .forms import JoinForm
from .rights import EDITORS, require_initiator, role_in

if TYPE_CHECKING:
    from ..runtime import Node


def ally_of(tx: Transaction, person_id: str) -> ObjId:
    ally: ObjId = tx.get(tx.get(ROOT, "allies"), person_id)
    return ally


def _set_organisation(tx: Transaction, ally: Any, organisation: str | None) -> None:
    if organisation:
        put_new(tx, ally, "organisation", organisation)
    elif tx.get(ally, "organisation") is not None:
        tx.delete(ally, "organisation")


async def support_initiative(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    organisation: str | None = None,
) -> None:
    """Back the initiative as a supporter. Someone who already joined stays what they are."""
    me = require_login(acting)
    org = await on_behalf_of(node, organisation, me.person_id)

    def edit(tx: Transaction, _doc: Document) -> None:
        allies = tx.get(ROOT, "allies")
        ally = tx.get(allies, me.person_id)
        if ally is None:
            values: dict[str, Any] = {"role": "supporter", "since": now()}
            if org:
                values["organisation"] = org
            put_map(tx, allies, me.person_id, values)
        elif tx.get(ally, "role") == "supporter":
            _set_organisation(tx, ally, org)

    await change_document(
        node, session, initiative_id, "initiative", me.author, "Steunt het initiatief", edit
    )


async def join_initiative(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, form: JoinForm
) -> None:
    """Join as an ally with what one offers (a supporter becomes a joiner). Initiators and
    coordinators keep their role and update their offer."""
    me = require_login(acting)
    offer = clean_text(
        "offer", form.offer, label=N_("Wat je aanbiedt"), max_len=MEDIUM_TEXT, multiline=True
    )
    org = await on_behalf_of(node, form.organisation, me.person_id)

    def edit(tx: Transaction, _doc: Document) -> None:
        allies = tx.get(ROOT, "allies")
        ally = tx.get(allies, me.person_id)
        if ally is None:
            ally = put_map(tx, allies, me.person_id, {"role": "joiner", "since": now()})
        elif tx.get(ally, "role") == "supporter":
            tx.put(ally, "role", "joiner")
        if offer:
            put_new(tx, ally, "offer", offer)
        elif tx.get(ally, "offer") is not None:
            tx.delete(ally, "offer")
        _set_organisation(tx, ally, org)

    await change_document(
        node, session, initiative_id, "initiative", me.author, "Sluit zich aan", edit
    )


async def leave_initiative(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str
) -> None:
    """Stop being an ally. Tasks one had taken (not yet done) go back to open. The last initiator
    or coordinator cannot leave: someone has to be able to look after the initiative."""
    me = require_login(acting)

    def check(content: dict[str, Any]) -> None:
        if role_in(content, me.person_id) not in EDITORS:
            return
        others = [pid for pid in content["allies"] if pid != me.person_id]
        if not any(role_in(content, pid) in EDITORS for pid in others):
            raise Invalid(
                "allies",
                N_(
                    "Je bent de laatste initiatiefnemer of coördinator. "
                    "Maak eerst iemand anders coördinator."
                ),
            )

    def edit(tx: Transaction, doc: Document) -> None:
        tasks = tx.get(tx.get(ROOT, "plan"), "tasks")
        for task_id in doc.keys(tasks):
            task = tx.get(tasks, task_id)
            if tx.get(task, "owner") == me.person_id and tx.get(task, "status") == "taken":
                tx.put(task, "owner", None)
                tx.put(task, "status", "open")
        tx.delete(tx.get(ROOT, "allies"), me.person_id)

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Is geen medestander meer",
        edit,
        check=check,
    )


async def make_coordinator(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    person_id: str,
) -> None:
    """Give an ally the coordinator role: they may then edit the initiative like its initiators."""
    me = require_login(acting)
    person_id = document_id(person_id, N_("persoon"))

    def check(content: dict[str, Any]) -> None:
        require_initiator(content, me.person_id)
        role = role_in(content, person_id)
        if role is None:
            raise Invalid(
                "person_id", N_("Deze persoon is nog geen medestander van dit initiatief.")
            )
        if role == "initiator":
            raise Invalid("person_id", N_("Deze persoon is al initiatiefnemer."))

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Coördinator benoemd",
        lambda tx, _doc: put_new(tx, ally_of(tx, person_id), "role", "coordinator"),
        check=check,
    )
