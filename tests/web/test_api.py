"""The JSON API: same resources and rules as the pages, JSON in and out, documented at /schema."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, csrf_of, post_initiative, register


def _csrf_header(client: TestClient[Litestar]) -> dict[str, str]:
    return {"x-csrftoken": csrf_of(client)}


def test_the_api_lists_and_reads_initiatives_as_json(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Moestuin")
    listing = client.get("/api/initiatives?q=moestuin")
    assert listing.status_code == 200
    assert listing.headers["content-type"].startswith("application/json")
    body = listing.json()
    assert body["total"] == 1
    assert body["items"][0]["id"] == initiative_id
    one = client.get(f"/api/initiatives/{initiative_id}").json()
    assert one["title"] == "Moestuin"
    assert one["allies"][0]["role"] == "initiator"
    assert client.get("/api/me").json()["display_name"] == "Anna"


def test_the_api_writes_with_the_csrf_header_and_the_same_rights(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    created = client.post(
        "/api/initiatives",
        json={"title": "Buurtfeest", "tags": ["feest"]},
        headers=_csrf_header(client),
    )
    assert created.status_code == 201, created.text
    initiative_id = created.json()["id"]
    task = client.post(
        f"/api/initiatives/{initiative_id}/tasks",
        json={"title": "Tafels lenen"},
        headers=_csrf_header(client),
    )
    assert task.status_code == 201
    with Browser(client) as bob:
        register(bob, "Bob")
        refused = bob.put(
            f"/api/initiatives/{initiative_id}",
            json={"title": "Van Bob"},
            headers=_csrf_header(bob),
        )
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden"
        joined = bob.post(
            f"/api/initiatives/{initiative_id}/join",
            json={"offer": "Ik bak taarten"},
            headers=_csrf_header(bob),
        )
        assert joined.status_code == 200
        assert any(a["offer"] == "Ik bak taarten" for a in joined.json()["allies"])
    assert client.get(f"/api/initiatives/{initiative_id}").json()["title"] == "Buurtfeest"


def test_api_errors_are_json_with_the_field(client: TestClient[Litestar]) -> None:
    register(client)
    invalid = client.post(
        "/api/initiatives", json={"title": "x" * 300}, headers=_csrf_header(client)
    )
    assert invalid.status_code == 400
    assert invalid.json()["field"] == "title"
    assert "hoogstens 200 tekens" in invalid.json()["message"]
    missing = client.get("/api/initiatives/2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    no_token = client.post("/api/initiatives", json={"title": "Zonder token"})
    assert no_token.status_code == 403
    assert no_token.json()["error"] == "csrf"
    assert client.get("/api/initiatives").json()["total"] == 0


def test_the_api_is_documented_by_openapi(client: TestClient[Litestar]) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/api/initiatives" in schema["paths"]
    assert "/api/initiatives/{initiative_id}" in schema["paths"]
    assert "/api/discussions/{discussion_id}/comments" in schema["paths"]
    assert not any(not path.startswith("/api") for path in schema["paths"])
