"""`/sync` on the web app: a peer without a token is told why and let go; an invited peer syncs an
initiative by the automerge-repo protocol; the host (and only the host) sees the peers and the
quarantine, as a page and as JSON."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from nacl.signing import SigningKey

from node.peers import service as peers
from node.runtime import Node
from sync.automerge import Document
from sync.repo.host import PeerInfo
from sync.repo.messages import (
    Auth,
    Error,
    Join,
    Peer,
    PeerMetadata,
    Request,
    Sync,
    decode_message,
    encode_message,
)
from sync.repo.proof import NodeKey, Offer, check_answer
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

from .builders import post_initiative, register, run

CLIENT = "test-client"


def _invite(client: TestClient[Litestar], name: str, kind: str = peers.APP) -> str:
    node: Node = client.app.state.node

    async def invite() -> str:
        async with node.sessions() as session:
            invitation = await peers.invite(session, name, kind)
            await session.commit()
            return invitation.token

    return run(client, invite)


def _join(socket: Any) -> Any:
    socket.send_bytes(encode_message(Join(CLIENT, PeerMetadata(is_ephemeral=True))))
    return decode_message(socket.receive_bytes())


def test_a_peer_without_a_token_is_told_why(client: TestClient[Litestar]) -> None:
    with client.websocket_connect("/sync") as socket:
        answer = _join(socket)
    assert isinstance(answer, Error)
    assert "uitnodiging" in answer.message


def test_an_invited_peer_syncs_an_initiative(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    doc_id = post_initiative(client, title="Moestuin <script>alert(1)</script>")
    token = _invite(client, "Hattem")
    mine = Synchronizer(StoreHost(MemoryDocStore()), CLIENT)
    node: Node = client.app.state.node
    want = node.documents.open(doc_id).get_heads()
    with client.websocket_connect(f"/sync?token={token}") as socket:
        answer = _join(socket)
        assert isinstance(answer, Peer)
        mine.peer_connected(PeerInfo(answer.sender_id, answer.peer_metadata))
        outgoing = mine.request(answer.sender_id, doc_id)
        assert outgoing and isinstance(outgoing[0], Request)
        held: Document | None = None
        for _ in range(20):
            for message in outgoing:
                socket.send_bytes(encode_message(message))
            incoming = decode_message(socket.receive_bytes())
            assert isinstance(incoming, Sync), incoming
            outgoing = mine.receive(answer.sender_id, incoming)
            held = mine.host.open(doc_id)
            # the node's announcements of its other documents interleave with this exchange
            if held is not None and held.get_heads() == want:
                break
    assert held is not None
    assert held.get_heads() == node.documents.open(doc_id).get_heads()
    assert held.to_py()["title"] == "Moestuin <script>alert(1)</script>"


def test_only_the_host_sees_the_peers_and_the_quarantine(client: TestClient[Litestar]) -> None:
    register(client, "Host")  # the first account of a node is its host
    _invite(client, "Hattem")
    page = client.get("/beheer/buren")
    assert page.status_code == 200
    assert "Hattem" in page.text and "niet verbonden" in page.text
    assert "Niets in quarantaine." in page.text
    data = client.get("/api/peers").json()
    assert [p["name"] for p in data["peers"]] == ["Hattem"]
    assert data["peers"][0]["connected"] is False and data["quarantine"] == []

    client.post("/uitloggen", data={})
    client.cookies.clear()
    register(client, "Bewoner")
    assert client.get("/beheer/buren").status_code == 403
    assert client.get("/api/peers").status_code == 403


def _join_as(socket: Any, key: NodeKey, offer: Offer | None = None) -> tuple[Any, Offer]:
    offer = offer or key.offer()
    metadata = PeerMetadata(is_ephemeral=False, proof=offer.to_map())
    socket.send_bytes(encode_message(Join(CLIENT, metadata)))
    return decode_message(socket.receive_bytes()), offer


def test_an_invited_node_must_prove_its_key_and_is_pinned_to_it(
    client: TestClient[Litestar],
) -> None:
    token = _invite(client, "Hattem", peers.NODE)
    node: Node = client.app.state.node
    with client.websocket_connect(f"/sync?token={token}") as socket:
        answer = _join(socket)  # the token alone
    assert isinstance(answer, Error) and "prove its key" in answer.message

    hattem = NodeKey(SigningKey.generate())
    with client.websocket_connect(f"/sync?token={token}") as socket:
        answer, offer = _join_as(socket, hattem)
        assert isinstance(answer, Peer)
        theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
        assert check_answer(CLIENT, answer.sender_id, offer, theirs) == node.identity.node_id
        sig = hattem.prove(CLIENT, answer.sender_id, offer, theirs)
        socket.send_bytes(encode_message(Auth(CLIENT, answer.sender_id, sig)))
        announced = decode_message(socket.receive_bytes())  # its catalog, once we are in
        assert isinstance(announced, Sync | Request), announced
    [entry] = run(client, lambda: _peers(node))
    assert entry.node_id == hattem.node_id and entry.pinned_at is not None

    impostor = NodeKey(SigningKey.generate())  # the token leaked, the key did not
    with client.websocket_connect(f"/sync?token={token}") as socket:
        answer, offer = _join_as(socket, impostor)
        theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
        sig = impostor.prove(CLIENT, answer.sender_id, offer, theirs)
        socket.send_bytes(encode_message(Auth(CLIENT, answer.sender_id, sig)))
        refusal = decode_message(socket.receive_bytes())
    assert isinstance(refusal, Error) and "vastgezet" in refusal.message
    [entry] = run(client, lambda: _peers(node))
    assert entry.node_id == hattem.node_id


async def _peers(node: Node) -> list[peers.Peer]:
    async with node.sessions() as session:
        return await peers.peers(session)
