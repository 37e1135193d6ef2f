"""Actor bindings: "actor A writes for person P, and node N vouches for it", signed by N.

A node publishes the bindings it makes in its catalog, under `actors/<actor hex>`, each as one
string (so that a catalog change that introduces a new node actor carries the binding for its own
actor in a single op, which a receiving node can check before applying the change). The string is
`v1.` and base64url of a CBOR map; the signature covers the domain and every field, so a binding
means the same wherever it was copied to.
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass
from typing import Any

import cbor2
from nacl.signing import SigningKey

from sync.repo.proof import ProofError, node_id_of, verify_key_of

DOMAIN = "mekaar/actor/v1"
PREFIX = "v1."
MAX_CHARS = 600
MAX_PERSON_CHARS = 64
ACTOR_BYTES = 16


class BindingError(ValueError):
    """A binding that does not hold; `.reason` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Binding:
    actor: bytes
    person: str
    node: str
    issued: int
    sig: bytes

    @property
    def actor_hex(self) -> str:
        return self.actor.hex()

    def encode(self) -> str:
        data = {"a": self.actor, "p": self.person, "n": self.node, "t": self.issued, "s": self.sig}
        return PREFIX + base64.urlsafe_b64encode(cbor2.dumps(data)).decode("ascii").rstrip("=")


def _signed_part(actor: bytes, person: str, node: str, issued: int) -> bytes:
    return cbor2.dumps([DOMAIN, actor, person, node, issued])


def make_binding(key: SigningKey, actor: bytes, person: str, issued: int | None = None) -> Binding:
    """The binding this node's key signs for one of its actors."""
    if len(actor) != ACTOR_BYTES:
        raise ValueError("an actor id is 16 bytes")
    node = node_id_of(key.verify_key)
    when = int(time.time()) if issued is None else issued
    sig = key.sign(_signed_part(actor, person, node, when)).signature
    return Binding(actor, person, node, when, sig)


def parse_binding(value: Any) -> Binding:
    """A binding as found in a catalog, checked for shape and signature (not yet for who may
    vouch for what: see vouchers.py). Raises BindingError."""
    if not isinstance(value, str) or not value.startswith(PREFIX) or len(value) > MAX_CHARS:
        raise BindingError("not a binding string")
    body = value[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        fields = cbor2.loads(raw)
    except (binascii.Error, ValueError, cbor2.CBORError, TypeError, RecursionError):
        raise BindingError("the binding is not base64url CBOR") from None
    if not isinstance(fields, dict):
        raise BindingError("the binding is not a map")
    actor, person, node = fields.get("a"), fields.get("p"), fields.get("n")
    issued, sig = fields.get("t"), fields.get("s")
    if not isinstance(actor, bytes) or len(actor) != ACTOR_BYTES:
        raise BindingError("the actor is not 16 bytes")
    if not isinstance(person, str) or not 0 < len(person) <= MAX_PERSON_CHARS:
        raise BindingError("the person is missing or too long")
    if not isinstance(node, str):
        raise BindingError("the node is missing")
    if isinstance(issued, bool) or not isinstance(issued, int) or not 0 <= issued < 2**53:
        raise BindingError("the time of issue is not a whole number")
    if not isinstance(sig, bytes) or len(sig) != 64:
        raise BindingError("the signature is not 64 bytes")
    try:
        verify_key_of(node).verify(_signed_part(actor, person, node, issued), sig)
    except ProofError as exc:
        raise BindingError(exc.reason) from None
    except Exception:  # nacl's BadSignatureError, and keys it will not take
        raise BindingError(f"the signature is not by node {node}") from None
    return Binding(actor, person, node, issued, sig)
