"""This node's catalog document: its name and the documents it is the home of, replicated like any
other document so that peers can name the home village of what they receive and tell how much of a
node they hold.

The catalog is written by the node itself (Node.node_actor, new in every process) with an author
id equal to the catalog's own id (the node is not a person). It also carries the node's actor
bindings (node/trust/bindings.py) under `actors`: one for every resident's actor, and one for
each process's node actor, put by the first change that actor makes, so that a peer can check the
change before applying it (node/trust/vouchers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..documents.repository import Author
from ..errors import NotFound
from ..projection.catalog_id import catalog_id_of
from ..trust.bindings import make_binding

if TYPE_CHECKING:
    from ..runtime import Node


def node_author(node: Node) -> Author:
    """The node writing its own catalog: the catalog's id stands for the node (it is no person)."""
    return Author(catalog_id_of(node.identity.node_id), node.node_actor)


def with_own_binding(node: Node, edit: Any) -> Any:
    """A catalog edit that also puts the binding of this process's node actor, if the catalog
    lacks it: the first catalog change by a new actor carries the proof that it may write."""
    catalog_id = catalog_id_of(node.identity.node_id)

    def edit_and_bind(tx: Transaction, doc: Document) -> None:
        edit(tx, doc)
        actors = doc.get(ROOT, "actors")
        if actors is None:
            actors = tx.put_object(ROOT, "actors", ObjType.MAP)
        actor_hex = node.node_actor.hex()
        if doc.get(actors, actor_hex) is None:
            binding = make_binding(node.identity.signing_key, node.node_actor, catalog_id)
            tx.put(actors, actor_hex, binding.encode())

    return edit_and_bind


def bind_actors(node: Node, actors: list[tuple[bytes, str]]) -> int:
    """Vouch for residents' actors (actor, person id) in the catalog, each once, in one change;
    returns how many were new. Blocking."""
    _make_or_rename(node)
    catalog_id = catalog_id_of(node.identity.node_id)
    doc = node.documents.open(catalog_id)
    with node.documents.lock(catalog_id):
        holder = doc.get(ROOT, "actors")
        new = [
            (actor, person)
            for actor, person in dict(actors).items()
            if holder is None or doc.get(holder, actor.hex()) is None
        ]
    if not new:
        return 0
    bindings = [make_binding(node.identity.signing_key, actor, person) for actor, person in new]

    def put(tx: Transaction, doc: Document) -> None:
        holder = doc.get(ROOT, "actors")
        if holder is None:
            holder = tx.put_object(ROOT, "actors", ObjType.MAP)
        for binding in bindings:
            if doc.get(holder, binding.actor_hex) is None:
                tx.put(holder, binding.actor_hex, binding.encode())

    node.documents.change(
        catalog_id, node_author(node), "Actoren gebonden", with_own_binding(node, put)
    )
    for binding in bindings:  # they count here at once, not only once the catalog is read again
        node.vouchers.learn(binding, catalog_id)
    node.rights.forget()
    return len(new)


def bind_actor(node: Node, actor: bytes, person_id: str) -> bool:
    """Vouch for one resident's actor (once); returns whether it was new. Blocking."""
    return bind_actors(node, [(actor, person_id)]) == 1


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
            binding = make_binding(node.identity.signing_key, node.node_actor, catalog_id)
            actors = tx.put_object(ROOT, "actors", ObjType.MAP)
            tx.put(actors, node.node_actor.hex(), binding.encode())

        node.documents.create(
            "catalog", author, "Catalogus van de node", fill, document_id=catalog_id
        )
        return
    with node.documents.lock(catalog_id):
        current = doc.get(ROOT, "name")
    if current != name:
        node.documents.change(
            catalog_id,
            author,
            "Naam van de node",
            with_own_binding(node, lambda tx, _doc: tx.put(ROOT, "name", name)),
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

    node.documents.change(
        catalog_id, node_author(node), "Document toegevoegd", with_own_binding(node, add)
    )
    return node.documents.read(catalog_id)
