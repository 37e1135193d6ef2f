"""Where a node's catalog document lives: its id follows from the node id, so any peer can find
(and check) a node's catalog without asking for it."""

from __future__ import annotations

import hashlib

import base58


def catalog_id_of(node_id: str) -> str:
    digest = hashlib.sha256(b"mekaar-catalog\0" + node_id.encode("utf-8")).digest()
    return base58.b58encode_check(digest[:16]).decode("ascii")
