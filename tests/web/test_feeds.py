"""RSS and Atom feeds: what a feed reader (or the local broadcaster) gets, parsed back with a real
XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from node.identity import init_node
from node.settings import Settings
from web.app import create_app

from .builders import foreign_initiative, post_form, post_initiative, register

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver.local"
HOSTILE = "<script>alert(1)</script>"


def rss_items(client: TestClient[Litestar], path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    return [{child.tag: (child.text or "") for child in item} for item in channel.findall("item")]


def atom_entries(client: TestClient[Litestar], path: str) -> list[ET.Element]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def share_news(client: TestClient[Litestar], initiative_id: str, title: str) -> None:
    response = post_form(
        client, f"/initiatieven/{initiative_id}/nieuws", {"title": title, "body": "Het gaat goed."}
    )
    assert response.status_code == 303, response.text


def test_node_feed_lists_new_initiatives_and_news_newest_first(
    client: TestClient[Litestar],
) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    party = post_initiative(client, "Straatfeest")
    share_news(client, garden, "De bakken staan er")

    items = rss_items(client, "/nieuws.rss")
    assert [item["title"] for item in items] == [
        "Moestuin: De bakken staan er",
        "Nieuw initiatief: Straatfeest",
        "Nieuw initiatief: Moestuin",
    ]
    assert items[0]["link"] == f"{BASE}/initiatieven/{garden}#nieuws"
    assert items[1]["link"] == f"{BASE}/initiatieven/{party}"
    assert items[0]["description"] == "Het gaat goed."
    assert len({item["guid"] for item in items}) == 3

    entries = atom_entries(client, "/nieuws.atom")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [item["title"] for item in items]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    assert links == [item["link"] for item in items]


def test_feed_ids_stay_the_same_across_requests(client: TestClient[Litestar]) -> None:
    register(client)
    post_initiative(client, "Moestuin")
    first = [item["guid"] for item in rss_items(client, "/nieuws.rss")]
    assert first == [item["guid"] for item in rss_items(client, "/nieuws.rss")]


def test_neighbourhood_feed_holds_only_that_neighbourhood(client: TestClient[Litestar]) -> None:
    register(client)
    post_initiative(client, "Moestuin", neighbourhood="Centrum")
    post_initiative(client, "Speeltuin", neighbourhood="De Hoek")
    titles = [item["title"] for item in rss_items(client, "/nieuws.rss?wijk=de%20hoek")]
    assert titles == ["Nieuw initiatief: Speeltuin"]


def test_initiative_feed_has_its_news_and_status_changes(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    post_initiative(client, "Straatfeest")
    share_news(client, garden, "De bakken staan er")
    moved = post_form(client, f"/initiatieven/{garden}/stand", {"status": "active"})
    assert moved.status_code == 303
    post_form(client, f"/initiatieven/{garden}/taken", {"title": "Zaaien"})
    task = client.get(f"/api/initiatives/{garden}").json()["tasks"][0]["id"]
    post_form(client, f"/initiatieven/{garden}/taken/{task}/klaar")  # a task's status: no item

    items = rss_items(client, f"/initiatieven/{garden}/nieuws.rss")
    titles = [item["title"] for item in items]
    assert set(titles) == {
        "Moestuin: De bakken staan er",
        "Moestuin: nu aan de slag",
        "Nieuw initiatief: Moestuin",
    }
    assert titles[-1] == "Nieuw initiatief: Moestuin"  # the oldest
    assert all(item["link"].startswith(f"{BASE}/initiatieven/{garden}") for item in items)
    assert len(atom_entries(client, f"/initiatieven/{garden}/nieuws.atom")) == 3


def test_hostile_title_from_another_village_is_text_never_markup(
    client: TestClient[Litestar],
) -> None:
    foreign = foreign_initiative(client, HOSTILE, "Gewone tekst.")
    for path in ("/nieuws.rss", "/nieuws.atom", f"/initiatieven/{foreign}/nieuws.rss"):
        raw = client.get(path).content
        assert b"<script" not in raw, path
        assert b"&lt;script&gt;" in raw, path
    items = rss_items(client, "/nieuws.rss")
    assert items[0]["title"] == f"Nieuw initiatief: {HOSTILE}"
    for entry in atom_entries(client, "/nieuws.atom"):
        title = entry.find(f"{ATOM}title")
        assert title is not None and len(title) == 0  # no child elements: text only
        assert title.get("type", "text") == "text"
        assert title.text == f"Nieuw initiatief: {HOSTILE}"


def test_pages_point_feed_readers_at_their_feeds(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    home = client.get("/?wijk=Centrum").text
    assert (
        '<link rel="alternate" type="application/rss+xml" href="/nieuws.rss?wijk=Centrum"' in home
    )
    assert 'type="application/atom+xml" href="/nieuws.atom?wijk=Centrum"' in home
    page = client.get(f"/initiatieven/{garden}").text
    assert f'type="application/rss+xml" href="/initiatieven/{garden}/nieuws.rss"' in page
    assert f'href="/initiatieven/{garden}/agenda.ics"' in page


def test_feeds_set_no_cookies(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    for path in ("/nieuws.rss", "/nieuws.atom", f"/initiatieven/{garden}/nieuws.atom"):
        assert "set-cookie" not in client.get(path).headers, path


@pytest.mark.parametrize(
    "path",
    ["/initiatieven/onbekend/nieuws.rss", "/initiatieven/2EQDi2eykVzviK1PLduz5BZV8sVX/nieuws.atom"],
)
def test_feed_of_an_unknown_initiative_is_not_found(
    client: TestClient[Litestar], path: str
) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["aantal=51", "aantal=-1", "aantal=veel", "wijk=" + "x" * 101])
def test_feed_parameters_are_bounded(client: TestClient[Litestar], query: str) -> None:
    assert client.get(f"/nieuws.rss?{query}").status_code == 400


def test_feed_length_follows_aantal(client: TestClient[Litestar]) -> None:
    register(client)
    for title in ("Een", "Twee", "Drie"):
        post_initiative(client, title)
    titles = [item["title"] for item in rss_items(client, "/nieuws.rss?aantal=2")]
    assert titles == ["Nieuw initiatief: Drie", "Nieuw initiatief: Twee"]


def test_short_feed_still_holds_exactly_the_newest_items(client: TestClient[Litestar]) -> None:
    register(client)
    first = post_initiative(client, "Een")
    for title in ("Twee", "Drie", "Vier"):
        post_initiative(client, title)
    share_news(client, first, "Nieuws van een")
    titles = [item["title"] for item in rss_items(client, "/nieuws.rss?aantal=3")]
    assert titles == ["Een: Nieuws van een", "Nieuw initiatief: Vier", "Nieuw initiatief: Drie"]
    titles = [item["title"] for item in rss_items(client, "/nieuws.rss?aantal=1")]
    assert titles == ["Een: Nieuws van een"]


@pytest.fixture
def public_client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    data = tmp_path / "data"
    init_node(data, "Wezep")
    settings = Settings(data_dir=str(data), public_url="https://wezep.example/")
    with TestClient(create_app(settings)) as client:
        yield client


def test_feed_links_use_the_public_address_when_set(
    public_client: TestClient[Litestar],
) -> None:
    register(public_client)
    garden = post_initiative(public_client, "Moestuin")
    items = rss_items(public_client, "/nieuws.rss")
    assert items[0]["link"] == f"https://wezep.example/initiatieven/{garden}"
    feed = ET.fromstring(public_client.get("/nieuws.atom").content)
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "https://wezep.example/nieuws.atom"


def test_a_reader_with_the_current_version_gets_not_modified(
    client: TestClient[Litestar],
) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    first = client.get("/nieuws.rss")
    etag = first.headers["etag"]
    again = client.get("/nieuws.rss", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    share_news(client, garden, "De bakken staan er")
    changed = client.get("/nieuws.rss", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert b"De bakken staan er" in changed.content
