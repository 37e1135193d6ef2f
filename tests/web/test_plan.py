"""The action plan board over HTTP: add, take, finish; who may; bad dates."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, post_form, post_initiative, register


def _task_ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"/taken/([^/\"]+)/klaar", html)))


def test_allies_add_take_and_finish_tasks_and_see_progress(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    page = post_form(
        client,
        f"/initiatieven/{initiative_id}/taken",
        {"title": "Aarde bestellen", "due": "2030-05-01"},
        follow=True,
    )
    assert "Aarde bestellen" in page.text
    assert "1 mei 2030" in page.text
    assert "0 van 1 taken klaar" in page.text
    (task_id,) = _task_ids(page.text)
    taken = post_form(
        client, f"/initiatieven/{initiative_id}/taken/{task_id}/oppakken", follow=True
    )
    assert re.search(r"Opgepakt</h3>\s*<div class=\"task\">\s*<p><strong>Aarde", taken.text)
    done = post_form(client, f"/initiatieven/{initiative_id}/taken/{task_id}/klaar", follow=True)
    assert "1 van 1 taken klaar" in done.text
    assert 'value="100"' in done.text
    mine = client.get("/mijn")
    assert "Aarde bestellen" in mine.text


def test_task_actions_with_htmx_return_only_the_board(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    response = post_form(
        client, f"/initiatieven/{initiative_id}/taken", {"title": "Flyers maken"}, htmx=True
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="plan"')
    assert "Flyers maken" in response.text


def test_a_task_button_is_named_with_the_task_title(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    board = post_form(
        client, f"/initiatieven/{initiative_id}/taken", {"title": "Flyers maken"}, htmx=True
    ).text
    # the name a screen reader reads: the visible label, a colon, the title (no stray space)
    assert (
        '<button type="submit" class="secondary" aria-label="Ik pak dit op: Flyers maken">'
        "Ik pak dit op</button>"
    ) in board
    assert 'aria-label="Klaar: Flyers maken">Klaar</button>' in board


def test_someone_who_has_not_joined_cannot_add_or_take_tasks(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    page = post_form(
        client, f"/initiatieven/{initiative_id}/taken", {"title": "Eerste"}, follow=True
    )
    (task_id,) = _task_ids(page.text)
    with Browser(client) as carl:
        register(carl, "Carl")
        assert "Taak toevoegen" not in carl.get(f"/initiatieven/{initiative_id}").text
        added = post_form(carl, f"/initiatieven/{initiative_id}/taken", {"title": "Stiekem"})
        taken = post_form(carl, f"/initiatieven/{initiative_id}/taken/{task_id}/oppakken")
        assert added.status_code == 403
        assert taken.status_code == 403
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert "Stiekem" not in page
    assert "0 van 1 taken klaar" in page


def test_an_invalid_due_date_is_explained_and_the_title_kept(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    for htmx in (False, True):
        response = post_form(
            client,
            f"/initiatieven/{initiative_id}/taken",
            {"title": "Aarde bestellen", "due": "31-02-2030"},
            htmx=htmx,
        )
        assert response.status_code == 400
        assert "Geef een geldige datum" in response.text
        assert 'value="Aarde bestellen"' in response.text
        assert ("<html" in response.text) is not htmx
    assert "Aarde bestellen</strong>" not in client.get(f"/initiatieven/{initiative_id}").text


def test_an_unknown_task_is_a_404(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    response = post_form(client, f"/initiatieven/{initiative_id}/taken/onbekend1/klaar")
    assert response.status_code == 404


def test_a_task_can_be_given_back_and_reopened(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    page = post_form(client, f"/initiatieven/{initiative_id}/taken", {"title": "Tent"}, follow=True)
    (task_id,) = _task_ids(page.text)
    base = f"/initiatieven/{initiative_id}/taken/{task_id}"
    taken = post_form(client, f"{base}/oppakken", follow=True).text
    assert "Geef terug" in taken
    released = post_form(client, f"{base}/teruggeven", follow=True).text
    assert re.search(r"Open</h3>\s*<div class=\"task\">\s*<p><strong>Tent", released)
    post_form(client, f"{base}/klaar")
    reopened = post_form(client, f"{base}/heropenen", follow=True).text
    assert "0 van 1 taken klaar" in reopened
    assert post_form(client, f"{base}/verzinsel").status_code == 404
