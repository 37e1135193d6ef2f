"""Small builders for web tests: people who register and log in over HTTP, and the things they
make, all through the same forms a resident uses."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, TypeVar

import base58
import httpx
from litestar import Litestar
from litestar.testing import TestClient

from node.documents.repository import Author, DocumentRepository
from node.projection import project
from node.runtime import Node
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id

from ..foreign import write_foreign_initiative

T = TypeVar("T")

_numbers = itertools.count(1)
PASSWORD = "een lang wachtwoord"


def csrf_of(client: TestClient[Litestar], path: str = "/inloggen") -> str:
    """The token a page gives: in `hx-headers` for people logged in, else in a form's field."""
    page = client.get(path)
    match = re.search(
        r'"x-csrftoken": "([0-9a-f]+)"|name="_csrf_token" value="([0-9a-f]+)"', page.text
    )
    assert match, f"{path} carries no CSRF token"
    return match.group(1) or match.group(2)


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


def run(client: TestClient[Litestar], function: Callable[[], Awaitable[T]]) -> T:
    """Run node code on the app's own event loop (the one its database engine lives on)."""
    return client.blocking_portal.call(function)


def foreign_initiative(client: TestClient[Litestar], title: str, description: str) -> str:
    """An initiative that arrived from another village: its origin_node is another node's id.
    Written through the document repository (as replication stores it) and projected."""
    node: Node = client.app.state.node
    doc_id = write_foreign_initiative(node, title, description, title[:40])

    async def project_it() -> None:
        async with node.sessions() as session:
            await project(session, node.documents.read(doc_id))
            await session.commit()

    run(client, project_it)
    return doc_id


def foreign_organisation(client: TestClient[Litestar], name: str, about: str) -> str:
    """An organisation that arrived from another village (its origin_node is another node's id),
    written through the document repository as replication stores it."""
    node: Node = client.app.state.node
    other_node = base58.b58encode(secrets.token_bytes(32)).decode("ascii")
    elsewhere = DocumentRepository(node.documents.store, other_node)
    stranger = Author(new_document_id(), secrets.token_bytes(16))

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "name", name)
        tx.put(ROOT, "kind", "association")
        text = tx.put_object(ROOT, "about", ObjType.TEXT)
        tx.splice_text(text, 0, 0, about)
        place = tx.put_object(ROOT, "place", ObjType.MAP)
        tx.put(place, "village", "Elders")
        members = tx.put_object(ROOT, "members", ObjType.MAP)
        member = tx.put_object(members, stranger.person_id, ObjType.MAP)
        tx.put(member, "role", "admin")
        tx.put(member, "since", datetime.now(UTC))

    return elsewhere.create("organisation", stranger, "Organisatie aangemaakt", fill)


class _FormReader(HTMLParser):
    """The fields of one <form> (by its action) as a browser would submit them unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, action: str) -> dict[str, str]:
    """What the form posting to `action` would send if submitted as rendered."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.fields, f"no form posting to {action}"
    reader.fields.pop("_csrf_token", None)
    return reader.fields


class _PageChecker(HTMLParser):
    """What a calm, JavaScript-free, CSP-clean page must not have: form controls without a
    label, inline scripts, inline styles or event-handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str]]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag == "script" and "src" not in a:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        if "style" in a:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(f"{k} on <{tag}>" for k in a if k.startswith("on"))
        if tag in ("textarea", "select") or (
            tag == "input" and a.get("type") not in ("hidden", "submit", "button")
        ):
            self.controls.append((tag, a))

    def report(self) -> list[str]:
        for tag, a in self.controls:
            if a.get("id") not in self.label_for and not (
                a.get("aria-label") or a.get("aria-labelledby")
            ):
                self.problems.append(f"<{tag} name={a.get('name')!r}> has no label")
        return self.problems


def page_problems(html: str) -> list[str]:
    checker = _PageChecker()
    checker.feed(html)
    return checker.report()


class _IdCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.counts[value] = self.counts.get(value, 0) + 1


def repeated_ids(html: str) -> list[str]:
    """Ids used more than once: a repeated id gives one control two labels and the other none,
    and sends an error link or aria-describedby to the wrong element."""
    counter = _IdCounter()
    counter.feed(html)
    return sorted(f"{name} ({count}x)" for name, count in counter.counts.items() if count > 1)
