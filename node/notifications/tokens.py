"""Unsubscribe tokens: a link in every digest that turns e-mail off without logging in.

The token is an HMAC of the person's id under a key derived from the node's session secret, so
only this node makes them, they never expire (an old mail's link keeps working), and they do
nothing but switch that one person's digest off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PURPOSE = b"mekaar-unsubscribe"


def _key(secret: bytes) -> bytes:
    return hashlib.sha256(PURPOSE + b"\0" + secret).digest()


def unsubscribe_token(secret: bytes, person_id: str) -> str:
    mac = hmac.new(_key(secret), person_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def valid_token(secret: bytes, person_id: str, token: str) -> bool:
    return hmac.compare_digest(unsubscribe_token(secret, person_id), token)
