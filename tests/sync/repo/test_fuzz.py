"""Hostile bytes: decode_message raises ProtocolError or returns a message, serve_peer closes
cleanly; neither raises anything else nor takes long."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.automerge import Document, SyncState
from sync.document_id import new_document_id
from sync.repo.connection import Router, serve_peer
from sync.repo.messages import (
    Join,
    Message,
    PeerMetadata,
    ProtocolError,
    Request,
    Sync,
    decode_message,
    encode_message,
)
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer

DOC = new_document_id()
_first = Document().generate_sync_message(SyncState())
assert _first is not None
VALID: list[bytes] = [
    encode_message(Join("p", PeerMetadata("s", False))),
    encode_message(Request("p", "server", DOC, _first)),
    encode_message(Sync("p", "server", DOC, _first)),
]

cbor_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64) + 1, max_value=2**64 - 1)
    | st.floats()
    | st.text(max_size=40)
    | st.binary(max_size=40)
    | st.sampled_from(["sync", "request", "join", "ephemeral", "doc-unavailable", DOC]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(
            [
                "sync",
                "request",
                "join",
                "peer",
                "error",
                "ephemeral",
                "doc-unavailable",
                "remote-subscription-change",
                "remote-heads-changed",
                "x",
            ]
        ),
        "senderId": cbor_values,
        "targetId": cbor_values,
        "documentId": cbor_values,
        "data": cbor_values,
        "peerMetadata": cbor_values,
        "sessionId": cbor_values,
        "count": cbor_values,
        "newHeads": cbor_values,
        "add": cbor_values,
        "supportedProtocolVersions": cbor_values,
    },
)


def decode_or_refuse(frame: bytes) -> Message | None:
    started = time.monotonic()
    try:
        return decode_message(frame, max_bytes=1 << 20)
    except ProtocolError as exc:
        assert exc.reason
        return None
    finally:
        assert time.monotonic() - started < 1.0


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_decode_or_raise_protocol_error(frame: bytes) -> None:
    decode_or_refuse(frame)


@settings(max_examples=400, deadline=None)
@given(message_like)
def test_random_message_shaped_maps_decode_or_raise_protocol_error(fields: dict[str, Any]) -> None:
    decode_or_refuse(cbor2.dumps(fields))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255))))
def test_mutated_valid_frames_decode_or_raise_protocol_error(
    frame: bytes, edits: list[tuple[int, int]]
) -> None:
    mutated = bytearray(frame)
    for pos, byte in edits:
        mutated[pos % len(mutated)] = byte
    decode_or_refuse(bytes(mutated))


# ------------------------------------------------------------------------------- serve_peer


class FakeSocket:
    """receive/send/close callables over lists, as the web layer would provide."""

    def __init__(self, frames: list[Any]) -> None:
        self.incoming = list(frames)
        self.sent: list[bytes] = []
        self.closed: tuple[int, str] | None = None

    async def receive(self) -> bytes | None:
        await asyncio.sleep(0)
        if self.closed is not None or not self.incoming:
            return None
        return self.incoming.pop(0)  # type: ignore[no-any-return]

    async def send(self, data: bytes) -> None:
        if self.closed is not None:
            raise ConnectionError("closed")
        self.sent.append(data)

    async def close(self, code: int, reason: str) -> None:
        assert 1000 <= code < 5000 and len(reason.encode()) <= 123
        self.closed = (code, reason)


def serve(frames: list[Any], synchronizer: Synchronizer | None = None) -> FakeSocket:
    sock = FakeSocket(frames)
    sync = synchronizer or Synchronizer(StoreHost(MemoryDocStore()), "server")

    async def run() -> None:
        await asyncio.wait_for(
            serve_peer(sock.receive, sock.send, sock.close, sync, Router()), timeout=10
        )

    asyncio.run(run())
    return sock


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.binary(max_size=200)
        | message_like.map(cbor2.dumps)
        | message_like.map(lambda m: cbor2.dumps({**m, "senderId": "p"}))
        | st.binary(max_size=300).map(lambda d: encode_message(Sync("p", "server", DOC, d)))
        | st.binary(max_size=300).map(
            lambda d: encode_message(Sync("p", "server", DOC, _first + d))
        ),
        max_size=6,
    )
)
def test_serve_peer_survives_any_frames_after_join(frames: list[bytes]) -> None:
    sock = serve([VALID[0], *frames])
    assert sock.sent, "the join was answered"
    first = decode_message(sock.sent[0])
    assert type(first).__name__ == "Peer"


def test_serve_peer_closes_with_a_reason_on_a_malformed_frame() -> None:
    sock = serve([VALID[0], b"\xff\x00garbage"])
    assert sock.closed is not None and sock.closed[0] == 1007
    assert "CBOR" in sock.closed[1]


def test_serve_peer_refuses_anything_but_join_first() -> None:
    sock = serve([VALID[1]])
    assert sock.closed == (1008, "expected a join message") and sock.sent == []


def test_serve_peer_closes_oversized_frames_with_1009() -> None:
    sock = FakeSocket([VALID[0], encode_message(Sync("p", "server", DOC, b"\x42" * 5000))])
    sync = Synchronizer(StoreHost(MemoryDocStore()), "server")

    async def run() -> None:
        await serve_peer(sock.receive, sock.send, sock.close, sync, Router(), max_frame=1000)

    asyncio.run(run())
    assert sock.closed is not None and sock.closed[0] == 1009


def test_serve_peer_handles_a_text_frame() -> None:
    sock = serve([VALID[0], "hello"])
    assert sock.closed is not None and sock.closed[0] == 1003


def test_random_garbage_streams_finish_quickly() -> None:
    rng = random.Random(4)
    started = time.monotonic()
    for _ in range(100):
        frames = [bytes(rng.randrange(256) for _ in range(rng.randrange(60))) for _ in range(4)]
        serve([VALID[0], *frames])
    assert time.monotonic() - started < 30
