"""Moderators hide and show content on this node; authors still see theirs, marked."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, post_form, post_initiative, register


def test_a_moderator_hides_and_shows_an_initiative(client: TestClient[Litestar]) -> None:
    register(client, "Host")  # the first account of a node is its host (a moderator)
    bob = Browser(client)
    with bob:
        register(client, "Bob")
        initiative_id = post_initiative(client, "Koop nu goedkope horloges")
    hidden = post_form(
        client,
        "/moderatie/verbergen",
        {"doc_id": initiative_id, "reason": "reclame", "next": f"/initiatieven/{initiative_id}"},
        follow=True,
    )
    assert "Dit initiatief is verborgen door een moderator" in hidden.text
    assert "Weer tonen" in hidden.text
    with Browser(client) as visitor:
        assert visitor.get(f"/initiatieven/{initiative_id}").status_code == 404
        assert "horloges" not in visitor.get("/").text
    with bob:
        own = client.get(f"/initiatieven/{initiative_id}")
        assert own.status_code == 200
        assert "verborgen door een moderator" in own.text
    post_form(client, "/moderatie/tonen", {"doc_id": initiative_id})
    with Browser(client) as visitor:
        assert visitor.get(f"/initiatieven/{initiative_id}").status_code == 200


def test_a_hidden_comment_shows_as_a_placeholder(client: TestClient[Litestar]) -> None:
    register(client, "Host")
    started = post_form(client, "/gesprekken", {"title": "Hondenpoep"})
    discussion_id = started.headers["location"].rsplit("/", 1)[1]
    with Browser(client) as bob:
        register(bob, "Bob")
        page = post_form(
            bob, f"/gesprekken/{discussion_id}/reacties", {"body": "Scheldwoord"}, follow=True
        )
        comment_id = re.search(r'id="reactie-([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    post_form(
        client,
        "/moderatie/verbergen",
        {"doc_id": discussion_id, "item_id": comment_id, "reason": "schelden"},
    )
    with Browser(client) as visitor:
        page = visitor.get(f"/gesprekken/{discussion_id}").text
        assert "Scheldwoord" not in page
        assert "Deze reactie is verborgen door een moderator." in page


def test_residents_cannot_moderate(client: TestClient[Litestar]) -> None:
    register(client, "Host")
    initiative_id = post_initiative(client)
    with Browser(client) as bob:
        register(bob, "Bob")
        refused = post_form(
            bob, "/moderatie/verbergen", {"doc_id": initiative_id, "reason": "pesten"}
        )
        assert refused.status_code == 403
    with Browser(client) as visitor:
        assert visitor.get(f"/initiatieven/{initiative_id}").status_code == 200
