"""/healthz for the service manager and /metrics for Prometheus, on the machine itself only."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from web.routes import operations

from .builders import post_initiative, register


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_healthz_says_ok_with_the_node_id(client: TestClient[Litestar]) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "node_id": client.app.state.node.identity.node_id}
    assert "set-cookie" not in response.headers


def test_metrics_count_requests_by_route_and_read_the_node(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations, "LOOPBACK", {*operations.LOOPBACK, "testclient"})
    register(client, "Anna")
    doc_id = post_initiative(client)
    for _ in range(3):
        assert client.get(f"/initiatieven/{doc_id}").status_code == 200
    assert client.get("/initiatieven/11111111111111111111").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    route = "/initiatieven/{initiative_id:str}"
    page = ("mekaar_http_requests_total", (("method", "GET"), ("route", route), ("status", "200")))
    assert samples[page] == 3  # one series for every initiative, not one per id
    missing = (
        "mekaar_http_requests_total",
        (("method", "GET"), ("route", route), ("status", "404")),
    )
    assert samples[missing] == 1
    assert samples[("mekaar_documents", ())] >= 3  # profile, initiative, the node's catalog
    count = ("mekaar_http_request_duration_seconds_count", (("route", route),))
    assert samples[count] == 4


def test_metrics_are_not_served_to_other_machines(client: TestClient[Litestar]) -> None:
    # the test client's address is "testclient": anything but the machine itself
    assert client.get("/metrics").status_code == 404
