"""Frames as the reference automerge-repo 2.5.6 encodes them (its cbor helper, cbor-x) decode to
our messages, and the reference reads our frames with the key names and types it expects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cbor2
import pytest

from sync.document_id import new_document_id
from sync.repo.messages import (
    DocUnavailable,
    Ephemeral,
    Error,
    Join,
    Message,
    Peer,
    PeerMetadata,
    RemoteHeads,
    RemoteHeadsChanged,
    RemoteSubscriptionChange,
    Request,
    Sync,
    decode_message,
    encode_message,
)
from tests.sync.repo.live import RepoDriver, require_node

pytestmark = pytest.mark.interop

DOC = new_document_id()
SYNC_DATA = "42000001000000020284"


@pytest.fixture(scope="module")
def js() -> Iterator[RepoDriver]:
    require_node()
    driver = RepoDriver(timeout=30)
    try:
        driver.call("ping")
        yield driver
    finally:
        driver.close()


# (what the reference encodes, the fields holding bytes, fields set to undefined, what we read)
CASES: list[tuple[dict[str, Any], list[str], list[str], Message]] = [
    (
        {
            "type": "join",
            "senderId": "client-A",
            "peerMetadata": {"isEphemeral": True},
            "supportedProtocolVersions": ["1"],
        },
        [],
        [],
        Join("client-A", PeerMetadata(None, True), ("1",)),
    ),
    (
        {
            "type": "peer",
            "senderId": "sync-server",
            "peerMetadata": {"storageId": "x", "isEphemeral": True},
            "selectedProtocolVersion": "1",
            "targetId": "client-A",
        },
        [],
        ["peerMetadata.storageId"],
        Peer("sync-server", "client-A", PeerMetadata(None, True), "1"),
    ),
    (
        {
            "type": "error",
            "senderId": "s",
            "message": "unsupported protocol version",
            "targetId": "c",
        },
        [],
        [],
        Error("s", "c", "unsupported protocol version"),
    ),
    (
        {"type": "sync", "targetId": "s", "data": SYNC_DATA, "documentId": DOC, "senderId": "c"},
        ["data"],
        [],
        Sync("c", "s", DOC, bytes.fromhex(SYNC_DATA)),
    ),
    (
        {"type": "request", "targetId": "s", "documentId": DOC, "data": SYNC_DATA, "senderId": "c"},
        ["data"],
        [],
        Request("c", "s", DOC, bytes.fromhex(SYNC_DATA)),
    ),
    (
        {"type": "doc-unavailable", "documentId": DOC, "targetId": "c", "senderId": "s"},
        [],
        [],
        DocUnavailable("s", "c", DOC),
    ),
    (
        {
            "type": "ephemeral",
            "targetId": "s",
            "documentId": DOC,
            "data": cbor2.dumps({"x": 1}).hex(),
            "count": 3,
            "sessionId": "k2j3h4",
            "senderId": "c",
        },
        ["data"],
        [],
        Ephemeral("c", "s", DOC, cbor2.dumps({"x": 1}), "k2j3h4", 3),
    ),
    (
        {"type": "remote-subscription-change", "targetId": "s", "add": ["st1"], "senderId": "c"},
        [],
        [],
        RemoteSubscriptionChange("c", "s", ("st1",), None),
    ),
    (
        {
            "type": "remote-heads-changed",
            "targetId": "s",
            "documentId": DOC,
            "newHeads": {"st1": {"heads": ["ab" * 32], "timestamp": 1764111111111}},
            "senderId": "c",
        },
        [],
        [],
        RemoteHeadsChanged("c", "s", DOC, {"st1": RemoteHeads(("ab" * 32,), 1764111111111)}),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0]["type"])
def test_reference_frames_decode_to_our_messages(
    js: RepoDriver, case: tuple[dict[str, Any], list[str], list[str], Message]
) -> None:
    fields, byte_fields, undefined, expected = case
    frame = bytes.fromhex(
        js.call("frame", message=fields, bytes=byte_fields, undefinedFields=undefined)
    )
    assert frame[:1] == b"\xb9"  # cbor-x's 16-bit map header, which our decoder takes as any other
    assert decode_message(frame) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0]["type"])
def test_the_reference_reads_our_frames_as_it_would_its_own(
    js: RepoDriver, case: tuple[dict[str, Any], list[str], list[str], Message]
) -> None:
    fields, byte_fields, undefined, message = case
    seen = js.call("read", frame=encode_message(message).hex())
    expected = {k: ({"bytes": v} if k in byte_fields else v) for k, v in fields.items()}
    if undefined:  # we leave an absent storage id out instead of writing undefined
        expected["peerMetadata"] = {"isEphemeral": True}
    if expected["type"] == "remote-subscription-change":
        expected.setdefault("remove", None)
        seen.setdefault("remove", None)
    assert seen == expected
