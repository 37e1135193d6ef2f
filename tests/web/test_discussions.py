"""Discussions over HTTP: current topics, an initiative's thread, comments and replies."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, post_form, post_initiative, register


def _start(client: TestClient[Litestar], title: str = "Verkeer in de Dorpsstraat") -> str:
    response = post_form(
        client, "/gesprekken", {"title": title, "intro": "Er wordt te hard gereden."}
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def test_a_topic_with_comments_and_a_reply(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    discussion_id = _start(client)
    assert "Verkeer in de Dorpsstraat" in client.get("/gesprekken").text
    with Browser(client) as bob:
        register(bob, "Bob")
        commented = post_form(
            bob, f"/gesprekken/{discussion_id}/reacties", {"body": "Drempels graag!"}, follow=True
        )
        assert "Drempels graag!" in commented.text
        comment_id = re.search(r'id="reactie-([^"]+)"', commented.text).group(1)  # type: ignore[union-attr]
    replied = post_form(
        client,
        f"/gesprekken/{discussion_id}/reacties",
        {"body": "Ik bel de gemeente.", "reply_to": comment_id},
        follow=True,
    )
    assert re.search(r'class="comment depth-1"[^>]*>\s*<p class="meta"><a[^>]*>Anna', replied.text)
    assert "2 reacties" in replied.text


def test_commenting_with_htmx_returns_only_the_comments(client: TestClient[Litestar]) -> None:
    register(client)
    discussion_id = _start(client)
    response = post_form(
        client, f"/gesprekken/{discussion_id}/reacties", {"body": "Eens!"}, htmx=True
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="reacties"')


def test_an_empty_comment_is_explained_and_nothing_is_added(client: TestClient[Litestar]) -> None:
    register(client)
    discussion_id = _start(client)
    response = post_form(client, f"/gesprekken/{discussion_id}/reacties", {"body": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert "0 reacties" in client.get(f"/gesprekken/{discussion_id}").text


def test_an_initiative_gets_its_own_thread(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client, "Moestuin")
    thread = post_form(client, f"/initiatieven/{initiative_id}/gesprek", follow=True)
    assert thread.status_code == 200
    assert "Gesprek: Moestuin" in thread.text
    assert f'href="/initiatieven/{initiative_id}"' in thread.text
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert "Lees en praat mee" in page


def test_only_the_starter_edits_a_topic(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    discussion_id = _start(client)
    with Browser(client) as bob:
        register(bob, "Bob")
        refused = post_form(bob, f"/gesprekken/{discussion_id}/bewerken", {"title": "Gekaapt"})
        assert refused.status_code == 403
    assert "Gekaapt" not in client.get(f"/gesprekken/{discussion_id}").text


def test_an_unknown_discussion_is_a_404(client: TestClient[Litestar]) -> None:
    assert client.get("/gesprekken/2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN").status_code == 404
