"""The automerge-repo wire messages: one CBOR map per WebSocket binary frame.

Mirrors automerge-repo 2.5.6 `src/network/messages.ts` (sync, request, doc-unavailable, ephemeral,
remote-subscription-change, remote-heads-changed) and automerge-repo-network-websocket 2.5.6
`src/messages.ts` (join, peer, error). The reference has no "leave" message: a peer leaves by
closing its socket. Key names are the reference's camelCase; fields here are snake_case.

The reference encodes with cbor-x (`tagUint8Array: false, useRecords: false`,
`automerge-repo/src/helpers/cbor.ts`) and decodes any CBOR; cbor2's map headers differ from
cbor-x's `b9 00 NN`, which every decoder accepts.

`decode_message` is the one gate for bytes from a peer: it raises `ProtocolError` and nothing
else, and bounds the frame size, the number of CBOR items, string and list lengths before any of
it reaches the synchronizer.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import base58
import cbor2

from .frames import FrameShapeError, check_frame_shape

DEFAULT_MAX_FRAME = 64 * 1024 * 1024
MAX_ITEMS = 50_000
MAX_DEPTH = 8
MAX_ID_CHARS = 256  # peer ids, storage ids, session ids, protocol versions
MAX_DOCUMENT_ID_CHARS = 128
MAX_TEXT_CHARS = 4096  # error messages, unknown type names
MAX_LIST = 10_000
PROTOCOL_V1 = "1"
AUTH_TYPE = "mekaar-auth"
PROOF_KEY = "mekaar"  # sync/repo/proof.py


class ProtocolError(ValueError):
    """A frame from a peer that is not a valid message; `.reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class FrameTooLarge(ProtocolError):
    """The frame is larger than the connection accepts (WebSocket close code 1009)."""


@dataclass(frozen=True, slots=True)
class PeerMetadata:
    """How a peer presents itself: a storage id means it keeps sync states across restarts.
    `proof` is the node-key handshake's offer (sync/repo/proof.py), kept as sent: the map is
    open in the reference, which passes keys it does not know through."""

    storage_id: str | None = None
    is_ephemeral: bool = False
    proof: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Join:
    sender_id: str
    peer_metadata: PeerMetadata
    supported_protocol_versions: tuple[str, ...] = (PROTOCOL_V1,)


@dataclass(frozen=True, slots=True)
class Peer:
    sender_id: str
    target_id: str
    peer_metadata: PeerMetadata
    selected_protocol_version: str = PROTOCOL_V1


@dataclass(frozen=True, slots=True)
class Error:
    sender_id: str
    target_id: str
    message: str


@dataclass(frozen=True, slots=True)
class Auth:
    """`mekaar-auth`: the client's signature closing the node-key handshake (sync/repo/proof.py);
    not a reference message, so only sent to a server that asked for it."""

    sender_id: str
    target_id: str
    signature: bytes


@dataclass(frozen=True, slots=True)
class Sync:
    sender_id: str
    target_id: str
    document_id: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Request:
    """A sync message sent by a peer that has nothing of the document yet: "send it to me"."""

    sender_id: str
    target_id: str
    document_id: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DocUnavailable:
    sender_id: str
    target_id: str
    document_id: str


@dataclass(frozen=True, slots=True)
class Ephemeral:
    """Application data (itself CBOR) gossiped to the peers of a document, never stored.
    `sender_id` stays the original author's when relayed; (sender, session, count) dedupes it."""

    sender_id: str
    target_id: str
    document_id: str
    data: bytes
    session_id: str
    count: int


@dataclass(frozen=True, slots=True)
class RemoteSubscriptionChange:
    sender_id: str
    target_id: str
    add: tuple[str, ...] | None = None
    remove: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RemoteHeads:
    heads: tuple[str, ...]  # hex change hashes, as the reference sends them
    timestamp: float


@dataclass(frozen=True, slots=True)
class RemoteHeadsChanged:
    sender_id: str
    target_id: str
    document_id: str
    new_heads: Mapping[str, RemoteHeads]


@dataclass(frozen=True, slots=True)
class UnknownMessage:
    """A message type this version does not know; callers log and ignore it."""

    type: str
    sender_id: str


Message = (
    Join
    | Peer
    | Error
    | Auth
    | Sync
    | Request
    | DocUnavailable
    | Ephemeral
    | RemoteSubscriptionChange
    | RemoteHeadsChanged
    | UnknownMessage
)


# ---------------------------------------------------------------------------------- encoding


def _js_number(value: float) -> float:
    """As cbor-x writes a JS number: an integer beyond 32 bits as a float64. A CBOR uint64 would
    reach the reference as a BigInt, which its code does not expect (and JSON cannot print)."""
    if isinstance(value, int) and not -(2**31) <= value < 2**32:
        return float(value)
    return value


def _metadata_map(meta: PeerMetadata) -> dict[str, Any]:
    out: dict[str, Any] = {"isEphemeral": meta.is_ephemeral}
    if meta.storage_id is not None:
        out["storageId"] = meta.storage_id
    if meta.proof is not None:
        out[PROOF_KEY] = meta.proof
    return out


def _as_map(msg: Message) -> dict[str, Any]:
    if isinstance(msg, Join):
        return {
            "type": "join",
            "senderId": msg.sender_id,
            "peerMetadata": _metadata_map(msg.peer_metadata),
            "supportedProtocolVersions": list(msg.supported_protocol_versions),
        }
    if isinstance(msg, Peer):
        return {
            "type": "peer",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "peerMetadata": _metadata_map(msg.peer_metadata),
            "selectedProtocolVersion": msg.selected_protocol_version,
        }
    if isinstance(msg, Error):
        return {
            "type": "error",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "message": msg.message,
        }
    if isinstance(msg, Auth):
        return {
            "type": AUTH_TYPE,
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "signature": bytes(msg.signature),
        }
    if isinstance(msg, Sync | Request):
        return {
            "type": "sync" if isinstance(msg, Sync) else "request",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "documentId": msg.document_id,
            "data": bytes(msg.data),
        }
    if isinstance(msg, DocUnavailable):
        return {
            "type": "doc-unavailable",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "documentId": msg.document_id,
        }
    if isinstance(msg, Ephemeral):
        return {
            "type": "ephemeral",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "documentId": msg.document_id,
            "data": bytes(msg.data),
            "sessionId": msg.session_id,
            "count": _js_number(msg.count),
        }
    if isinstance(msg, RemoteSubscriptionChange):
        out: dict[str, Any] = {
            "type": "remote-subscription-change",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
        }
        if msg.add is not None:
            out["add"] = list(msg.add)
        if msg.remove is not None:
            out["remove"] = list(msg.remove)
        return out
    if isinstance(msg, RemoteHeadsChanged):
        return {
            "type": "remote-heads-changed",
            "senderId": msg.sender_id,
            "targetId": msg.target_id,
            "documentId": msg.document_id,
            "newHeads": {
                sid: {"heads": list(rh.heads), "timestamp": _js_number(rh.timestamp)}
                for sid, rh in msg.new_heads.items()
            },
        }
    raise TypeError(f"cannot encode {type(msg).__name__}: unknown messages are never sent")


def encode_message(msg: Message) -> bytes:
    """One frame the reference accepts."""
    return cbor2.dumps(_as_map(msg))


# ---------------------------------------------------------------------------------- decoding


def _fail(reason: str) -> NoReturn:
    raise ProtocolError(reason)


def _absent(value: Any) -> bool:
    # cbor-x writes a JS `undefined` field as the simple value 0xf7 (the server's `peer` carries
    # `storageId: undefined`): for an optional field it means "not there".
    return value is None or value is cbor2.undefined


def _text(fields: Mapping[str, Any], key: str, limit: int = MAX_ID_CHARS) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        _fail(f"{key} is missing or not a string")
    if len(value) > limit:
        _fail(f"{key} is longer than {limit} characters")
    return value


def _data(fields: Mapping[str, Any], key: str = "data") -> bytes:
    value = fields.get(key)
    if not isinstance(value, bytes):
        _fail(f"{key} is missing or not a byte string")
    return value


def _number(fields: Mapping[str, Any], key: str) -> float:
    # cbor-x writes a JS number beyond 32 bits as a float64; an integral float is an integer.
    value = fields.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(f"{key} is missing or not a number")
    if value != value or value in (float("inf"), float("-inf")):
        _fail(f"{key} is not a finite number")
    return value


def _count(fields: Mapping[str, Any], key: str) -> int:
    value = _number(fields, key)
    if value != int(value) or not 0 <= value < 2**53:
        _fail(f"{key} is not a non-negative integer")
    return int(value)


def _text_list(fields: Mapping[str, Any], key: str, *, optional: bool) -> tuple[str, ...] | None:
    value = fields.get(key)
    if _absent(value):
        if optional:
            return None
        _fail(f"{key} is missing")
    if not isinstance(value, list):
        _fail(f"{key} is not a list")
    if len(value) > MAX_LIST:
        _fail(f"{key} has more than {MAX_LIST} entries")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or len(item) > MAX_ID_CHARS:
            _fail(f"{key} holds something that is not a short string")
        out.append(item)
    return tuple(out)


def valid_document_id(value: str) -> bool:
    """automerge-repo's `isValidDocumentId`: any base58check string (AutomergeUrl.ts); binary ids
    of any length are allowed there (`idFactory`), so the length is bounded, not fixed at 16."""
    if not value or len(value) > MAX_DOCUMENT_ID_CHARS:
        return False
    try:
        raw = base58.b58decode_check(value)
    except (ValueError, binascii.Error):
        return False
    return 0 < len(raw) <= 64


def _document_id(fields: Mapping[str, Any]) -> str:
    value = _text(fields, "documentId", MAX_DOCUMENT_ID_CHARS)
    if not valid_document_id(value):
        _fail(f"documentId {value!r} is not a base58check document id")
    return value


def _metadata(fields: Mapping[str, Any]) -> PeerMetadata:
    value = fields.get("peerMetadata")
    if _absent(value):
        return PeerMetadata()
    if not isinstance(value, dict):
        _fail("peerMetadata is not a map")
    storage_id = value.get("storageId")
    if _absent(storage_id):
        storage_id = None
    elif not isinstance(storage_id, str) or len(storage_id) > MAX_ID_CHARS:
        _fail("peerMetadata.storageId is not a short string")
    ephemeral = value.get("isEphemeral")
    if _absent(ephemeral):
        ephemeral = False
    elif not isinstance(ephemeral, bool):
        _fail("peerMetadata.isEphemeral is not a boolean")
    proof = value.get(PROOF_KEY)
    if _absent(proof):
        proof = None
    elif not isinstance(proof, dict):
        _fail(f"peerMetadata.{PROOF_KEY} is not a map")
    return PeerMetadata(storage_id, ephemeral, proof)


def _new_heads(fields: Mapping[str, Any]) -> dict[str, RemoteHeads]:
    value = fields.get("newHeads")
    if not isinstance(value, dict):
        _fail("newHeads is missing or not a map")
    if len(value) > MAX_LIST:
        _fail(f"newHeads has more than {MAX_LIST} entries")
    out: dict[str, RemoteHeads] = {}
    for storage_id, entry in value.items():
        if not isinstance(storage_id, str) or len(storage_id) > MAX_ID_CHARS:
            _fail("newHeads has a key that is not a short string")
        if not isinstance(entry, dict):
            _fail("a newHeads entry is not a map")
        heads = _text_list(entry, "heads", optional=False)
        assert heads is not None
        out[storage_id] = RemoteHeads(heads, _number(entry, "timestamp"))
    return out


def _from_map(fields: dict[Any, Any]) -> Message:
    kind = _text(fields, "type", MAX_TEXT_CHARS)
    sender = _text(fields, "senderId")
    if kind == "join":
        versions = _text_list(fields, "supportedProtocolVersions", optional=True)
        # websocket/src/WebSocketServerAdapter.ts `selectProtocol`: no list means version 1
        return Join(sender, _metadata(fields), (PROTOCOL_V1,) if versions is None else versions)
    if kind == "leave":
        # Not in 2.5.6, but older repos sent it; nothing to answer.
        return UnknownMessage(kind, sender)
    target = _text(fields, "targetId")
    if kind == "peer":
        return Peer(sender, target, _metadata(fields), _text(fields, "selectedProtocolVersion"))
    if kind == "error":
        return Error(sender, target, _text(fields, "message", MAX_TEXT_CHARS))
    if kind == AUTH_TYPE:
        return Auth(sender, target, _data(fields, "signature"))
    if kind == "sync":
        return Sync(sender, target, _document_id(fields), _data(fields))
    if kind == "request":
        return Request(sender, target, _document_id(fields), _data(fields))
    if kind == "doc-unavailable":
        return DocUnavailable(sender, target, _document_id(fields))
    if kind == "ephemeral":
        return Ephemeral(
            sender,
            target,
            _document_id(fields),
            _data(fields),
            _text(fields, "sessionId"),
            _count(fields, "count"),
        )
    if kind == "remote-subscription-change":
        return RemoteSubscriptionChange(
            sender,
            target,
            _text_list(fields, "add", optional=True),
            _text_list(fields, "remove", optional=True),
        )
    if kind == "remote-heads-changed":
        return RemoteHeadsChanged(sender, target, _document_id(fields), _new_heads(fields))
    return UnknownMessage(kind, sender)


def decode_message(frame: bytes, *, max_bytes: int = DEFAULT_MAX_FRAME) -> Message:
    """The message in one frame from a peer; ProtocolError (and nothing else) when malformed."""
    if not isinstance(frame, bytes | bytearray | memoryview):
        _fail("not a binary frame")
    frame = bytes(frame)
    if len(frame) > max_bytes:
        raise FrameTooLarge(f"frame of {len(frame)} bytes is larger than {max_bytes}")
    try:
        check_frame_shape(frame, max_items=MAX_ITEMS, max_depth=MAX_DEPTH)
    except FrameShapeError as exc:
        _fail(f"not a CBOR message: {exc}")
    try:
        value = cbor2.loads(frame, allow_indefinite=False, allow_duplicate_keys=False)
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        _fail(f"not a CBOR message: {exc}")
    if not isinstance(value, dict):
        _fail("the frame is not a CBOR map")
    return _from_map(value)
