"""What a node keeps between requests stays current: facets and cached pages follow every change."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from web.page_cache import HIT

from .builders import Browser, post_initiative, register


def test_the_tag_and_neighbourhood_choices_follow_a_new_initiative(
    client: TestClient[Litestar],
) -> None:
    register(client)
    post_initiative(client, "Moestuin", neighbourhood="Centrum", tags="groen")
    before = client.get("/").text
    assert 'value="groen"' in before
    assert "Zonnedorp" not in before
    post_initiative(client, "Zonnepanelen", neighbourhood="Zonnedorp", tags="energie")
    after = client.get("/").text
    assert 'value="energie"' in after
    assert "Zonnedorp" in after


def test_a_second_anonymous_visit_is_served_from_the_cache_without_cookies_or_tokens(
    client: TestClient[Litestar],
) -> None:
    with Browser(client) as visitor:
        first = visitor.get("/")
    with Browser(client) as other:
        second = other.get("/")
    assert first.headers[HIT] == "miss"
    assert second.headers[HIT] == "hit"
    assert second.text == first.text
    assert "x-csrftoken" not in second.text
    assert "mekaar_session" not in second.headers.get("set-cookie", "")


def test_the_cached_list_shows_a_new_initiative_at_once(client: TestClient[Litestar]) -> None:
    visitor = Browser(client)
    with visitor as browser:
        assert "Zonnepanelen" not in browser.get("/").text
        assert browser.get("/").headers[HIT] == "hit"
    register(client)
    post_initiative(client, "Zonnepanelen")
    with visitor as browser:
        assert "Zonnepanelen" in browser.get("/").text


def test_people_logged_in_never_get_a_cached_page(client: TestClient[Litestar]) -> None:
    with Browser(client) as visitor:
        visitor.get("/")
        visitor.get("/")
    register(client, "Anna")
    page = client.get("/")
    assert HIT not in page.headers
    assert "Anna" in page.text
    assert "x-csrftoken" in page.text
