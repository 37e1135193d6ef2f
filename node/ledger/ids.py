"""Where a node's ledger lives: like its catalog, at an id that follows from the node id, so any
node can find the ledger of a village it knows, and check that a ledger is the one it claims."""

from __future__ import annotations

import hashlib

import base58


def ledger_id_of(node_id: str) -> str:
    digest = hashlib.sha256(b"mekaar-ledger\0" + node_id.encode("utf-8")).digest()
    return base58.b58encode_check(digest[:16]).decode("ascii")
