"""This node's catalog document: its name and the documents it is the home of, replicated like any
other document so that peers can name the home village of what they receive and tell how much of a
node they hold.

The catalog is written by the node itself (Node.node_actor, new in every process) with an author
id equal to the catalog's own id (the node is not a person).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..documents.repository import Author
from ..errors import NotFound
from ..projection.catalog_id import catalog_id_of

if TYPE_CHECKING:
    from ..runtime import Node


def node_author(node: Node) -> Author:
    """The node writing its own catalog: the catalog's id stands for the node (it is no person)."""
    return Author(catalog_id_of(node.identity.node_id), node.node_actor)


def _own_documents(node: Node) -> dict[str, str]:
    """Every stored document this node is the home of (used once, when the catalog is made)."""
    found: dict[str, str] = {}
    for doc_id in node.documents.store.ids():
        try:
            doc = node.documents.open(doc_id)
        except NotFound:
            continue
        with node.documents.lock(doc_id):
            origin, doc_type = doc.get(ROOT, "origin_node"), doc.get(ROOT, "type")
        if origin == node.identity.node_id and isinstance(doc_type, str) and doc_type != "catalog":
            found[doc_id] = doc_type
    return found


def _make_or_rename(node: Node) -> None:
    """Make the catalog (listing what is already here), or rename it when the node was renamed;
    reads only its name, not the whole catalog, since every new document passes here."""
    name = node.identity.name
    catalog_id = catalog_id_of(node.identity.node_id)
    author = node_author(node)
    try:
        doc = node.documents.open(catalog_id)
    except NotFound:
        own = _own_documents(node)

        def fill(tx: Transaction, _doc: Document) -> None:
            tx.put(ROOT, "name", name)
            documents = tx.put_object(ROOT, "documents", ObjType.MAP)
            for doc_id, doc_type in sorted(own.items()):
                tx.put(documents, doc_id, doc_type)

        node.documents.create(
            "catalog", author, "Catalogus van de node", fill, document_id=catalog_id
        )
        return
    with node.documents.lock(catalog_id):
        current = doc.get(ROOT, "name")
    if current != name:
        node.documents.change(
            catalog_id, author, "Naam van de node", lambda tx, _doc: tx.put(ROOT, "name", name)
        )


def ensure_catalog(node: Node) -> dict[str, Any]:
    """The catalog's content, made or renamed when needed. Blocking: call it from a worker
    thread."""
    _make_or_rename(node)
    return node.documents.read(catalog_id_of(node.identity.node_id))


def record(node: Node, doc_id: str, doc_type: str) -> dict[str, Any]:
    """List a document made here in the catalog; returns the catalog's content. Blocking."""
    _make_or_rename(node)
    catalog_id = catalog_id_of(node.identity.node_id)

    def add(tx: Transaction, doc: Document) -> None:
        documents = doc.get(ROOT, "documents")
        tx.put(documents, doc_id, doc_type)

    node.documents.change(catalog_id, node_author(node), "Document toegevoegd", add)
    return node.documents.read(catalog_id)
