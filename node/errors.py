"""The errors node services raise; web/errors.py maps them to pages, partials and JSON."""

from __future__ import annotations


class NodeError(Exception):
    """Base of every error a caller should show to a person instead of a traceback."""


class NotFound(NodeError):
    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} not found")


class PermissionDenied(NodeError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Invalid(NodeError):
    """Input that cannot be accepted: names the field and says why in words a resident reads."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
