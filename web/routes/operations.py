"""For whoever keeps the node running: `/healthz` (is it up, can it reach its database and write
its documents) for the service manager and the proxy, and `/metrics` in Prometheus' text format,
served only to the machine itself (behind the proxy, a visitor's address is the forwarded one)."""

from __future__ import annotations

import os
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from prometheus_client import generate_latest
from sqlalchemy import text

from ..deps import NodeDep
from ..metrics import MEDIA_TYPE, AppMetrics

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@get("/healthz", include_in_schema=False, opt={"acting": False}, cache=False)
async def healthz(node: NodeDep) -> Response[dict[str, Any]]:
    problems = []
    try:
        async with node.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means: not healthy, say which
        problems.append(f"database: {type(exc).__name__}")
    if not os.access(node.settings.documents_path, os.W_OK):
        problems.append("documents: not writable")
    status = HTTP_503_SERVICE_UNAVAILABLE if problems else HTTP_200_OK
    body = {"status": "fail" if problems else "ok", "node_id": node.identity.node_id}
    if problems:
        body["problems"] = problems
    return Response(body, status_code=status)


@get("/metrics", include_in_schema=False, opt={"acting": False}, cache=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    client = request.client.host if request.client else ""
    if client not in LOOPBACK:
        raise NotFoundException()
    registry: AppMetrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=MEDIA_TYPE)


ROUTES = [healthz, metrics]
