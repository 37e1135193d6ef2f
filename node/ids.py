"""Short ids for items inside a document (tasks, needs, comments, updates): 8 random bytes in
base58, unique enough within one document and readable in URLs."""

from __future__ import annotations

import hashlib
import secrets

import base58


def new_item_id() -> str:
    return base58.b58encode(secrets.token_bytes(8)).decode("ascii")


MAX_KEY = 100
"""An idempotency key is a UUID or ULID from a form; anything much longer is not one."""


def keyed_item_id(key: str, *scope: str) -> str:
    """The item id an action with this idempotency key creates: the same key (and scope, e.g. the
    person acting) gives the same id, so a replayed or double-tapped post writes the same map entry
    and, after merging, one item remains. Same shape as `new_item_id` (8 bytes, base58)."""
    digest = hashlib.sha256("\0".join((*scope, key)).encode("utf-8")).digest()
    return base58.b58encode(digest[:8]).decode("ascii")


def item_id_for(key: str, *scope: str) -> str:
    """The id of an item a resident creates: from the action's idempotency key when the form
    carried one (see `keyed_item_id`), else a fresh one. An overlong key counts as none."""
    if key and len(key) <= MAX_KEY:
        return keyed_item_id(key, *scope)
    return new_item_id()
