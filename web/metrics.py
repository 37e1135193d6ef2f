"""Prometheus metrics of one app: requests and errors by route, request durations, and gauges read
at scrape time (documents held, quarantine, per-peer replication state). One registry per app, kept
in `app.state` — never prometheus_client's global registry — so two apps in one process (tests)
count apart. With several workers each reports its own requests; the gauges are the same in all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from litestar import Litestar

MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class AppMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "mekaar_http_requests",
            "HTTP requests answered, by method, route and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.errors = Counter(
            "mekaar_http_errors",
            "HTTP requests that ended in a server error (status 500 and up), by route.",
            ("route",),
            registry=self.registry,
        )
        self.duration = Histogram(
            "mekaar_http_request_duration_seconds",
            "Time to answer an HTTP request, by route.",
            ("route",),
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )

    def watch(self, app: Litestar) -> None:
        """Gauges read from the running node at each scrape."""
        self.registry.register(_NodeCollector(app))

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Count and time every routed HTTP request (WebSockets and lifespan pass through)."""

        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def watching(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, send=watching)
            finally:
                route = _route(scope)
                self.requests.labels(scope.get("method", "?"), route, str(status)).inc()
                if status >= 500:
                    self.errors.labels(route).inc()
                self.duration.labels(route).observe(time.perf_counter() - started)

        return measured


def _route(scope: Scope) -> str:
    """The route's path template (`/initiatieven/{initiative_id:str}`), never the raw path, so
    ids do not each make a new series."""
    handler: Any = scope.get("route_handler")
    paths = getattr(handler, "paths", None)
    return sorted(paths)[0] if paths else "unrouted"


class _NodeCollector(Collector):
    def __init__(self, app: Litestar) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        state = self.app.state
        node = getattr(state, "node", None)
        replicator = getattr(state, "replicator", None)
        if node is None:
            return
        documents = GaugeMetricFamily("mekaar_documents", "Documents this node holds.")
        documents.add_metric([], sum(1 for _ in node.documents.store.ids()))
        yield documents
        if replicator is None:
            return
        connected = GaugeMetricFamily(
            "mekaar_peer_connected", "1 when the peer is connected now.", labels=["peer"]
        )
        behind = GaugeMetricFamily(
            "mekaar_peer_documents_behind",
            "Documents whose heads the peer last showed differ from ours.",
            labels=["peer"],
        )
        synced = GaugeMetricFamily(
            "mekaar_peer_last_sync_timestamp_seconds",
            "When a change from the peer was last projected here (Unix time; sync lag is now "
            "minus this).",
            labels=["peer"],
        )
        for peer in replicator.status():
            connected.add_metric([peer.name], 1.0 if peer.connected else 0.0)
            behind.add_metric([peer.name], float(peer.behind))
            if peer.last_sync:
                synced.add_metric([peer.name], datetime.fromisoformat(peer.last_sync).timestamp())
        yield connected
        yield behind
        yield synced
