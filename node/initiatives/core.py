"""Putting an initiative on the agenda, editing its core fields, and moving it along the path
idea → looking for allies → active → done (or pausing it on the way)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_list, put_map, put_new, replace_list, set_place, set_text
from ..errors import Invalid
from ..fields import (
    LONG_TEXT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    choice,
    clean_place,
    clean_tags,
    clean_text,
    parse_version,
)
from ..organisations.service import on_behalf_of
from ..phrases import N_, Phrase
from ..service import change_document, create_document, now
from ..vocabulary import STATUSES
from .forms import InitiativeForm, NewInitiative
from .rights import require_editor

if TYPE_CHECKING:
    from ..runtime import Node

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "idea": ("looking_for_allies", "active", "paused"),
    "looking_for_allies": ("idea", "active", "paused"),
    "active": ("looking_for_allies", "done", "paused"),
    "done": ("active",),
    "paused": ("idea", "looking_for_allies", "active"),
}
"""Where an initiative may go from each status: forward along the path, back a step when it needs
allies again, paused from anywhere but done, unpaused to where it stood, reopened when done."""

STATUS_LABELS = {
    "idea": N_("idee"),
    "looking_for_allies": N_("op zoek naar medestanders"),
    "active": N_("aan de slag"),
    "done": N_("afgerond"),
    "paused": N_("gepauzeerd"),
}
"""Statuses in words: Dutch msgids, for change messages (Dutch, kept in the document) and for
refusals (translated where they are shown)."""


def _clean(form: InitiativeForm) -> dict[str, Any]:
    return {
        "title": clean_text(
            "title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True
        ),
        "summary": clean_text(
            "summary",
            form.summary,
            label=N_("De samenvatting"),
            max_len=MEDIUM_TEXT,
            multiline=True,
        ),
        "description": clean_text(
            "description",
            form.description,
            label=N_("De beschrijving"),
            max_len=LONG_TEXT,
            multiline=True,
        ),
        "place": clean_place(form.village, form.neighbourhood),
        "tags": clean_tags(form.tags),
    }


async def post_initiative(
    node: Node, session: AsyncSession, acting: Acting | None, form: NewInitiative
) -> str:
    """Put an initiative on the agenda; the poster becomes its first initiator."""
    me = require_login(acting)
    values = _clean(form)
    status = choice("status", form.status, ("idea", "looking_for_allies"), label=N_("Status"))
    organisation = await on_behalf_of(node, form.organisation, me.person_id)

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "title", values["title"])
        tx.put(ROOT, "summary", values["summary"])
        set_text(tx, doc, ROOT, "description", values["description"])
        put_map(tx, ROOT, "place", values["place"])
        put_list(tx, ROOT, "tags", values["tags"])
        tx.put(ROOT, "status", status)
        tx.put_object(ROOT, "needs", ObjType.MAP)
        allies = tx.put_object(ROOT, "allies", ObjType.MAP)
        ally: dict[str, Any] = {"role": "initiator", "since": now()}
        if organisation:
            ally["organisation"] = organisation
        put_map(tx, allies, me.person_id, ally)
        plan = tx.put_object(ROOT, "plan", ObjType.MAP)
        tx.put_object(plan, "tasks", ObjType.MAP)
        tx.put_object(ROOT, "updates", ObjType.MAP)

    return await create_document(
        node, session, "initiative", me.author, "Initiatief geplaatst", fill
    )


async def edit_initiative(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    form: InitiativeForm,
) -> None:
    """Save the core fields as the form shows them. Only what the person changed is written, and
    the description is spliced, so concurrent edits by others (form.version) are kept."""
    me = require_login(acting)
    values = _clean(form)
    base_heads = parse_version(form.version)

    def edit(tx: Transaction, doc: Document) -> None:
        put_new(tx, ROOT, "title", values["title"])
        put_new(tx, ROOT, "summary", values["summary"])
        set_text(tx, doc, ROOT, "description", values["description"])
        set_place(tx, ROOT, values["place"])
        replace_list(tx, tx.get(ROOT, "tags"), values["tags"])

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        "Initiatief bijgewerkt",
        edit,
        check=lambda content: require_editor(content, me.person_id),
        base_heads=base_heads,
    )


async def change_status(
    node: Node, session: AsyncSession, acting: Acting | None, initiative_id: str, status: str
) -> None:
    """Move the initiative along its path (TRANSITIONS); initiators and coordinators only."""
    me = require_login(acting)
    status = choice("status", status, STATUSES, label=N_("Status"))

    def check(content: dict[str, Any]) -> None:
        require_editor(content, me.person_id)
        current = content["status"]
        if status != current and status not in TRANSITIONS.get(current, ()):
            raise Invalid(
                "status",
                N_("Een initiatief met status '%(current)s' kan niet naar '%(wanted)s'."),
                current=Phrase(STATUS_LABELS.get(current, current)),
                wanted=Phrase(STATUS_LABELS[status]),
            )

    await change_document(
        node,
        session,
        initiative_id,
        "initiative",
        me.author,
        f"Status: {STATUS_LABELS[status]}",
        lambda tx, _doc: put_new(tx, ROOT, "status", status),
        check=check,
    )
