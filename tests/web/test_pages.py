"""Every page, as a visitor and as people with different roles: it renders, every form control has
a label, and nothing needs inline JavaScript or styles (the CSP forbids them)."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import (
    Browser,
    page_problems,
    post_form,
    post_initiative,
    register,
    repeated_ids,
)


def _pages(client: TestClient[Litestar], paths: list[str]) -> list[tuple[str, str]]:
    pages = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append((path, response.text))
    return pages


def _every_page(client: TestClient[Litestar]) -> list[tuple[str, str]]:
    """(path, html) of every main page, with content on it: as the host (who sees moderation
    controls too), as an ally who did not start the initiative, and as a visitor; and the
    initiative page shown again (400, no JavaScript) for a refused task and refused news."""
    anna = register(client, "Anna")
    initiative_id = post_initiative(client, "Moestuin")
    post_form(client, f"/initiatieven/{initiative_id}/taken", {"title": "Zaad kopen"})
    post_form(
        client,
        f"/initiatieven/{initiative_id}/nodig",
        {"kind": "skills", "description": "Hulp", "skill": "timmeren"},
    )
    post_form(client, f"/initiatieven/{initiative_id}/nieuws", {"title": "Gestart", "body": "Ja"})
    thread = post_form(client, f"/initiatieven/{initiative_id}/gesprek")
    discussion_id = thread.headers["location"].rsplit("/", 1)[1]
    post_form(client, f"/gesprekken/{discussion_id}/reacties", {"body": "Leuk!"})
    organisation = post_form(client, "/organisaties", {"name": "Gemeente", "kind": "municipality"})
    organisation_id = organisation.headers["location"].rsplit("/", 1)[1]
    pages = _pages(
        client,
        [
            "/",
            "/?zoek=moestuin&stand=looking_for_allies",
            "/over",
            "/mijn",
            "/initiatieven/nieuw",
            f"/initiatieven/{initiative_id}",
            f"/initiatieven/{initiative_id}/bewerken",
            "/gesprekken",
            "/gesprekken/nieuw",
            f"/gesprekken/{discussion_id}",
            f"/gesprekken/{discussion_id}/bewerken",
            f"/mensen/{anna}",
            f"/mensen/{anna}/bewerken",
            "/organisaties",
            "/organisaties/nieuw",
            f"/organisaties/{organisation_id}",
            f"/organisaties/{organisation_id}/bewerken",
        ],
    )
    for path, data in (("taken", {"title": ""}), ("nieuws", {"title": "", "body": "Tekst"})):
        refused = post_form(client, f"/initiatieven/{initiative_id}/{path}", data)
        assert refused.status_code == 400, path
        pages.append((f"{path} refused", refused.text))
    with Browser(client) as bob:
        register(bob, "Bob")
        post_form(bob, f"/initiatieven/{initiative_id}/aansluiten", {"offer": "Ik help"})
        paths = [f"/initiatieven/{initiative_id}", f"/gesprekken/{discussion_id}", "/mijn"]
        pages += _pages(bob, paths)
    with Browser(client) as visitor:
        paths = ["/", "/inloggen", "/registreren", f"/initiatieven/{initiative_id}"]
        pages += _pages(visitor, paths)
    return pages


def test_every_page_renders_labelled_and_without_inline_code(
    client: TestClient[Litestar],
) -> None:
    for path, html in _every_page(client):
        assert page_problems(html) == [], path


def test_no_page_repeats_an_id(client: TestClient[Litestar]) -> None:
    for path, html in _every_page(client):
        assert repeated_ids(html) == [], path


def test_the_task_and_news_forms_each_label_their_own_title(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    page = post_form(client, f"/initiatieven/{initiative_id}/nieuws", {"title": "", "body": "x"})
    assert page.status_code == 400
    assert '<label for="f-task-title">Wat moet er gebeuren?' in page.text
    assert '<label for="f-update-title">Kop' in page.text
    assert 'id="f-title"' not in page.text
    news_title = re.search(r'<input id="f-update-title"[^>]*>', page.text)
    assert news_title is not None
    assert 'aria-describedby="f-update-title-error"' in news_title.group()
    assert '<p class="error" id="f-update-title-error">' in page.text


def test_the_page_is_shown_in_english_when_asked(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client, "Moestuin")
    page = client.get(f"/initiatieven/{initiative_id}", headers={"accept-language": "en"}).text
    assert "Action plan" in page
    assert "Allies" in page
    assert re.search(r'aria-current="step">Finding allies', page)
    assert "Plan van aanpak" not in page
