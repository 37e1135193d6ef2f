"""`/sync` on the web app: a peer without a token is told why and let go; an invited peer syncs an
initiative by the automerge-repo protocol; the host (and only the host) sees the peers and the
quarantine, as a page and as JSON."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from node.peers import service as peers
from node.runtime import Node
from sync.automerge import Document
from sync.repo.host import PeerInfo
from sync.repo.messages import (
    Error,
    Join,
    Peer,
    PeerMetadata,
    Request,
    Sync,
    decode_message,
    encode_message,
)
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

from .builders import post_initiative, register, run

CLIENT = "test-client"


def _invite(client: TestClient[Litestar], name: str) -> str:
    node: Node = client.app.state.node

    async def invite() -> str:
        async with node.sessions() as session:
            invitation = await peers.invite(session, name)
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
