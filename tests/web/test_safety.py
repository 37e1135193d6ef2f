"""Escaping and sanitising: hostile text from residents and from other villages."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import foreign_initiative, post_form, post_initiative, register

HOSTILE = "<script>alert(1)</script>"


def test_a_hostile_title_from_another_village_is_shown_escaped(
    client: TestClient[Litestar],
) -> None:
    doc_id = foreign_initiative(
        client, HOSTILE, f'Klik <a href="javascript:alert(2)">hier</a> {HOSTILE}'
    )
    for path in ("/", f"/initiatieven/{doc_id}", "/?zoek=alert"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert HOSTILE not in page.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path
    detail = client.get(f"/initiatieven/{doc_id}").text
    assert '<a href="javascript' not in detail
    assert "&lt;a href=&#34;javascript:alert(2)&#34;&gt;" in detail
    assert "Dit initiatief komt uit een ander dorp." in detail


def test_a_hostile_local_text_is_sanitised_and_links_are_kept_safe(
    client: TestClient[Litestar],
) -> None:
    register(client)
    initiative_id = post_initiative(
        client,
        HOSTILE,
        description=f"Zie https://example.org/plan {HOSTILE}\n\n<img src=x onerror=alert(3)>",
    )
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert HOSTILE not in page
    assert "onerror" not in page
    assert '<a href="https://example.org/plan" rel="nofollow noopener noreferrer">' in page
    assert "<title>&lt;script&gt;" in page


def test_an_error_message_that_quotes_hostile_input_is_escaped(
    client: TestClient[Litestar],
) -> None:
    register(client)
    response = post_form(client, "/initiatieven", {"title": "Goed", "tags": HOSTILE + "x" * 40})
    assert response.status_code == 400
    assert "is langer dan 40 tekens" in response.text
    assert "<script>alert" not in response.text
