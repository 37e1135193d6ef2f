"""Short ids for items inside a document (tasks, needs, comments, updates): 8 random bytes in
base58, unique enough within one document and readable in URLs."""

from __future__ import annotations

import secrets

import base58


def new_item_id() -> str:
    return base58.b58encode(secrets.token_bytes(8)).decode("ascii")
