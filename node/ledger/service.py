"""Writing the community currency (docs/practices.md §3): this node's ledger gets an earn entry
when an owner confirms hours given to a job, a pending spend when a participating partner takes
credits from someone, and, for this node's own residents only, the confirmation or refusal of
each of their spends, wherever it was written. Confirming happens here in one order (the
`clerk`), under the ledger's lock: the same credits are never confirmed twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..documents.repository import Author
from ..edits import put_map
from ..errors import Invalid, NotFound, PermissionDenied
from ..fields import MEDIUM_TEXT, clean_text, document_id
from ..ids import new_item_id
from ..organisations import member_role
from ..phrases import N_
from ..replication.catalog import node_author, record
from ..service import read_document
from .book import Entry, read_book, spent_by_home
from .ids import ledger_id_of
from .minutes import parse_minutes

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.ledger")


class PartnerForm(msgspec.Struct, kw_only=True):
    """offer: what credits buy there ("een uur = koffie en taart", "fietsreparatie")."""

    offer: str = ""


class ChargeForm(msgspec.Struct, kw_only=True):
    """A partner takes credits from someone: person (their id), amount in hours ("1,5", "1:30",
    "90 min"), what for."""

    person: str
    amount: str | int
    what: str


def our_ledger(node: Node) -> str:
    return ledger_id_of(node.identity.node_id)


def ensure_ledger(node: Node) -> str:
    """This node's ledger, made (and listed in the catalog) the first time. Blocking."""
    ledger_id = our_ledger(node)
    with node.documents.lock(ledger_id):
        try:
            node.documents.open(ledger_id)
            return ledger_id
        except NotFound:
            pass

        def fill(tx: Transaction, _doc: Document) -> None:
            for key in ("entries", "confirmations", "partners"):
                tx.put_object(ROOT, key, ObjType.MAP)

        node.documents.create(
            "ledger", node_author(node), "Grootboek van de node", fill, document_id=ledger_id
        )
    record(node, ledger_id, "ledger")
    return ledger_id


def home_of(node: Node, person_id: str) -> str:
    """The node a person belongs to, as their profile's first change says (NotFound when the
    profile is not held here)."""
    doc = node.documents.open(document_id(person_id, N_("persoon")))
    with node.documents.lock(person_id):
        if doc.get(ROOT, "type") != "person":
            raise NotFound(N_("persoon"))
        roots = [c.hash for c in doc.changes_since([]) if not c.deps]
        home = doc.get(ROOT, "origin_node", heads=[min(roots)]) if roots else None
    if not isinstance(home, str):
        raise NotFound(N_("persoon"))
    return home


def add_entry(node: Node, author: Author, values: dict[str, Any], message: str) -> str:
    """One entry in this node's ledger, written by `author`. Blocking."""
    ledger_id = ensure_ledger(node)
    entry_id = new_item_id()
    node.documents.change(
        ledger_id,
        author,
        message,
        lambda tx, _doc: put_map(tx, tx.get(ROOT, "entries"), entry_id, values),
    )
    return entry_id


def add_earning(
    node: Node, author: Author, job_id: str, hours_id: str, person: str, minutes: int
) -> str:
    """The credits for confirmed hours, in the confirming node's ledger. Blocking."""
    values = {
        "kind": "earn",
        "person": person,
        "minutes": minutes,
        "at": node.clock(),
        "by": author.person_id,
        "home": _home_or_here(node, person),
        "job": job_id,
        "hours": hours_id,
    }
    return add_entry(node, author, values, "Uren omgezet in Doe-punten")


def _home_or_here(node: Node, person: str) -> str:
    try:
        return home_of(node, person)
    except NotFound:
        return node.identity.node_id


def confirm_pending(node: Node) -> list[tuple[Entry, bool]]:
    """Answer every spend by this node's residents that this node has not answered yet, oldest
    first, against what each has then: yes while the balance covers it, no otherwise. One
    change; returns what was answered. Blocking, under the ledger's lock (one clerk at a time).
    """
    ledger_id = our_ledger(node)
    home = node.identity.node_id
    with node.documents.lock(ledger_id):
        book = read_book(node)
        waiting = spent_by_home(book, home)
        if not waiting:
            return []
        ensure_ledger(node)  # a node whose residents never spent has none yet
        answers: list[tuple[Entry, bool]] = []
        for person, spends in waiting.items():
            left = book.balance(person)
            for entry in spends:
                ok = entry.minutes <= left
                if ok:
                    left -= entry.minutes
                answers.append((entry, ok))
        at = node.clock()

        def answer(tx: Transaction, _doc: Document) -> None:
            confirmations = tx.get(ROOT, "confirmations")
            for entry, ok in answers:
                said = {"ok": ok, "at": at}
                if not ok:
                    said["reason"] = "Het saldo was te laag toen de thuisnode de betaling zag."
                put_map(tx, confirmations, entry.key, said)

        node.documents.change(ledger_id, node_author(node), "Betalingen bevestigd", answer)
    for entry, ok in answers:
        log.info(
            "spend %s of %d min by %s %s",
            entry.key,
            entry.minutes,
            entry.person,
            "confirmed" if ok else "refused: balance too low",
        )
    return answers


async def join_as_partner(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    organisation_id: str,
    form: PartnerForm,
) -> None:
    """An organisation's admin lets it take Doe-punten, with what they buy there."""
    me = require_login(acting)
    organisation = await read_document(node, organisation_id, "organisation")
    if member_role(organisation, me.person_id) != "admin":
        raise PermissionDenied(N_("Alleen beheerders van de organisatie kunnen dit."))
    offer = clean_text("offer", form.offer, label=N_("Het aanbod"), max_len=MEDIUM_TEXT)

    def write() -> None:
        ledger_id = ensure_ledger(node)
        values = {"since": node.clock(), "by": me.person_id, **({"offer": offer} if offer else {})}
        node.documents.change(
            ledger_id,
            me.author,
            "Partner van de Doe-punten",
            lambda tx, _doc: put_map(tx, tx.get(ROOT, "partners"), organisation["id"], values),
        )

    await asyncio.to_thread(write)


async def charge(
    node: Node, session: AsyncSession, acting: Acting | None, organisation_id: str, form: ChargeForm
) -> tuple[str, bool | None]:
    """A member of a participating partner takes credits from someone. Pending until the
    person's home node confirms it; on the home node itself that happens at once. Refused here
    already when what this node knows does not cover it. Returns the entry id and the home's
    answer (None: pending, the home is elsewhere)."""
    me = require_login(acting)
    organisation = await read_document(node, organisation_id, "organisation")
    if member_role(organisation, me.person_id) is None:
        raise PermissionDenied(N_("Alleen leden van de organisatie rekenen af."))
    minutes = parse_minutes("amount", form.amount)
    what = clean_text("what", form.what, label=N_("Waarvoor"), max_len=MEDIUM_TEXT, required=True)
    person = document_id(form.person, N_("persoon"))

    def write() -> tuple[str, bool | None]:
        book = read_book(node)
        if organisation["id"] not in book.partners:
            raise Invalid("person", N_("Deze organisatie neemt (nog) geen Doe-punten aan."))
        home = home_of(node, person)
        pending = sum(
            e.minutes for e, state in book.of(person) if e.kind == "spend" and state == "pending"
        )
        if minutes > book.balance(person) - pending:
            raise Invalid("amount", N_("Het saldo is te laag voor deze betaling."))
        values = {
            "kind": "spend",
            "person": person,
            "minutes": minutes,
            "at": node.clock(),
            "by": me.person_id,
            "home": home,
            "partner": organisation["id"],
            "what": what,
        }
        entry_id = add_entry(node, me.author, values, "Betaald met Doe-punten")
        if home != node.identity.node_id:
            return entry_id, None
        key = f"{our_ledger(node)}/{entry_id}"
        answered = dict((e.key, ok) for e, ok in confirm_pending(node))
        return entry_id, answered.get(key)

    return await asyncio.to_thread(write)
