"""Answers the JSON API's modules share (one OpenAPI schema per name)."""

from __future__ import annotations

import msgspec


class Created(msgspec.Struct, frozen=True):
    id: str
