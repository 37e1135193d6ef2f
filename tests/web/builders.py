"""Small builders for web tests: people who register and log in over HTTP, and the things they
make, all through the same forms a resident uses."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import TestClient

_numbers = itertools.count(1)
PASSWORD = "een lang wachtwoord"


def csrf_of(client: TestClient[Litestar], path: str = "/over") -> str:
    page = client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, f"{path} carries no CSRF token"
    return match.group(1)


def post_form(
    client: TestClient[Litestar],
    path: str,
    data: dict[str, Any] | None = None,
    *,
    htmx: bool = False,
    follow: bool = False,
) -> Any:
    """A form post as a browser makes it: with the page's CSRF token in a hidden field."""
    body = {**(data or {}), "_csrf_token": csrf_of(client)}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data=body, headers=headers, follow_redirects=follow)


def register(client: TestClient[Litestar], name: str = "Anna") -> str:
    """Register and stay logged in; returns the new person's id."""
    email = f"{name.lower()}{next(_numbers)}@example.org"
    response = post_form(
        client,
        "/registreren",
        {"display_name": name, "email": email, "password": PASSWORD, "neighbourhood": "Centrum"},
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


class Browser:
    """Another browser on the same running app: its own cookies (session, CSRF, language).

    `with Browser(client) as bob:` makes `client` act as that browser inside the block; the
    cookies are kept, so the same Browser can be entered again later.
    """

    def __init__(self, client: TestClient[Litestar]) -> None:
        self.client = client
        self.cookies = httpx.Cookies()
        self._saved = httpx.Cookies()

    def __enter__(self) -> TestClient[Litestar]:
        self._saved = self.client.cookies
        self.client.cookies = self.cookies
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.cookies = self.client.cookies
        self.client.cookies = self._saved


def post_initiative(client: TestClient[Litestar], title: str = "Moestuin", **fields: str) -> str:
    data = {
        "title": title,
        "summary": "Samen groente kweken achter de school.",
        "description": "Eerste alinea.\n\nTweede alinea.",
        "neighbourhood": "Centrum",
        "tags": "groen, kinderen",
        "status": "looking_for_allies",
        **fields,
    }
    response = post_form(client, "/initiatieven", data)
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def version_of(html: str) -> str:
    match = re.search(r'name="version" value="([^"]*)"', html)
    assert match, "edit forms carry the version they were rendered with"
    return match.group(1)
