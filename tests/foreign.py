"""Content that arrives from another village, for tests: written through the document repository
with another node's id as origin_node, as replication stores it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import base58

from node.documents.repository import Author, DocumentRepository
from node.runtime import Node
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id


def write_foreign_initiative(node: Node, title: str, description: str, tag: str) -> str:
    """An initiative whose origin_node is another node's id; returns its id (not yet projected)."""
    other_node = base58.b58encode(secrets.token_bytes(32)).decode("ascii")
    elsewhere = DocumentRepository(node.documents.store, other_node)
    stranger = Author(new_document_id(), secrets.token_bytes(16))

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
