"""Signed erasure and rebase records, published in catalogs (docs/trust.md §4).

* An **erasure** (`erasures/<person>` in the catalog of the person's home node): "erase person P",
  signed by P's home node. Carries nothing personal but the id.
* A **rebase** (`rebases/<document>` in the catalog of the document's home node): "document D now
  has the history whose only root is change R (epoch e), because of the erasure of P", signed by
  D's home node. An empty root means the document is removed.

Both are one string like a binding (`v1.` + base64url CBOR, node/trust/bindings.py), checked by
signature alone; who may issue what (the signer is the catalog's node, and the home of the person
or document) is checked where they are used (node/trust/erasure.py).
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

ERASURE_DOMAIN = "mekaar/erasure/v1"
REBASE_DOMAIN = "mekaar/rebase/v1"
PREFIX = "v1."
MAX_CHARS = 16_000
MAX_BASE = 400  # actors in the clock of a rebase's old history
MAX_ID_CHARS = 64
SKEW = 300
"""Seconds a record's time may lie ahead of this node's clock (as the handshake's proofs)."""


class RecordError(ValueError):
    """A record that does not hold; `.reason` says why (for the log line)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Erasure:
    person: str
    node: str
    at: int
    sig: bytes

    def encode(self) -> str:
        return _encode({"p": self.person, "n": self.node, "t": self.at, "s": self.sig})


@dataclass(frozen=True, slots=True)
class Rebase:
    document: str
    epoch: int
    root: bytes
    """The hash of the new history's one root change; b"" when the document is removed."""
    person: str
    """The erasure it follows from."""
    node: str
    at: int
    sig: bytes
    base: tuple[tuple[bytes, int], ...] = ()
    """The clock of the old history the new one was made from (actor, highest seq), sorted: a
    change another node holds beyond it was not seen by the home (an edit made meanwhile
    elsewhere). A clock rather than heads, so that a node lacking some of those heads still
    tells which of its changes the home saw."""

    @property
    def removed(self) -> bool:
        return not self.root

    def encode(self) -> str:
        return _encode(
            {
                "d": self.document,
                "e": self.epoch,
                "r": self.root,
                "p": self.person,
                "n": self.node,
                "t": self.at,
                "s": self.sig,
                "h": {actor: seq for actor, seq in self.base},
            }
        )


def _encode(fields: dict[str, Any]) -> str:
    return PREFIX + base64.urlsafe_b64encode(cbor2.dumps(fields)).decode("ascii").rstrip("=")


def _erasure_part(person: str, node: str, at: int) -> bytes:
    return cbor2.dumps([ERASURE_DOMAIN, person, node, at])


def _rebase_part(
    document: str,
    epoch: int,
    root: bytes,
    person: str,
    node: str,
    at: int,
    base: tuple[tuple[bytes, int], ...],
) -> bytes:
    clock = [[actor, seq] for actor, seq in base]
    return cbor2.dumps([REBASE_DOMAIN, document, epoch, root, person, node, at, clock])


def make_erasure(key: SigningKey, person: str, at: int | None = None) -> Erasure:
    node = node_id_of(key.verify_key)
    when = int(time.time()) if at is None else at
    return Erasure(person, node, when, key.sign(_erasure_part(person, node, when)).signature)


def make_rebase(
    key: SigningKey,
    document: str,
    epoch: int,
    root: bytes,
    person: str,
    at: int | None = None,
    base: dict[bytes, int] | None = None,
) -> Rebase:
    node = node_id_of(key.verify_key)
    when = int(time.time()) if at is None else at
    heads = tuple(sorted((base or {}).items()))[:MAX_BASE]
    sig = key.sign(_rebase_part(document, epoch, root, person, node, when, heads)).signature
    return Rebase(document, epoch, root, person, node, when, sig, heads)


def _fields(value: Any) -> dict[Any, Any]:
    if not isinstance(value, str) or not value.startswith(PREFIX) or len(value) > MAX_CHARS:
        raise RecordError("not a record string")
    body = value[len(PREFIX) :]
    try:
        fields = cbor2.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, cbor2.CBORError, TypeError, RecursionError):
        raise RecordError("the record is not base64url CBOR") from None
    if not isinstance(fields, dict):
        raise RecordError("the record is not a map")
    return fields


def _text(fields: dict[Any, Any], key: str, what: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_CHARS:
        raise RecordError(f"the {what} is missing or too long")
    return value


def _time(fields: dict[Any, Any], now: int) -> int:
    at = fields.get("t")
    if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at < 2**53:
        raise RecordError("the time is not a whole number")
    if at > now + SKEW:
        raise RecordError("the record is dated in the future")
    return at


def _verify(node: str, part: bytes, sig: Any) -> bytes:
    if not isinstance(sig, bytes) or len(sig) != 64:
        raise RecordError("the signature is not 64 bytes")
    try:
        verify_key_of(node).verify(part, sig)
    except ProofError as exc:
        raise RecordError(exc.reason) from None
    except Exception:  # nacl's BadSignatureError, and keys it will not take
        raise RecordError(f"the signature is not by node {node}") from None
    return sig


def parse_erasure(value: Any, now: int | None = None) -> Erasure:
    """An erasure record as found in a catalog, checked for shape and signature."""
    fields = _fields(value)
    person, node = _text(fields, "p", "person"), _text(fields, "n", "node")
    at = _time(fields, int(time.time()) if now is None else now)
    sig = _verify(node, _erasure_part(person, node, at), fields.get("s"))
    return Erasure(person, node, at, sig)


def parse_rebase(value: Any, now: int | None = None) -> Rebase:
    """A rebase record as found in a catalog, checked for shape and signature."""
    fields = _fields(value)
    document, person = _text(fields, "d", "document"), _text(fields, "p", "person")
    node = _text(fields, "n", "node")
    epoch, root = fields.get("e"), fields.get("r")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 < epoch < 2**31:
        raise RecordError("the epoch is not a positive whole number")
    if not isinstance(root, bytes) or len(root) not in (0, 32):
        raise RecordError("the root is not a change hash")
    base = fields.get("h", {})
    if (
        not isinstance(base, dict)
        or len(base) > MAX_BASE
        or not all(
            isinstance(a, bytes)
            and 0 < len(a) <= 32
            and isinstance(s, int)
            and not isinstance(s, bool)
            and 0 < s < 2**53
            for a, s in base.items()
        )
    ):
        raise RecordError("the base is not a clock (actor to seq)")
    at = _time(fields, int(time.time()) if now is None else now)
    heads = tuple(sorted(base.items()))
    part = _rebase_part(document, epoch, root, person, node, at, heads)
    sig = _verify(node, part, fields.get("s"))
    return Rebase(document, epoch, root, person, node, at, sig, heads)
