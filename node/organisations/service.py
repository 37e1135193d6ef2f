"""Organisations (the municipality, the local broadcaster, a food bank, a shop) are ordinary
participants: their admins edit the organisation's own document and its member list, nothing more.
Members may act for the organisation when they support or join an initiative."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, put_new, set_place, set_text
from ..errors import Invalid, PermissionDenied
from ..fields import LONG_TEXT, choice, clean_place, clean_text, document_id, parse_version
from ..phrases import N_
from ..service import change_document, create_document, now, read_document
from ..vocabulary import ORGANISATION_KINDS
from .forms import MEMBER_ROLES, MemberForm, OrganisationForm

if TYPE_CHECKING:
    from ..runtime import Node

NAME_TEXT = 120
WEBSITE_TEXT = 300
_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _clean(form: OrganisationForm) -> dict[str, Any]:
    website = clean_text("website", form.website, label=N_("De website"), max_len=WEBSITE_TEXT)
    if website and not _WEBSITE.match(website):
        raise Invalid("website", N_("Geef een webadres dat begint met https:// of http://."))
    return {
        "name": clean_text(
            "name", form.name, label=N_("De naam"), max_len=NAME_TEXT, required=True
        ),
        "kind": choice("kind", form.kind, ORGANISATION_KINDS, label=N_("Soort organisatie")),
        "about": clean_text(
            "about", form.about, label=N_("De beschrijving"), max_len=LONG_TEXT, multiline=True
        ),
        "place": clean_place(form.village, form.neighbourhood),
        "website": website,
    }


def member_role(content: dict[str, Any], person_id: str) -> str | None:
    member = content.get("members", {}).get(person_id)
    return member.get("role") if isinstance(member, dict) else None


def _require_admin(content: dict[str, Any], person_id: str) -> None:
    if member_role(content, person_id) != "admin":
        raise PermissionDenied(N_("Alleen beheerders van deze organisatie kunnen dit aanpassen."))


def _admins(content: dict[str, Any]) -> set[str]:
    return {pid for pid in content.get("members", {}) if member_role(content, pid) == "admin"}


async def require_member(node: Node, organisation_id: str, person_id: str) -> str:
    """Refuse acting for an organisation one is not a member of; returns its name."""
    content = await read_document(node, organisation_id, "organisation")
    if member_role(content, person_id) is None:
        raise PermissionDenied(
            N_("Je kunt alleen namens %(organisation)s meedoen als je er lid van bent."),
            organisation=str(content["name"]),
        )
    return str(content["name"])


async def on_behalf_of(node: Node, organisation: str | None, person_id: str) -> str | None:
    """The organisation a person acts for (None: for themselves); refused unless they are one of
    its members."""
    if not organisation:
        return None
    organisation = document_id(organisation, N_("organisatie"))
    await require_member(node, organisation, person_id)
    return organisation


async def create_organisation(
    node: Node, session: AsyncSession, acting: Acting | None, form: OrganisationForm
) -> str:
    """Register an organisation; whoever creates it becomes its first admin."""
    me = require_login(acting)
    values = _clean(form)

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "name", values["name"])
        tx.put(ROOT, "kind", values["kind"])
        set_text(tx, doc, ROOT, "about", values["about"])
        put_map(tx, ROOT, "place", values["place"])
        if values["website"]:
            tx.put(ROOT, "website", values["website"])
        members = tx.put_object(ROOT, "members", ObjType.MAP)
        put_map(tx, members, me.person_id, {"role": "admin", "since": now()})

    message = f"Organisatie {values['name']} aangemaakt"
    return await create_document(node, session, "organisation", me.author, message, fill)


async def edit_organisation(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    organisation_id: str,
    form: OrganisationForm,
) -> None:
    me = require_login(acting)
    values = _clean(form)
    base_heads = parse_version(form.version)

    def edit(tx: Transaction, doc: Document) -> None:
        put_new(tx, ROOT, "name", values["name"])
        put_new(tx, ROOT, "kind", values["kind"])
        set_text(tx, doc, ROOT, "about", values["about"])
        set_place(tx, ROOT, values["place"])
        if values["website"]:
            put_new(tx, ROOT, "website", values["website"])
        elif tx.get(ROOT, "website") is not None:
            tx.delete(ROOT, "website")

    await change_document(
        node,
        session,
        organisation_id,
        "organisation",
        me.author,
        "Organisatie bijgewerkt",
        edit,
        check=lambda content: _require_admin(content, me.person_id),
        base_heads=base_heads,
    )


async def add_member(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    organisation_id: str,
    form: MemberForm,
) -> None:
    """Add a person (or change their role); admins only. The person's profile must be known here."""
    me = require_login(acting)
    role = choice("role", form.role, MEMBER_ROLES, label=N_("Rol"))
    person_id = document_id(form.person_id, N_("persoon"))
    await read_document(node, person_id, "person")

    def check(content: dict[str, Any]) -> None:
        _require_admin(content, me.person_id)
        if role != "admin" and _admins(content) == {person_id}:
            raise Invalid("role", N_("Een organisatie heeft minstens één beheerder nodig."))

    def edit(tx: Transaction, _doc: Document) -> None:
        members = tx.get(ROOT, "members")
        member = tx.get(members, person_id)
        if member is None:
            put_map(tx, members, person_id, {"role": role, "since": now()})
        else:
            put_new(tx, member, "role", role)

    await change_document(
        node,
        session,
        organisation_id,
        "organisation",
        me.author,
        "Lid toegevoegd" if role == "member" else "Beheerder toegevoegd",
        edit,
        check=check,
    )


async def remove_member(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    organisation_id: str,
    person_id: str,
) -> None:
    """Admins remove members; anyone may leave an organisation themselves. The last admin stays."""
    me = require_login(acting)
    person_id = document_id(person_id, N_("persoon"))

    def check(content: dict[str, Any]) -> None:
        if person_id != me.person_id:
            _require_admin(content, me.person_id)
        if member_role(content, person_id) is None:
            raise Invalid("person_id", N_("Deze persoon is geen lid van de organisatie."))
        if _admins(content) == {person_id}:
            raise Invalid("person_id", N_("Een organisatie heeft minstens één beheerder nodig."))

    await change_document(
        node,
        session,
        organisation_id,
        "organisation",
        me.author,
        "Lid vertrokken" if person_id == me.person_id else "Lid verwijderd",
        lambda tx, _doc: tx.delete(tx.get(ROOT, "members"), person_id),
        check=check,
    )
