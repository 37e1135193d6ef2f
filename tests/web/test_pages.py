"""Every page, as a visitor and as people with different roles: it renders, every form control has
a label, and nothing needs inline JavaScript or styles (the CSP forbids them)."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, page_problems, post_form, post_initiative, register


def _pages(client: TestClient[Litestar], paths: list[str]) -> None:
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert page_problems(response.text) == [], path


def test_every_page_renders_labelled_and_without_inline_code(
    client: TestClient[Litestar],
) -> None:
    anna = register(client, "Anna")  # the host: sees moderation controls too
    initiative_id = post_initiative(client, "Moestuin")
    post_form(client, f"/initiatieven/{initiative_id}/taken", {"title": "Zaad kopen"})
    post_form(
        client,
        f"/initiatieven/{initiative_id}/nodig",
        {"kind": "skills", "description": "Hulp", "skill": "timmeren"},
    )
    thread = post_form(client, f"/initiatieven/{initiative_id}/gesprek")
    discussion_id = thread.headers["location"].rsplit("/", 1)[1]
    post_form(client, f"/gesprekken/{discussion_id}/reacties", {"body": "Leuk!"})
    organisation = post_form(client, "/organisaties", {"name": "Gemeente", "kind": "municipality"})
    organisation_id = organisation.headers["location"].rsplit("/", 1)[1]
    pages = [
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
    ]
    _pages(client, pages)
    with Browser(client) as bob:
        register(bob, "Bob")
        _pages(bob, [f"/initiatieven/{initiative_id}", f"/gesprekken/{discussion_id}", "/mijn"])
    with Browser(client) as visitor:
        _pages(visitor, ["/", "/inloggen", "/registreren", f"/initiatieven/{initiative_id}"])


def test_the_page_is_shown_in_english_when_asked(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client, "Moestuin")
    page = client.get(f"/initiatieven/{initiative_id}", headers={"accept-language": "en"}).text
    assert "Action plan" in page
    assert "Allies" in page
    assert re.search(r'aria-current="step">Finding allies', page)
    assert "Plan van aanpak" not in page
