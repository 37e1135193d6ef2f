"""The replicator between the protocol and the node: what a peer sends is projected, or kept in
quarantine with the reason when it breaks its schema or claims another id; what was stored but not
projected when a node went down is projected at the next start; a /sync connection gets the rights
its token gives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from sqlalchemy import func, select

from node.accounts.models import Account
from node.documents.validation import problem_with
from node.peers import service as peers
from node.projection import list_initiatives, reindex
from node.replication.admission import admit
from node.replication.host import Grant
from node.replication.replicator import Replicator
from node.runtime import Node
from sync.automerge import ROOT, Document, ObjType
from sync.document_id import new_document_id
from tests.foreign import initiator_actor, write_foreign_initiative


async def _until(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 10) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _listed(node: Node) -> set[str]:
    async with node.sessions() as session:
        return {item.id for item in (await list_initiatives(session)).items}


async def _quarantined(node: Node) -> dict[str, str]:
    async with node.sessions() as session:
        return {q.document_id: q.reason for q in await peers.quarantined(session)}


def test_a_valid_document_from_a_peer_is_projected_and_an_invalid_one_quarantined(
    node: Node,
) -> None:
    good = write_foreign_initiative(node, "Buurtmoestuin", "Samen kweken", "groen")
    broken_id = new_document_id()
    broken = Document()
    with broken.change() as tx:  # an initiative without a title or an envelope
        tx.put(ROOT, "type", "initiative")
        tx.put(ROOT, "schema_version", 1)
        tx.put(ROOT, "id", broken_id)
    node.documents.adopt(broken_id, broken)
    liar_id = new_document_id()  # a valid initiative that claims to be another document
    node.documents.adopt(liar_id, Document.load(node.documents.store.load(good) or b""))

    async def scenario() -> None:
        replicator = Replicator(node)
        await replicator.start(dial=False)
        try:
            for doc_id in (good, broken_id, liar_id):
                replicator._received(doc_id, "Hattem")
            await _until(lambda: _listed(node), "the valid initiative listed")

            async def both() -> dict[str, str] | None:
                kept = await _quarantined(node)
                return kept if len(kept) == 2 else None

            kept = await _until(both, "both documents in quarantine")
            assert await _listed(node) == {good}
            assert set(kept) == {broken_id, liar_id}
            assert "required" in kept[broken_id]  # jsonschema's words, with the field
            assert liar_id in kept[liar_id] and good in kept[liar_id]
            assert node.documents.store.load(broken_id)  # kept, not thrown away
        finally:
            await replicator.stop()

    asyncio.run(scenario())


def test_what_was_stored_but_not_projected_is_projected_at_the_next_start(node: Node) -> None:
    doc_id = write_foreign_initiative(node, "Zwerfvuil prikken", "Elke zaterdag", "schoon")

    async def scenario() -> None:
        first = Replicator(node)
        first.host.pending.mark(doc_id, "Hattem")  # stored, then the node went down
        first.host.pending.close()  # (the process ended: its file handle with it)
        assert await _listed(node) == set()
        second = Replicator(node)
        await second.start(dial=False)
        try:
            await _until(lambda: _listed(node), "the pending document projected")
            assert await _listed(node) == {doc_id}
            await _until(
                lambda: asyncio.to_thread(lambda: not second.host.pending.all()),
                "the mark cleared",
            )
        finally:
            await second.stop()

    asyncio.run(scenario())


def test_a_sync_connection_gets_the_rights_its_token_gives(node: Node) -> None:
    async def scenario(public: bool) -> tuple[Grant | None, Grant | None, Grant | None]:
        replicator = Replicator(node)
        if public:
            replicator.node = Node(
                msgspec.structs.replace(node.settings, public_sync=True),
                node.identity,
                node.documents,
                node.engine,
                node.sessions,
            )
        async with node.sessions() as session:
            invitation = await peers.invite(session, f"Hattem{public}")
            await session.commit()
        return (
            await replicator.grant_for(invitation.token),
            await replicator.grant_for("not-a-token-at-all"),
            await replicator.grant_for(None),
        )

    invited, wrong, none = asyncio.run(scenario(public=False))
    assert invited is not None
    assert invited == Grant(
        "HattemFalse", write=True, announce=True, peer_row=invited.peer_row, proves_key=True
    )
    assert wrong is None and none is None
    invited, wrong, none = asyncio.run(scenario(public=True))
    assert invited is not None and invited.write
    assert wrong == none == Grant("publiek", write=False, announce=False)


def test_a_peer_cannot_write_local_only_data(node: Node) -> None:
    """Accounts, e-mail addresses and password hashes live only in this node's SQL tables; a
    document pretending to be one is just a document of an unknown type: kept aside, never
    applied."""
    doc_id = new_document_id()
    fake = Document()
    with fake.change() as tx:
        tx.put(ROOT, "type", "account")
        tx.put(ROOT, "schema_version", 1)
        tx.put(ROOT, "id", doc_id)
        tx.put(ROOT, "email", "host@wezep.example")
        tx.put(ROOT, "password_hash", "$argon2id$v=19$m=65536,t=3,p=4$x$y")
        tx.put(ROOT, "roles", "host")
    node.documents.adopt(doc_id, fake)

    async def scenario() -> None:
        replicator = Replicator(node)
        await replicator.start(dial=False)
        try:
            replicator._received(doc_id, "Hattem")
            kept = await _until(lambda: _quarantined(node), "the quarantine")
            assert "onbekend documenttype" in kept[doc_id]
            async with node.sessions() as session:
                assert await session.scalar(select(func.count()).select_from(Account)) == 0
        finally:
            await replicator.stop()

    asyncio.run(scenario())


def test_reindex_leaves_out_what_the_quarantine_holds(node: Node) -> None:
    """Rebuilding the projection applies the same rule as admitting a peer's document."""
    doc_id = write_foreign_initiative(node, "Buurtbus", "Rijdt op dinsdag", "vervoer")
    assert asyncio.run(reindex(node)) == 1
    assert asyncio.run(_listed(node)) == {doc_id}
    broken = node.documents.open(doc_id)
    broken.actor = initiator_actor(node, doc_id)  # an edit its initiator had the right to make
    with broken.change() as tx:  # a peer's edit that breaks the schema, but projects fine
        tx.put(ROOT, "status", "bestaat-niet")
    node.documents.persist_received(doc_id, broken)
    assert asyncio.run(reindex(node)) == 0
    assert asyncio.run(_listed(node)) == set()


def test_a_peer_cannot_change_a_documents_type(node: Node) -> None:
    """The envelope is written by a document's first change only (docs/trust.md §3): a later
    change that makes an initiative a discussion is kept, and counts nowhere."""
    doc_id = write_foreign_initiative(node, "Speeltuin", "Nieuwe schommels", "spelen")

    async def admitted() -> None:
        async with node.sessions() as session:
            assert await admit(session, doc_id, node.documents.read(doc_id), "Hattem") is None
            await session.commit()

    asyncio.run(admitted())
    assert asyncio.run(_listed(node)) == {doc_id}
    doc = node.documents.open(doc_id)
    doc.actor = initiator_actor(node, doc_id)
    with doc.change() as tx:  # valid as a discussion now, and no longer an initiative
        tx.put(ROOT, "type", "discussion")
        tx.put(ROOT, "intro", "Praat mee over de speeltuin")
        tx.put(ROOT, "initiative", None)
        tx.put_object(ROOT, "comments", ObjType.MAP)
    node.documents.persist_received(doc_id, doc)
    content = node.documents.read(doc_id)
    assert content["type"] == "initiative"
    assert problem_with(doc_id, content) is None, problem_with(doc_id, content)
    asyncio.run(admitted())
    assert asyncio.run(_listed(node)) == {doc_id}
