"""The embeddable widget: the one page other sites may frame, and nothing else may be framed."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, foreign_initiative, page_problems, post_initiative, register

BASE = "http://testserver.local"


def frame_ancestors(response: object) -> str:
    csp = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    match = re.search(r"frame-ancestors ([^;]+)", csp)
    assert match, csp
    return match.group(1).strip()


def test_widget_may_be_framed_and_sets_no_cookie(client: TestClient[Litestar]) -> None:
    register(client)
    post_initiative(client, "Moestuin")
    with Browser(client) as visitor:  # a visitor of the broadcaster's site: no cookies at all
        response = visitor.get("/widget")
        assert response.status_code == 200
        assert "set-cookie" not in response.headers
        assert frame_ancestors(response) == "*"
        assert "x-frame-options" not in response.headers
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert not visitor.cookies


def test_every_other_page_still_refuses_framing(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    for path in ("/", f"/initiatieven/{garden}", "/over", "/bestaat-niet", "/widget/extra"):
        response = client.get(path)
        assert frame_ancestors(response) == "'none'", path
        assert response.headers["x-frame-options"] == "DENY", path


def test_widget_links_open_the_node_in_a_new_tab(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    html = client.get("/widget").text
    assert f'href="{BASE}/initiatieven/{garden}" target="_blank" rel="noopener"' in html
    links = re.findall(r"<a [^>]*>", html)
    assert links and all('target="_blank"' in a and 'rel="noopener"' in a for a in links)
    assert "<form" not in html and "<script" not in html
    assert page_problems(html) == []


def test_widget_shows_the_latest_of_a_neighbourhood(client: TestClient[Litestar]) -> None:
    register(client)
    post_initiative(client, "Moestuin", neighbourhood="Centrum")
    post_initiative(client, "Speeltuin", neighbourhood="De Hoek")
    post_initiative(client, "Bankjes", neighbourhood="De Hoek")
    html = client.get("/widget?wijk=De%20Hoek&aantal=1").text
    assert "Bankjes" in html
    assert "Speeltuin" not in html and "Moestuin" not in html
    assert f"{BASE}/?wijk=De+Hoek" in html


def test_widget_shows_a_hostile_title_as_text(client: TestClient[Litestar]) -> None:
    foreign_initiative(client, "<script>alert(1)</script>", "Gewone tekst.")
    html = client.get("/widget").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("query", ["aantal=51", "aantal=-3", "aantal=veel", "wijk=" + "x" * 101])
def test_widget_parameters_are_bounded(client: TestClient[Litestar], query: str) -> None:
    assert client.get(f"/widget?{query}").status_code == 400


def test_about_page_offers_the_iframe_snippet(client: TestClient[Litestar]) -> None:
    html = client.get("/over").text
    assert (
        f"&lt;iframe src=&#34;{BASE}/widget&#34; title=&#34;Initiatieven in Testdorp&#34;" in html
    )
    assert "<iframe" not in html  # shown to copy, not embedded here
