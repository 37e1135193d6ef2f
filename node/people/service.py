"""A person's public profile: created once when someone registers on this node, edited only by that
person. The profile's document id is the person id everything else refers to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..documents.repository import Author
from ..edits import put_list, put_map, put_new, replace_list, set_place
from ..errors import Invalid, PermissionDenied
from ..fields import MEDIUM_TEXT, clean_list, clean_place, clean_text
from ..phrases import N_
from ..service import change_document, create_document
from .forms import ProfileForm

if TYPE_CHECKING:
    from ..runtime import Node

NAME_TEXT = 80
SKILL_TEXT = 60
OFFER_TEXT = 200
MAX_SKILLS = 40


def _clean(form: ProfileForm) -> dict[str, Any]:
    return {
        "display_name": clean_text(
            "display_name", form.display_name, label=N_("Je naam"), max_len=NAME_TEXT, required=True
        ),
        "place": clean_place(form.village, form.neighbourhood),
        "skills": clean_list(
            "skills",
            form.skills,
            label=N_("Vaardigheden"),
            max_items=MAX_SKILLS,
            max_len=SKILL_TEXT,
        ),
        "offers": clean_list(
            "offers",
            form.offers,
            label=N_("Wat je aanbiedt"),
            max_items=MAX_SKILLS,
            max_len=OFFER_TEXT,
            separators="\n",
        ),
        "about": clean_text(
            "about", form.about, label=N_("Over jou"), max_len=MEDIUM_TEXT, multiline=True
        ),
        "in_alliance_directory": form.in_alliance_directory in (True, "on", "true", "1"),
    }


async def create_profile(
    node: Node, session: AsyncSession, form: ProfileForm, *, actor: bytes
) -> str:
    """Create the profile of a person registering here and return their person id.

    `actor` is the person's Automerge actor on this node (kept with their account); the profile
    is written by it and names itself as creator, since a person id is its profile's id.
    """
    if not isinstance(actor, bytes) or not 1 <= len(actor) <= 32:
        raise Invalid("actor", N_("Een Automerge-actor is 1 tot 32 bytes."))
    values = _clean(form)

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "display_name", values["display_name"])
        put_map(tx, ROOT, "place", values["place"])
        put_list(tx, ROOT, "skills", values["skills"])
        put_list(tx, ROOT, "offers", values["offers"])
        tx.put(ROOT, "about", values["about"])
        if values["in_alliance_directory"]:
            tx.put(ROOT, "in_alliance_directory", True)

    author = Author(person_id="", actor=actor)  # self_authored: the profile's id is the person id
    return await create_document(
        node, session, "person", author, "Profiel aangemaakt", fill, self_authored=True
    )


async def edit_profile(
    node: Node, session: AsyncSession, acting: Acting | None, person_id: str, form: ProfileForm
) -> None:
    """Change one's own profile; nobody else may."""
    me = require_login(acting)
    values = _clean(form)

    def check(content: dict[str, Any]) -> None:
        if content["id"] != me.person_id:
            raise PermissionDenied(N_("Je kunt alleen je eigen profiel aanpassen."))

    def edit(tx: Transaction, doc: Document) -> None:
        shown = values["in_alliance_directory"]
        if shown or doc.get(ROOT, "in_alliance_directory") is not None:
            put_new(tx, ROOT, "in_alliance_directory", shown)
        put_new(tx, ROOT, "display_name", values["display_name"])
        set_place(tx, ROOT, values["place"])
        replace_list(tx, tx.get(ROOT, "skills"), values["skills"])
        replace_list(tx, tx.get(ROOT, "offers"), values["offers"])
        put_new(tx, ROOT, "about", values["about"])

    await change_document(
        node, session, person_id, "person", me.author, "Profiel bijgewerkt", edit, check=check
    )
