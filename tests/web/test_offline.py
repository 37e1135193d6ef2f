"""What phones need to keep working offline (docs/offline.md): actions that have their effect once
when a phone's outbox sends them again, the service worker and manifest with the headers browsers
require, the offline page, and a fresh CSRF token for a replay."""

from __future__ import annotations

import json
import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, csrf_of, form_fields, post_form, post_initiative, register


def _discussion(client: TestClient[Litestar]) -> str:
    response = post_form(client, "/gesprekken", {"title": "Verkeer", "intro": "Te hard."})
    return str(response.headers["location"].rsplit("/", 1)[1])


def _comment_count(client: TestClient[Litestar], discussion_id: str) -> int:
    return len(re.findall(r'id="reactie-', client.get(f"/gesprekken/{discussion_id}").text))


def test_action_forms_carry_a_fresh_idempotency_key(client: TestClient[Litestar]) -> None:
    register(client)
    discussion_id = _discussion(client)
    action = f"/gesprekken/{discussion_id}/reacties"
    first = form_fields(client.get(f"/gesprekken/{discussion_id}").text, action)
    second = form_fields(client.get(f"/gesprekken/{discussion_id}").text, action)
    assert re.fullmatch(r"[0-9a-f-]{36}", first["idempotency_key"])
    assert first["idempotency_key"] != second["idempotency_key"]


def test_a_comment_posted_twice_with_one_key_is_one_comment(client: TestClient[Litestar]) -> None:
    register(client)
    discussion_id = _discussion(client)
    body = {"body": "Drempels graag.", "idempotency_key": "k-1"}
    path = f"/gesprekken/{discussion_id}/reacties"
    first = post_form(client, path, body)
    again = post_form(client, path, body, htmx=True)
    assert first.status_code == 303 and again.status_code == 200
    assert _comment_count(client, discussion_id) == 1
    post_form(client, path, {"body": "Drempels graag.", "idempotency_key": "k-2"})
    post_form(client, path, {"body": "Zonder sleutel."})
    assert _comment_count(client, discussion_id) == 3


def test_a_replay_may_carry_its_key_in_a_header(client: TestClient[Litestar]) -> None:
    register(client)
    discussion_id = _discussion(client)
    path = f"/gesprekken/{discussion_id}/reacties"
    for _ in range(2):
        token = client.get("/csrf").json()["token"]
        response = client.post(
            path,
            data={"body": "Via de wachtrij."},
            headers={"x-csrftoken": token, "Idempotency-Key": "k-9", "X-Outbox-Replay": "1"},
            follow_redirects=False,
        )
        assert response.status_code == 303
    assert _comment_count(client, discussion_id) == 1


def test_one_key_used_by_two_people_makes_two_comments(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    discussion_id = _discussion(client)
    path = f"/gesprekken/{discussion_id}/reacties"
    post_form(client, path, {"body": "Ja.", "idempotency_key": "same"})
    with Browser(client) as bert:
        register(bert, "Bert")
        post_form(bert, path, {"body": "Nee.", "idempotency_key": "same"})
    assert _comment_count(client, discussion_id) == 2


def test_a_task_added_twice_with_one_key_is_one_task(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    path = f"/initiatieven/{initiative_id}/taken"
    for _ in range(2):
        post_form(client, path, {"title": "Flyers maken", "idempotency_key": "t-1"}, htmx=True)
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert page.count("<strong>Flyers maken</strong>") == 1


def test_taking_and_completing_a_task_twice_changes_it_once(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    board = post_form(
        client, f"/initiatieven/{initiative_id}/taken", {"title": "Aarde"}, htmx=True
    ).text
    (task_id,) = set(re.findall(r"/taken/([^/\"]+)/oppakken", board))
    for action in ("oppakken", "oppakken", "klaar", "klaar"):
        response = post_form(client, f"/initiatieven/{initiative_id}/taken/{task_id}/{action}")
        assert response.status_code == 303
    assert "1 van 1 taken klaar" in client.get(f"/initiatieven/{initiative_id}").text


def test_supporting_twice_is_one_supporter(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    with Browser(client) as bert:
        register(bert, "Bert")
        for _ in range(2):
            response = post_form(bert, f"/initiatieven/{initiative_id}/steunen")
            assert response.status_code == 303
        assert "Medestanders (2)" in bert.get(f"/initiatieven/{initiative_id}").text


def test_the_service_worker_is_served_at_the_root_never_cached(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert "set-cookie" not in response.headers
    version = re.search(r'var VERSION = "([0-9a-f]{12})";', response.text)
    assert version, "the version is filled in"


def test_every_file_the_worker_keeps_at_install_is_served(client: TestClient[Litestar]) -> None:
    source = client.get("/sw.js").text
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", source, re.S).group(1))  # type: ignore[union-attr]
    assert "/offline" in precache
    for path in precache:
        assert client.get(path).status_code == 200, path


def test_the_manifest_names_the_village_and_its_icons_are_served(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/").text


def test_the_offline_page_explains_in_plain_dutch(client: TestClient[Litestar]) -> None:
    page = client.get("/offline")
    assert page.status_code == 200
    assert "Deze pagina is nog niet bewaard op uw telefoon" in page.text


def test_pages_keep_a_place_for_the_offline_marker_and_the_outbox(
    client: TestClient[Litestar],
) -> None:
    page = client.get("/").text
    assert 'data-offline-saved=""' in page  # the service worker fills in the time
    assert 'id="wachtrij"' in page
    assert '<script src="/static/js/offline.js" defer></script>' in page


def test_the_csrf_endpoint_gives_a_working_token_and_who_is_logged_in(
    client: TestClient[Litestar],
) -> None:
    assert client.get("/csrf").json()["person"] is None
    person_id = register(client)
    answer = client.get("/csrf")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json()["person"] == person_id
    assert answer.json()["token"] == csrf_of(client, "/")


def test_pages_and_partials_vary_on_hx_request(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/initiatieven/{initiative_id}", headers=headers)
        assert "HX-Request" in response.headers.get("vary", "")
    response = post_form(client, f"/initiatieven/{initiative_id}/steunen", htmx=True)
    assert "HX-Request" in response.headers.get("vary", "")
