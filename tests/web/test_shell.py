"""The page shell: security headers, static files, errors, the language switch, CSRF."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from node.settings import Settings
from web.app import create_app

from .builders import register

VENDOR = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor"


def test_unknown_page_is_a_plain_dutch_404(client: TestClient[Litestar]) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Niet gevonden" in response.text
    assert "Traceback" not in response.text


def test_pages_carry_a_strict_content_security_policy(client: TestClient[Litestar]) -> None:
    response = client.get("/bestaat-niet")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text  # no inline scripts, only <script src>


def test_vendored_htmx_matches_its_recorded_checksum(client: TestClient[Litestar]) -> None:
    record = (VENDOR / "htmx.VERSION").read_text()
    name, digest = re.search(r"(htmx-[\d.]+\.min\.js) sha256 ([0-9a-f]{64})", record).groups()  # type: ignore[union-attr]
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest
    served = client.get(f"/static/vendor/{name}")
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == digest
    assert f"/static/vendor/{name}" in client.get("/bestaat-niet").text


def test_language_switch_sets_a_cookie_and_shows_english(client: TestClient[Litestar]) -> None:
    response = client.get("/taal/en?next=/over", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/over"
    page = client.get("/over")
    assert "About Together in Testdorp" in page.text
    assert '<html lang="en">' in page.text
    assert 'href="/taal/nl?next=/over"' in page.text
    assert "Not found" in client.get("/bestaat-niet").text


def test_browser_language_is_used_without_a_cookie(client: TestClient[Litestar]) -> None:
    page = client.get("/bestaat-niet", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text


def test_language_switch_never_redirects_off_site(client: TestClient[Litestar]) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.get("/taal/nl", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


def test_post_without_csrf_token_is_refused_with_a_clear_message(
    client: TestClient[Litestar],
) -> None:
    client.get("/over")
    response = client.post("/uitloggen", data={})
    assert response.status_code == 403
    assert "formulier is verlopen" in response.text


def test_post_with_forged_csrf_token_is_refused(client: TestClient[Litestar]) -> None:
    client.get("/over")
    response = client.post("/uitloggen", data={"_csrf_token": "0" * 128})
    assert response.status_code == 403
    assert "formulier is verlopen" in response.text


def _texts_to_translate() -> set[str]:
    """The msgids of web/ (templates and code) and of node/ (its refusals, marked with N_),
    extracted now as web/babel.cfg does."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    web = VENDOR.parents[1]
    wanted: set[str] = set()
    for folder in (web, web.parent / "node"):
        found = extract_from_dir(
            str(folder),
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
            keywords={**DEFAULT_KEYWORDS, "N_": None},
        )
        wanted |= {m if isinstance(m, str) else m[0] for *_, m, _, _ in found}
    return wanted


def _english_catalog() -> Any:
    from babel.messages.pofile import read_po

    po = VENDOR.parents[1] / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        return read_po(handle, locale="en")


def test_the_english_catalog_translates_every_text_of_the_pages_and_of_the_node() -> None:
    """A new Dutch text without an English translation fails here: a page text, or a message
    node/ refuses something with (which residents read on the pages and in the API)."""
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in _english_catalog()
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    wanted = _texts_to_translate()
    assert "Niet gevonden: %(what)s." in wanted  # node/ is read as well
    assert wanted - translated == set()


def test_english_translations_keep_the_placeholders_of_the_dutch() -> None:
    """A translation that drops or renames a %(name)s would show the Dutch instead."""
    catalog = _english_catalog()
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_an_unexpected_error_is_a_calm_page_without_a_traceback(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.routes.initiatives as pages

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(pages, "get_initiative", broken)
    response = client.get("/initiatieven/2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "database on fire" not in response.text
    assert "Traceback" not in response.text
    monkeypatch.setattr("web.routes.api.get_initiative", broken)
    api = client.get("/api/initiatives/2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN")
    assert api.status_code == 500
    assert api.json()["error"] == "error"


def test_cookies_are_secure_when_the_node_is_served_over_https(settings: Settings) -> None:
    secure = msgspec.structs.replace(settings, secure_cookies=True)
    with TestClient(create_app(secure), base_url="https://testserver.local") as client:
        page = client.get("/inloggen")
        assert "Secure" in page.headers["set-cookie"]
        assert "HttpOnly" in page.headers["set-cookie"]
        token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
        response = client.post(
            "/registreren",
            data={
                "display_name": "Anna",
                "email": "anna@example.org",
                "password": "een lang wachtwoord",
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        session = response.headers["set-cookie"]
        assert "mekaar_session=" in session
        assert "Secure" in session
        assert "HttpOnly" in session


def test_debug_mode_shows_the_traceback(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.routes.about as about

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(about, "Template", broken)
    debug = msgspec.structs.replace(settings, debug=True)
    with TestClient(create_app(debug)) as client:
        response = client.get("/over")
    assert response.status_code == 500
    assert "database on fire" in response.text


def test_a_page_whose_handler_does_not_ask_who_is_acting_still_shows_the_logged_in_header(
    client: TestClient[Litestar],
) -> None:
    person_id = register(client, "Anna")
    about = client.get("/over").text
    assert f'<a href="/mensen/{person_id}">Anna</a>' in about
    assert "Uitloggen" in about
    assert 'href="/inloggen"' not in about


def test_pages_link_a_favicon_that_is_served(client: TestClient[Litestar]) -> None:
    page = client.get("/over").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
