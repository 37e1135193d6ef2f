"""Server-side sessions (Litestar's middleware, a file store in the data folder) whose ids are keyed
with the node's session secret and renewed at log-in, so a session id planted before log-in is
worth nothing after it. The cookie is HttpOnly, SameSite=Lax, and Secure when the node says so.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

ROTATE = "mekaar_rotate_session"
NEW_ID = "mekaar_new_session_id"


class SignedSessionBackend(ServerSideSessionBackend):
    config: SignedSessionConfig

    def _sign(self, token: str) -> str:
        return hmac.new(self.config.secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def _valid(self, session_id: str | None) -> bool:
        if not session_id or "." not in session_id:
            return False
        token, signature = session_id.rsplit(".", 1)
        return hmac.compare_digest(signature, self._sign(token))

    def generate_session_id(self) -> str:
        token = secrets.token_hex(self.config.session_id_bytes)
        return f"{token}.{self._sign(token)}"

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if NEW_ID in state:
            return str(state[NEW_ID])
        cookie = connection.cookies.get(self.config.key)
        if state.get(ROTATE) or not self._valid(cookie):
            state[NEW_ID] = self.generate_session_id()
            return str(state[NEW_ID])
        return str(cookie)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        if not self._valid(connection.cookies.get(self.config.key)):
            return {}
        return await super().load_from_connection(connection)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        old = connection.cookies.get(self.config.key)
        if not scope_session and not self._valid(old):
            return  # nothing to keep and nothing to clear: no file, no cookie for a passer-by
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE) and old and self._valid(old):
            await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SignedSessionConfig(ServerSideSessionConfig):
    _backend_class = SignedSessionBackend
    secret: bytes = field(default=b"", repr=False)
    """Key for the session ids (derived from the node's session secret)."""


def start_session(connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any]) -> None:
    """Log-in: new session data under a new session id."""
    connection.scope.setdefault("state", {})[ROTATE] = True
    connection.set_session(data)
