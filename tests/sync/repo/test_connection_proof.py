"""The node-key handshake over real WebSockets: serve_peer and connect_peer with proofs."""

from __future__ import annotations

import asyncio
from typing import Any

import cbor2
import pytest
from nacl.signing import SigningKey
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sync.repo.connection import ClientProof, Refused, Router, ServerProof, connect_peer
from sync.repo.messages import (
    Auth,
    Error,
    Join,
    Peer,
    PeerMetadata,
    ProtocolError,
    Sync,
    decode_message,
    encode_message,
)
from sync.repo.proof import NodeKey, Offer
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

from .live import LoopThread, PythonServer
from .test_connection import client_pushing, loop, wait_until

__all__ = ["loop"]  # the fixture, shared with test_connection

SERVER_KEY = NodeKey(SigningKey.generate())
CLIENT_KEY = NodeKey(SigningKey.generate())


class Pins:
    """What the test's server accepts: a set of node ids; records what was proven."""

    def __init__(self, *allowed: str) -> None:
        self.allowed = set(allowed)
        self.proven: list[str] = []

    async def server_accept(self, credentials: Any, node_id: str) -> Any:
        self.proven.append(node_id)
        if node_id not in self.allowed:
            raise Refused(f"node {node_id} is not the pinned key")
        return {"node": node_id}

    async def client_accept(self, node_id: str) -> None:
        self.proven.append(node_id)
        if node_id not in self.allowed:
            raise Refused(f"server {node_id} is not the pinned key")


def guarded(pins: Pins, required: bool = True) -> PythonServer:
    proof = ServerProof(SERVER_KEY, pins.server_accept, lambda credentials: required)
    return PythonServer(Synchronizer(StoreHost(MemoryDocStore()), "guarded"), proof=proof)


def test_both_nodes_prove_their_keys_and_then_sync(loop: LoopThread) -> None:
    server_pins, client_pins = Pins(CLIENT_KEY.node_id), Pins(SERVER_KEY.node_id)
    srv = guarded(server_pins)
    try:
        _, sync, doc_id, _ = client_pushing("friend")
        proof = ClientProof(CLIENT_KEY, client_pins.client_accept)
        loop.submit(connect_peer(srv.url, sync, Router(), proof=proof))
        wait_until(lambda: srv.synchronizer.host.open(doc_id) is not None)
        assert server_pins.proven == [CLIENT_KEY.node_id]
        assert client_pins.proven == [SERVER_KEY.node_id]
    finally:
        srv.close()


def test_a_node_that_does_not_prove_a_key_is_refused(loop: LoopThread) -> None:
    srv = guarded(Pins(CLIENT_KEY.node_id))
    try:
        _, sync, doc_id, _ = client_pushing("keyless")
        with pytest.raises(Refused, match="prove its key"):
            loop.run(connect_peer(srv.url, sync, Router()))
        assert srv.synchronizer.host.open(doc_id) is None
    finally:
        srv.close()


def test_a_peer_that_needs_no_proof_connects_without_one(loop: LoopThread) -> None:
    """An app token, say: the server does not ask, and the peer syncs as before."""
    srv = guarded(Pins(), required=False)
    try:
        _, sync, doc_id, _ = client_pushing("app")
        loop.submit(connect_peer(srv.url, sync, Router()))
        wait_until(lambda: srv.synchronizer.host.open(doc_id) is not None)
    finally:
        srv.close()


def test_a_node_with_another_key_than_the_pinned_one_is_refused(loop: LoopThread) -> None:
    srv = guarded(Pins("someone-else"))
    try:
        _, sync, doc_id, _ = client_pushing("impostor")
        proof = ClientProof(CLIENT_KEY, Pins(SERVER_KEY.node_id).client_accept)
        reason = loop.run(connect_peer(srv.url, sync, Router(), proof=proof))
        assert "not the pinned key" in reason
        assert srv.synchronizer.host.open(doc_id) is None
        assert srv.router.connected() == []
    finally:
        srv.close()


def test_the_client_refuses_a_server_with_another_key(loop: LoopThread) -> None:
    server_pins = Pins(CLIENT_KEY.node_id)
    srv = guarded(server_pins)
    try:
        _, sync, doc_id, _ = client_pushing("careful")
        proof = ClientProof(CLIENT_KEY, Pins("the-real-server").client_accept)
        with pytest.raises(Refused, match="not the pinned key"):
            loop.run(connect_peer(srv.url, sync, Router(), proof=proof))
        assert server_pins.proven == []  # it never proved itself to a server it did not trust
        assert srv.synchronizer.host.open(doc_id) is None
    finally:
        srv.close()


def test_the_client_refuses_a_server_that_proves_nothing(loop: LoopThread) -> None:
    plain = PythonServer(Synchronizer(StoreHost(MemoryDocStore()), "plain"))
    try:
        _, sync, _doc_id, _ = client_pushing("careful")
        proof = ClientProof(CLIENT_KEY, Pins(SERVER_KEY.node_id).client_accept)
        with pytest.raises(Refused, match="did not prove"):
            loop.run(connect_peer(plain.url, sync, Router(), proof=proof))
    finally:
        plain.close()


async def raw(url: str, frames: list[Any]) -> tuple[list[object], int | None, str]:
    """A hand-made client: frames are bytes, or a function of the server's `peer` answer."""
    got: list[object] = []
    async with connect(url) as ws:
        for frame in frames:
            if callable(frame):
                frame = frame(got[-1])
            await ws.send(frame)
            if not got:
                got.append(decode_message(await asyncio.wait_for(ws.recv(), 5)))  # type: ignore[arg-type]
        try:
            while True:
                got.append(decode_message(await asyncio.wait_for(ws.recv(), 5)))  # type: ignore[arg-type]
        except ConnectionClosed:
            pass
        return got, ws.close_code, ws.close_reason or ""


def join_with(offer: Offer | dict[str, Any]) -> bytes:
    proof = offer.to_map() if isinstance(offer, Offer) else offer
    return encode_message(Join("raw", PeerMetadata(proof=proof)))


def test_anything_before_the_proof_is_refused(loop: LoopThread) -> None:
    srv = guarded(Pins(CLIENT_KEY.node_id))
    try:
        sneak = encode_message(Sync("raw", "guarded", "2Ri8ThtHFdW1ebvALCjfZbS3PX9B", b"\x42"))
        got, code, reason = loop.run(raw(srv.url, [join_with(CLIENT_KEY.offer()), sneak]))
        assert isinstance(got[0], Peer) and got[0].peer_metadata.proof is not None
        assert isinstance(got[-1], Error) and "proof of the node key" in got[-1].message
        assert code == 1008 and "proof" in reason
    finally:
        srv.close()


def test_a_replayed_proof_is_refused(loop: LoopThread) -> None:
    """Record an honest handshake, then play the client's half again to the server."""
    pins = Pins(CLIENT_KEY.node_id)
    srv = guarded(pins)
    try:
        offer = CLIENT_KEY.offer()
        recorded: list[bytes] = []

        def honest(answer: object) -> bytes:
            assert isinstance(answer, Peer)
            theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
            sig = CLIENT_KEY.prove("raw", answer.sender_id, offer, theirs)
            recorded.append(encode_message(Auth("raw", answer.sender_id, sig)))
            return recorded[-1]

        submitted = loop.submit(raw(srv.url, [join_with(offer), honest]))
        wait_until(lambda: pins.proven == [CLIENT_KEY.node_id])
        submitted.cancel()

        got, code, _ = loop.run(raw(srv.url, [join_with(offer), recorded[0]]))
        assert isinstance(got[-1], Error) and "not by node" in got[-1].message
        assert code == 1008
    finally:
        srv.close()


@pytest.mark.parametrize(
    ("proof", "reason"),
    [
        ({"node": "x"}, "node id"),
        ({"node": CLIENT_KEY.node_id, "nonce": b"short", "time": 1}, "nonce"),
        ({"node": CLIENT_KEY.node_id, "nonce": b"n" * 32, "time": 1}, "expired"),
    ],
)
def test_a_bad_offer_is_refused_with_its_reason(
    loop: LoopThread, proof: dict[str, Any], reason: str
) -> None:
    srv = guarded(Pins(CLIENT_KEY.node_id))
    try:
        got, code, _ = loop.run(raw(srv.url, [join_with(proof)]))
        assert isinstance(got[0], Error) and reason in got[0].message
        assert code == 1008
    finally:
        srv.close()


def test_a_proof_that_is_not_a_map_is_a_protocol_error() -> None:
    fields = cbor2.loads(encode_message(Join("raw", PeerMetadata())))
    fields["peerMetadata"]["mekaar"] = "not a map"
    with pytest.raises(ProtocolError, match="mekaar is not a map"):
        decode_message(cbor2.dumps(fields))


def test_the_proof_and_auth_survive_a_round_trip() -> None:
    offer = CLIENT_KEY.offer()
    join = Join("raw", PeerMetadata("storage", False, offer.to_map()))
    assert decode_message(encode_message(join)) == join
    auth = Auth("raw", "guarded", b"s" * 64)
    assert decode_message(encode_message(auth)) == auth


def test_an_offer_to_a_server_that_does_not_ask_for_one_is_ignored(loop: LoopThread) -> None:
    """A public reader that offers a proof anyway gets a plain `peer`, not a crash."""
    pins = Pins()
    srv = guarded(pins, required=False)
    try:

        async def first_answer() -> object:
            async with connect(srv.url) as ws:
                await ws.send(join_with(CLIENT_KEY.offer()))
                return decode_message(await asyncio.wait_for(ws.recv(), 5))  # type: ignore[arg-type]

        answer = loop.run(first_answer())
        assert isinstance(answer, Peer) and answer.peer_metadata.proof is None
        assert pins.proven == []
    finally:
        srv.close()
