"""Discussions over HTTP: current topics, an initiative's thread, comments and replies."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from node.discussions import pages

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


def test_a_long_thread_is_read_in_pages(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 3 here (100 on a node): the first page shows the oldest, links lead on without
    JavaScript, a reply that starts a page says what it answers, an old link lands on the last
    page, a new comment is shown on its page, and htmx swaps only the comments."""
    monkeypatch.setattr(pages, "COMMENTS_PER_PAGE", 3)
    register(client, "Anna")
    discussion_id = _start(client)
    url = f"/gesprekken/{discussion_id}"
    ids = []
    for n in range(1, 8):
        reply_to = ids[1] if n == 4 else ""  # the fourth answers the second and is read after it
        posted = post_form(
            client, f"{url}/reacties", {"body": f"Bijdrage {n}", "reply_to": reply_to}
        )
        assert posted.status_code == 303, posted.text
        ids.append(posted.headers["location"].rsplit("#reactie-", 1)[1])
        page = {5: 2, 6: 2, 7: 3}.get(n, 1)  # its page when it was posted
        assert posted.headers["location"].startswith(url + (f"?pagina={page}" if page > 1 else "#"))

    first = client.get(url).text
    assert "7 reacties" in first and "pagina 1 van 3" in first
    assert _bodies(first) == ["Bijdrage 1", "Bijdrage 2", "Bijdrage 4"]
    assert f'href="{url}?pagina=2#reacties"' in first and f'href="{url}?pagina=3#reacties"' in first

    second = client.get(f"{url}?pagina=2").text
    assert _bodies(second) == ["Bijdrage 3", "Bijdrage 5", "Bijdrage 6"]
    assert "Reacties 4\u20136 van 7" in second
    assert "Vervolg van de draad" not in second  # page 2 starts with a comment of its own

    last = client.get(f"{url}?pagina=99").text
    assert _bodies(last) == ["Bijdrage 7"] and "pagina 3 van 3" in last
    assert _bodies(client.get(f"{url}?pagina=drie").text) == _bodies(first)

    swapped = client.get(f"{url}?pagina=2", headers={"HX-Request": "true", "HX-Target": "reacties"})
    assert swapped.text.lstrip().startswith('<section id="reacties"')
    assert _bodies(swapped.text) == _bodies(second)

    api = client.get(f"/api/discussions/{discussion_id}", params={"page": 3, "per_page": 2})
    assert [c["body"] for c in api.json()["comments"]] == ["Bijdrage 5", "Bijdrage 6"]
    assert (api.headers["x-total-count"], api.headers["x-page-count"]) == ("7", "4")
    assert len(client.get(f"/api/discussions/{discussion_id}").json()["comments"]) == 7

    # Anna is the host, a moderator: hiding a comment returns her to it, on its page
    assert f'name="next" value="{url}?pagina=2#reactie-{ids[2]}"' in second
    posted = post_form(client, f"{url}/reacties", {"body": "Bijdrage 8"}, htmx=True)
    assert _bodies(posted.text) == ["Bijdrage 7", "Bijdrage 8"]  # the page the new one is on
    assert f'value="{url}/reacties' not in posted.text  # never back to a POST-only address


def test_a_page_that_starts_with_a_reply_links_to_what_it_answers(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "COMMENTS_PER_PAGE", 2)
    register(client, "Anna")
    discussion_id = _start(client)
    url = f"/gesprekken/{discussion_id}"
    first = post_form(client, f"{url}/reacties", {"body": "Eerste"})
    first_id = first.headers["location"].rsplit("#reactie-", 1)[1]
    post_form(client, f"{url}/reacties", {"body": "Tweede"})
    reply = post_form(client, f"{url}/reacties", {"body": "Antwoord", "reply_to": first_id})
    # reading order: Eerste, Antwoord, Tweede — no page starts with the reply; one more reply does
    post_form(client, f"{url}/reacties", {"body": "Nog een antwoord", "reply_to": first_id})
    assert reply.status_code == 303
    page = client.get(f"{url}?pagina=2").text
    assert _bodies(page) == ["Nog een antwoord", "Tweede"]
    assert "Vervolg van de draad bij" in page
    assert f'href="{url}#reactie-{first_id}"' in page


def _bodies(html: str) -> list[str]:
    return re.findall(r"<p>(Bijdrage \d|Eerste|Tweede|Antwoord|Nog een antwoord)</p>", html)
