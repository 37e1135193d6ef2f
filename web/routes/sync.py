"""`/sync`: the automerge-repo protocol over WebSocket, for neighbouring nodes and any
automerge-repo client. The web layer only authenticates and moves frames; node/replication decides
what a connection may read and write.

A token is accepted as `Authorization: Bearer …` (nodes) or `?token=…` (browsers and the JS
WebSocket adapter cannot set headers). Without a valid token the peer is told why in the protocol's
own `error` message, so automerge-repo clients show the reason.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from node.replication.replicator import Replicator


def _token(socket: WebSocket[Any, Any, Any]) -> str | None:
    header = socket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    token = socket.query_params.get("token")
    return token if isinstance(token, str) else None


@websocket("/sync", name="sync", opt={"acting": False})
async def sync_socket(socket: WebSocket[Any, Any, Any]) -> None:
    replicator: Replicator = socket.app.state.replicator
    grant = await replicator.grant_for(_token(socket))
    await socket.accept()

    async def receive() -> bytes | None:
        try:
            event = await socket.receive()
        except WebSocketDisconnect:
            return None
        if event["type"] == "websocket.disconnect":
            return None
        data = event.get("bytes")
        if data is None:  # a text frame: not the protocol; the decoder refuses it by name
            return str(event.get("text", "")).encode("utf-8")
        return bytes(data)

    async def send(frame: bytes) -> None:
        await socket.send_bytes(frame)

    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # closed by the other side
            await socket.close(code=code, reason=reason[:120])

    await replicator.serve(receive, send, close, grant)


ROUTES = [sync_socket]
