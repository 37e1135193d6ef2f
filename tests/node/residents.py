"""A node in a temp data folder with residents acting through the domain services.

Tests stay synchronous (no pytest-asyncio): each action runs in its own `asyncio.run` with its own
session, committed the way a request commits, on a NullPool engine (no connection outlives a loop).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from node.acting import Acting
from node.identity import init_node
from node.initiatives import NewInitiative, post_initiative
from node.people import ProfileForm, create_profile
from node.projection.catalog_id import catalog_id_of
from node.replication.catalog import bind_actor
from node.runtime import Node
from node.settings import Settings
from sync.automerge import Change, Document, decode_change
from sync.document_id import new_document_id

UNKNOWN_ID = new_document_id()
"""A well-formed document id no node holds."""


class Town:
    def __init__(self, node: Node) -> None:
        self.node = node

    def act(self, service: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """`service(node, session, *args)` in one session, committed like a request."""

        async def run() -> Any:
            async with self.node.sessions() as session:
                result = await service(self.node, session, *args, **kwargs)
                await session.commit()
                return result

        return asyncio.run(run())

    def query(self, query: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """A projection query `query(session, ...)`."""

        async def run() -> Any:
            async with self.node.sessions() as session:
                return await query(session, *args, **kwargs)

        return asyncio.run(run())

    def read(self, view: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
        """A read model `view(node, *args)`."""
        return asyncio.run(view(self.node, *args))

    def resident(self, name: str, **profile: Any) -> Acting:
        actor = os.urandom(16)
        form = ProfileForm(display_name=name, **profile)
        person_id = self.act(create_profile, form, actor=actor)
        bind_actor(self.node, actor, person_id)  # as registration does: the node vouches for it
        return Acting(person_id, actor, name)

    def initiative(self, by: Acting, title: str = "Repair Café Wezep", **form: Any) -> str:
        fields = {"description": "Samen spullen repareren.", "village": "Wezep", **form}
        return str(self.act(post_initiative, by, NewInitiative(title=title, **fields)))

    def content(self, doc_id: str) -> dict[str, Any]:
        return self.node.documents.read(doc_id)

    def stored(self, doc_id: str) -> bytes:
        """What the store holds for the document: unchanged bytes mean nothing was written."""
        return self.node.documents.store.load(doc_id) or b""

    def heads(self, doc_id: str) -> list[bytes]:
        return self.node.documents.open(doc_id).get_heads()

    def changes(self, doc_id: str) -> list[Change]:
        """The document's changes as stored, oldest first."""
        doc = Document.load(self.stored(doc_id))
        return [decode_change(chunk) for chunk in doc.get_all_changes()]

    def document_count(self) -> int:
        """Documents stored here, besides the node's own catalog (made with the first one)."""
        catalog = catalog_id_of(self.node.identity.node_id)
        return len([i for i in self.node.documents.store.ids() if i != catalog])

    def unchanged(
        self, doc_id: str, action: Callable[[], Any], error: type[Exception]
    ) -> Exception:
        """Run `action`, expect `error`, and check the document was not touched (store and
        live copy alike). Returns the error for its message."""
        before, content = self.stored(doc_id), self.content(doc_id)
        with pytest.raises(error) as raised:
            action()
        assert self.stored(doc_id) == before
        assert self.content(doc_id) == content
        return raised.value


def open_town(data: Path, database_url: str = "") -> Node:
    init_node(data, "Oldebroek")
    settings = Settings(data_dir=str(data), database_url=database_url)
    return asyncio.run(Node.open(settings, null_pool=True))


@pytest.fixture
def town(tmp_path: Path) -> Iterator[Town]:
    node = open_town(tmp_path / "data")
    yield Town(node)
    asyncio.run(node.close())


def carry(source: Town, target: Town, doc_id: str) -> None:
    """What a peer's sync does: the target holds everything the source holds of the document,
    and of the source's catalog first (its bindings say who wrote what: the rights across nodes
    count a change only when a node vouches for its writer). Then the target projects it."""
    from node.projection import project

    catalog = catalog_id_of(source.node.identity.node_id)
    for carried in (catalog, doc_id):
        arrived = Document.load(source.stored(carried))
        documents = target.node.documents
        with documents.lock(carried):
            if documents.known_heads(carried) is None:
                documents.adopt(carried, arrived)
            else:
                live = documents.open(carried)
                live.merge(arrived)
                documents.persist_received(carried, live)
        if carried == catalog:
            target.node.rights.learn_catalog(catalog)

    async def reproject(node: Node, session: Any) -> None:
        await project(session, node.documents.read(doc_id))

    target.act(reproject)
