"""Making, joining and leaving an alliance, and keeping this node's own entry in it.

What the host asks (`mekaar alliance create/join/leave`) is only recorded here, in the local
table; the running node's keeper (node/alliance/keeper.py) then writes the document, so a CLI
command never writes documents behind a serving node's back. Creating picks the document id at
once, so the host can pass it on to the other villages' hosts (who `join` it).

Membership rule (docs/dialogue.md, Alliance): open to any node that holds the alliance's id; a
member node writes only its own entry (node/trust/rights.py), and leaves by taking it out. The
founding node words the name and description and nothing else: it cannot write or strike out
another node's entry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id

from ..errors import Invalid, NotFound
from ..fields import SHORT_TEXT, clean_text, document_id
from ..peers import service as peers
from ..phrases import N_
from ..projection import project
from ..projection.catalog_id import catalog_id_of
from ..replication.catalog import bind_actors, node_author, record
from .models import JOINED, LEAVING, AllianceMembershipRow

if TYPE_CHECKING:
    from ..runtime import Node

NOUN = N_("alliantie")


# ---------------------------------------------------------------------------------- the host


async def found(session: AsyncSession, name: str) -> str:
    """Record the wish to found an alliance; returns its id (the document follows)."""
    name = clean_text("name", name, label=N_("De naam"), max_len=SHORT_TEXT, required=True)
    alliance_id = new_document_id()
    session.add(
        AllianceMembershipRow(
            alliance_id=alliance_id, name=name, founding=True, state=JOINED, at=datetime.now(UTC)
        )
    )
    await session.flush()
    return alliance_id


async def join(session: AsyncSession, alliance_id: str) -> str:
    """Record the wish to join; the node asks its peers for the document and writes its entry
    once it holds it."""
    alliance_id = document_id(alliance_id.strip().removeprefix("automerge:"), NOUN)
    row = await session.get(AllianceMembershipRow, alliance_id)
    if row is None:
        session.add(
            AllianceMembershipRow(
                alliance_id=alliance_id, founding=False, state=JOINED, at=datetime.now(UTC)
            )
        )
    else:
        row.state = JOINED
    await peers.follow(session, alliance_id)
    await session.flush()
    return alliance_id


async def leave(session: AsyncSession, alliance_id: str | None) -> str:
    """Record the wish to leave (the only alliance, when no id is given)."""
    rows = await memberships(session)
    if alliance_id is None:
        if len(rows) != 1:
            raise Invalid("alliance", N_("Noem de alliantie: deze node is lid van meer dan één."))
        row = rows[0]
    else:
        found_row = next((r for r in rows if r.alliance_id == alliance_id.strip()), None)
        if found_row is None:
            raise NotFound(NOUN)
        row = found_row
    row.state = LEAVING
    await session.flush()
    return row.alliance_id


async def memberships(session: AsyncSession) -> list[AllianceMembershipRow]:
    return list(
        (
            await session.scalars(select(AllianceMembershipRow).order_by(AllianceMembershipRow.at))
        ).all()
    )


# ---------------------------------------------------------------------------------- the document


def holds(node: Node, alliance_id: str) -> bool:
    try:
        node.documents.open(alliance_id)
    except NotFound:
        return False
    return True


def _bind_node_actor(node: Node) -> None:
    """The actor this process writes as the node must be vouched for in the catalog before a
    peer will take its changes (a fresh actor per process), and known to this node's own rights
    view (the binding a catalog change carries for itself is not learned when written). Blocking."""
    catalog_id = catalog_id_of(node.identity.node_id)
    bind_actors(node, [(node.node_actor, catalog_id)])
    if node.vouchers.binding(node.node_actor) is None:
        node.rights.learn_catalog(catalog_id)


def make(node: Node, alliance_id: str, name: str) -> dict[str, Any]:
    """Make the alliance document at the id chosen when the host founded it. Blocking."""

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "name", name)
        tx.put(ROOT, "description", "")
        tx.put_object(ROOT, "members", ObjType.MAP)

    _bind_node_actor(node)
    node.documents.create(
        "alliance", node_author(node), f"Alliantie {name}", fill, document_id=alliance_id
    )
    record(node, alliance_id, "alliance")
    return node.documents.read(alliance_id)


def _same(old: Any, entry: dict[str, Any]) -> bool:
    if not isinstance(old, dict):
        return False
    return all(old.get(key) == entry[key] for key in ("village", "figures", "skills"))


def publish(node: Node, alliance_id: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Write this node's entry (village, figures, skills) when it differs from what the document
    holds; returns the new content, or None when nothing changed. Blocking."""
    me = node.identity.node_id
    content = node.documents.read(alliance_id)
    members = content.get("members")
    if content.get("type") != "alliance" or not isinstance(members, dict):
        return None
    old = members.get(me)
    if _same(old, entry):
        return None
    at = node.clock()

    def write(tx: Transaction, doc: Document) -> None:
        holder = doc.get(ROOT, "members")
        mine = tx.put_object(holder, me, ObjType.MAP)
        tx.put(mine, "village", entry["village"])
        tx.put(mine, "joined_at", old["joined_at"] if isinstance(old, dict) else at)
        tx.put(mine, "updated_at", at)
        figures = tx.put_object(mine, "figures", ObjType.MAP)
        for key, value in entry["figures"].items():
            tx.put(figures, key, value)
        skills = tx.put_object(mine, "skills", ObjType.MAP)
        for person_id, shown in entry["skills"].items():
            person = tx.put_object(skills, person_id, ObjType.MAP)
            tx.put(person, "name", shown["name"])
            listed = tx.put_object(person, "skills", ObjType.LIST)
            for index, skill in enumerate(shown["skills"]):
                tx.insert(listed, index, skill)

    _bind_node_actor(node)
    message = "Cijfers en vaardigheden bijgewerkt"
    node.documents.change(alliance_id, node_author(node), message, write)
    return node.documents.read(alliance_id)


def withdraw(node: Node, alliance_id: str) -> dict[str, Any] | None:
    """Take this node's entry out of the alliance (leaving). Blocking."""
    me = node.identity.node_id
    members = node.documents.read(alliance_id).get("members")
    if not isinstance(members, dict) or me not in members:
        return None

    def remove(tx: Transaction, doc: Document) -> None:
        tx.delete(doc.get(ROOT, "members"), me)

    _bind_node_actor(node)
    node.documents.change(alliance_id, node_author(node), "Alliantie verlaten", remove)
    return node.documents.read(alliance_id)


async def project_content(session: AsyncSession, content: dict[str, Any] | None) -> None:
    if content is not None:
        await project(session, content)
