"""Content that arrives from another village, for tests: written through the document repository
with another node's id as origin_node, as replication stores it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from nacl.signing import SigningKey

from node.documents.repository import Author, DocumentRepository
from node.projection.catalog_id import catalog_id_of
from node.runtime import Node
from node.trust.bindings import make_binding
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id
from sync.repo.proof import node_id_of


def write_foreign_initiative(node: Node, title: str, description: str, tag: str) -> str:
    """An initiative whose origin_node is another node's id; returns its id (not yet projected).
    The other node vouches for its initiator, as if its catalog had arrived here too."""
    key = SigningKey.generate()
    other_node = node_id_of(key.verify_key)
    elsewhere = DocumentRepository(node.documents.store, other_node)
    stranger = Author(new_document_id(), secrets.token_bytes(16))
    node.vouchers.learn(
        make_binding(key, stranger.actor, stranger.person_id), catalog_id_of(other_node)
    )
    node.rights.forget()

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "title", title)
        tx.put(ROOT, "summary", title)
        text = tx.put_object(ROOT, "description", ObjType.TEXT)
        tx.splice_text(text, 0, 0, description)
        place = tx.put_object(ROOT, "place", ObjType.MAP)
        tx.put(place, "village", "Elders")
        tags = tx.put_object(ROOT, "tags", ObjType.LIST)
        tx.insert(tags, 0, tag)
        tx.put(ROOT, "status", "looking_for_allies")
        tx.put_object(ROOT, "needs", ObjType.MAP)
        allies = tx.put_object(ROOT, "allies", ObjType.MAP)
        ally = tx.put_object(allies, stranger.person_id, ObjType.MAP)
        tx.put(ally, "role", "initiator")
        tx.put(ally, "since", datetime.now(UTC))
        plan = tx.put_object(ROOT, "plan", ObjType.MAP)
        tx.put_object(plan, "tasks", ObjType.MAP)
        tx.put_object(ROOT, "updates", ObjType.MAP)

    return elsewhere.create("initiative", stranger, "Initiatief geplaatst", fill)


def initiator_actor(node: Node, doc_id: str) -> bytes:
    """The actor the initiator of an initiative wrote it with (to edit it as them)."""
    content = node.documents.read(doc_id)
    [actor] = [a for a, p in content["contributors"].items() if p == content["created_by"]]
    return bytes.fromhex(actor)


def foreign_person(node: Node) -> Author:
    """A resident of another village, vouched for by that village's node (as if its catalog
    had arrived here): what they write into a document here counts under the rights."""
    key = SigningKey.generate()
    other_node = node_id_of(key.verify_key)
    stranger = Author(new_document_id(), secrets.token_bytes(16))
    node.vouchers.learn(
        make_binding(key, stranger.actor, stranger.person_id), catalog_id_of(other_node)
    )
    node.rights.forget()
    return stranger


def write_foreign_discussion(node: Node, stranger: Author, title: str) -> str:
    """A discussion started in another village by `stranger` (from foreign_person); returns its
    id (not yet projected)."""
    other_node = new_document_id()
    elsewhere = DocumentRepository(node.documents.store, other_node)

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "title", title)
        intro = tx.put_object(ROOT, "intro", ObjType.TEXT)
        tx.splice_text(intro, 0, 0, "Van elders.")
        tx.put(ROOT, "initiative", None)
        place = tx.put_object(ROOT, "place", ObjType.MAP)
        tx.put(place, "village", "Elders")
        tx.put_object(ROOT, "tags", ObjType.LIST)
        tx.put_object(ROOT, "comments", ObjType.MAP)

    return elsewhere.create("discussion", stranger, "Gesprek gestart", fill)
