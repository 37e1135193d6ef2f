"""The wire codec: round trips of every message type, the reference's quirks, and refusals."""

from __future__ import annotations

import cbor2
import pytest

from sync.document_id import new_document_id
from sync.repo.messages import (
    DocUnavailable,
    Ephemeral,
    Error,
    FrameTooLarge,
    Join,
    Message,
    Peer,
    PeerMetadata,
    ProtocolError,
    RemoteHeads,
    RemoteHeadsChanged,
    RemoteSubscriptionChange,
    Request,
    Sync,
    UnknownMessage,
    decode_message,
    encode_message,
)

DOC = new_document_id()

EVERY_TYPE: list[Message] = [
    Join("client-a", PeerMetadata("storage-1", False), ("1",)),
    Join("client-b", PeerMetadata(None, True)),
    Peer("server", "client-a", PeerMetadata(None, True), "1"),
    Error("server", "client-a", "unsupported protocol version"),
    Sync("a", "b", DOC, b"\x42\x00\x00\x00\x00"),
    Request("a", "b", DOC, b"\x42\x00\x00\x01\x00\x00\x00\x02\x02\x84"),
    DocUnavailable("b", "a", DOC),
    Ephemeral("a", "b", DOC, cbor2.dumps({"cursor": 3}), "sess-1", 17),
    RemoteSubscriptionChange("a", "b", ("s1", "s2"), None),
    RemoteSubscriptionChange("a", "b", None, ("s3",)),
    RemoteHeadsChanged("a", "b", DOC, {"s1": RemoteHeads(("ab" * 32,), 1764111111111)}),
]


@pytest.mark.parametrize("message", EVERY_TYPE, ids=lambda m: type(m).__name__)
def test_every_message_type_round_trips(message: Message) -> None:
    assert decode_message(encode_message(message)) == message


def test_keys_are_the_reference_camel_case_names() -> None:
    fields = cbor2.loads(encode_message(EVERY_TYPE[7]))
    assert set(fields) == {
        "type",
        "senderId",
        "targetId",
        "documentId",
        "data",
        "sessionId",
        "count",
    }
    assert fields["type"] == "ephemeral" and isinstance(fields["data"], bytes)


def frame(**fields: object) -> bytes:
    return cbor2.dumps(fields)


def test_undefined_storage_id_reads_as_absent() -> None:
    # the JS sync server's `peer` message: peerMetadata {storageId: undefined, isEphemeral: true}
    raw = frame(
        type="peer",
        senderId="sync-server",
        targetId="client-A",
        peerMetadata={"storageId": cbor2.undefined, "isEphemeral": True},
        selectedProtocolVersion="1",
    )
    assert decode_message(raw) == Peer("sync-server", "client-A", PeerMetadata(None, True), "1")


def test_join_without_versions_or_metadata_means_version_one() -> None:
    assert decode_message(frame(type="join", senderId="x")) == Join("x", PeerMetadata(), ("1",))


def test_unknown_types_decode_for_logging() -> None:
    raw = frame(type="presence-v9", senderId="x", targetId="y", whatever=[1, 2])
    assert decode_message(raw) == UnknownMessage("presence-v9", "x")


def test_a_large_js_timestamp_sent_as_float_is_accepted() -> None:
    raw = frame(
        type="remote-heads-changed",
        senderId="a",
        targetId="b",
        documentId=DOC,
        newHeads={"s": {"heads": [], "timestamp": 1764111111111.0}},
    )
    decoded = decode_message(raw)
    assert isinstance(decoded, RemoteHeadsChanged)
    assert decoded.new_heads["s"].timestamp == 1764111111111


SYNC = {"type": "sync", "senderId": "a", "targetId": "b", "documentId": DOC, "data": b"\x42"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "truncated"),
        (b"\xfc", "reserved"),
        (b"\xff", "indefinite"),
        (cbor2.dumps([1, 2]), "not a CBOR map"),
        (cbor2.dumps("sync"), "not a CBOR map"),
        (cbor2.dumps({**SYNC, "documentId": "not-an-id"}), "documentId"),
        (cbor2.dumps({**SYNC, "documentId": DOC[:-1] + ("2" if DOC[-1] != "2" else "3")}), "id"),
        (cbor2.dumps({**SYNC, "data": "text"}), "data"),
        (cbor2.dumps({k: v for k, v in SYNC.items() if k != "targetId"}), "targetId"),
        (cbor2.dumps({**SYNC, "senderId": 7}), "senderId"),
        (cbor2.dumps({**SYNC, "senderId": "x" * 1000}), "longer"),
        (cbor2.dumps({**SYNC, "data": cbor2.undefined}), "data"),
        (cbor2.dumps({**SYNC, "data": cbor2.CBORTag(64, b"\x42")}), "tag"),
        (cbor2.dumps({**SYNC, "senderId": cbor2.CBORTag(1, 0)}), "tag"),
        (cbor2.dumps(SYNC) + b"\x00", "after"),
        (cbor2.dumps([[[[[[[[[[[]]]]]]]]]]]), "deeper"),
        (b"\x9b" + (2**40).to_bytes(8, "big"), "too many"),
        (b"\x5a\xff\xff\xff\xff", "past the end"),
        (b"\xbf\xff", "indefinite"),
        (
            cbor2.dumps({"type": "join", "senderId": "x", "peerMetadata": {"isEphemeral": 1}}),
            "bool",
        ),
        (
            cbor2.dumps({"type": "ephemeral", **{k: v for k, v in SYNC.items() if k != "type"}}),
            "sessionId",
        ),
        (
            cbor2.dumps(
                {"type": "ephemeral", **SYNC, "sessionId": "s", "count": -1} | {"type": "ephemeral"}
            ),
            "count",
        ),
        (cbor2.dumps({**SYNC, "type": 5}), "type"),
    ],
)
def test_malformed_frames_raise_protocol_error_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_message(raw)
    assert reason in caught.value.reason


def test_frame_size_is_bounded_by_a_parameter() -> None:
    raw = encode_message(Sync("a", "b", DOC, b"\x42" * 2000))
    assert decode_message(raw, max_bytes=len(raw)) is not None
    with pytest.raises(FrameTooLarge):
        decode_message(raw, max_bytes=len(raw) - 1)


def test_many_tiny_items_are_refused_before_decoding() -> None:
    # 200k empty maps in 200 kB would be ~13 MB of Python dicts
    raw = b"\x9a" + (200_000).to_bytes(4, "big") + b"\xa0" * 200_000
    with pytest.raises(ProtocolError, match="too many"):
        decode_message(raw)


def test_encoding_an_unknown_message_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        encode_message(UnknownMessage("x", "y"))


def test_integers_beyond_32_bits_are_written_as_float64_like_cbor_x() -> None:
    # a CBOR uint64 would reach the reference as a BigInt
    raw = encode_message(Ephemeral("a", "b", DOC, b"\x01", "s", 2**40))
    assert cbor2.dumps(float(2**40)) in raw
    assert decode_message(raw) == Ephemeral("a", "b", DOC, b"\x01", "s", 2**40)
