"""Proof of a node key in the automerge-repo handshake: each side shows that it holds the
Ed25519 key behind the node id it claims, bound to this one connection.

The reference handshake (`join` → `peer`) carries an open `peerMetadata` map, which reference
peers pass through untouched, so the proof travels there under the key "mekaar":

1. the client's `join` offers `{node, nonce, time}`;
2. the server's `peer` answers with its own `{node, nonce, time}` and `sig`, a signature over
   both offers and both peer ids (`PEER_DOMAIN`);
3. the client's first message after `peer` is `mekaar-auth` with its signature over the same
   transcript under another domain (`JOIN_DOMAIN`).

Each nonce is fresh per connection and each signature covers the other side's nonce, so a
recorded handshake cannot be replayed; `time` bounds how long an answer stays usable and catches a
badly set clock. Which key a side *expects* (pinning) is the caller's business: this module only
says which node proved itself.
"""

from __future__ import annotations

import binascii
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

import base58
import cbor2
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from .messages import PROOF_KEY

__all__ = ["PROOF_KEY", "NodeKey", "Offer", "ProofError", "check_answer", "check_proof"]

PEER_DOMAIN = "mekaar/peer/v1"
JOIN_DOMAIN = "mekaar/join/v1"
NONCE_BYTES = 32
SIGNATURE_BYTES = 64
MAX_NODE_ID_CHARS = 60  # base58 of 32 bytes is at most 44 characters
MAX_SKEW = 300
"""Seconds an offer's time may differ from ours: older answers are refused as expired."""


class ProofError(ValueError):
    """A handshake proof that does not hold; `.reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def node_id_of(key: VerifyKey) -> str:
    return base58.b58encode(bytes(key)).decode("ascii")


def verify_key_of(node_id: str) -> VerifyKey:
    """The public key a node id names (a node id is its key in base58)."""
    if not 0 < len(node_id) <= MAX_NODE_ID_CHARS:
        raise ProofError("the node id is missing or too long")
    try:
        raw = base58.b58decode(node_id)
    except (ValueError, binascii.Error):
        raise ProofError(f"node id {node_id!r} is not base58") from None
    if len(raw) != 32:
        raise ProofError(f"node id {node_id!r} is not a 32-byte key")
    try:
        return VerifyKey(raw)
    except Exception:  # pynacl refuses some byte strings as keys
        raise ProofError(f"node id {node_id!r} is not a valid key") from None


@dataclass(frozen=True, slots=True)
class Offer:
    """One side's part of the handshake; `sig` only in the server's answer."""

    node: str
    nonce: bytes
    time: int
    sig: bytes | None = None

    def to_map(self) -> dict[str, Any]:
        out: dict[str, Any] = {"node": self.node, "nonce": self.nonce, "time": self.time}
        if self.sig is not None:
            out["sig"] = self.sig
        return out

    @classmethod
    def parse(cls, value: Any, *, signed: bool) -> Offer:
        """An offer from the other side, checked for shape (not yet for truth)."""
        if not isinstance(value, dict):
            raise ProofError("the proof is not a map")
        node = value.get("node")
        if not isinstance(node, str):
            raise ProofError("the node id is missing or not a string")
        verify_key_of(node)  # a node id must name a key
        nonce = value.get("nonce")
        if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
            raise ProofError(f"the nonce is not {NONCE_BYTES} bytes")
        when = value.get("time")
        if isinstance(when, bool) or not isinstance(when, int) or not 0 <= when < 2**53:
            raise ProofError("the time is not a whole number of seconds")
        sig = value.get("sig")
        if signed:
            if not isinstance(sig, bytes) or len(sig) != SIGNATURE_BYTES:
                raise ProofError(f"the signature is not {SIGNATURE_BYTES} bytes")
        elif sig is not None:
            raise ProofError("a join offer carries no signature")
        return cls(node, nonce, when, sig if signed else None)


def _now() -> int:
    return int(time.time())


def check_fresh(offer: Offer, now: int | None = None) -> None:
    now = _now() if now is None else now
    skew = offer.time - now
    if skew > MAX_SKEW:
        raise ProofError(f"the time is {skew} s ahead of ours: check the clock")
    if -skew > MAX_SKEW:
        raise ProofError(f"the proof expired {-skew} s ago (or the clock is off)")


def transcript(
    domain: str, client_peer: str, server_peer: str, client: Offer, server: Offer
) -> bytes:
    """What is signed: both peer ids and both offers, under a domain that says which side."""
    return cbor2.dumps(
        [
            domain,
            client_peer,
            server_peer,
            client.node,
            client.nonce,
            client.time,
            server.node,
            server.nonce,
            server.time,
        ]
    )


class NodeKey:
    """A node's signing key, as the handshake uses it."""

    def __init__(self, signing_key: SigningKey) -> None:
        self._key = signing_key
        self.node_id = node_id_of(signing_key.verify_key)

    def offer(self, now: int | None = None) -> Offer:
        return Offer(self.node_id, secrets.token_bytes(NONCE_BYTES), _now() if now is None else now)

    def answer(
        self, client_peer: str, server_peer: str, client: Offer, now: int | None = None
    ) -> Offer:
        """The server's signed offer for a client's fresh one."""
        check_fresh(client, now)
        mine = self.offer(now)
        data = transcript(PEER_DOMAIN, client_peer, server_peer, client, mine)
        return replace(mine, sig=self._key.sign(data).signature)

    def prove(self, client_peer: str, server_peer: str, mine: Offer, answer: Offer) -> bytes:
        """The client's signature, sent in `mekaar-auth` after the server's answer checked."""
        return self._key.sign(
            transcript(JOIN_DOMAIN, client_peer, server_peer, mine, answer)
        ).signature


def _verify(node_id: str, data: bytes, sig: bytes) -> None:
    try:
        verify_key_of(node_id).verify(data, sig)
    except BadSignatureError:
        raise ProofError(f"the signature is not by node {node_id}") from None


def check_answer(
    client_peer: str, server_peer: str, mine: Offer, answer: Offer, now: int | None = None
) -> str:
    """The client's check of the server's answer; returns the node id it proved."""
    if answer.sig is None:
        raise ProofError("the answer carries no signature")
    check_fresh(answer, now)
    _verify(
        answer.node, transcript(PEER_DOMAIN, client_peer, server_peer, mine, answer), answer.sig
    )
    return answer.node


def check_proof(
    client_peer: str, server_peer: str, client: Offer, answer: Offer, sig: bytes
) -> str:
    """The server's check of the client's `mekaar-auth`; returns the node id it proved."""
    if not isinstance(sig, bytes) or len(sig) != SIGNATURE_BYTES:
        raise ProofError(f"the signature is not {SIGNATURE_BYTES} bytes")
    _verify(client.node, transcript(JOIN_DOMAIN, client_peer, server_peer, client, answer), sig)
    return client.node
