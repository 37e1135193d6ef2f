"""Calendar feeds: dated plan tasks as all-day events a calendar app can subscribe to."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from .builders import post_form, post_initiative, register

BASE = "http://testserver.local"


def add_task(client: TestClient[Litestar], initiative_id: str, title: str, due: str = "") -> str:
    response = post_form(
        client, f"/initiatieven/{initiative_id}/taken", {"title": title, "due": due}
    )
    assert response.status_code == 303, response.text
    tasks = client.get(f"/api/initiatives/{initiative_id}").json()["tasks"]
    return str(next(t["id"] for t in tasks if t["title"] == title))


def events(client: TestClient[Litestar], path: str) -> list[Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert "set-cookie" not in response.headers
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_initiative_calendar_has_one_event_per_dated_task(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    soil = add_task(client, garden, "Aarde bestellen", "2030-05-01")
    add_task(client, garden, "Zaaien", "2030-05-14")
    add_task(client, garden, "Ooit eens opruimen")  # no date: not in a calendar
    node_id = client.get("/api/node").json()["node_id"]

    found = events(client, f"/initiatieven/{garden}/agenda.ics")
    assert [str(e["SUMMARY"]) for e in found] == ["Aarde bestellen", "Zaaien"]
    first = found[0]
    assert str(first["UID"]) == f"{garden}-{soil}@{node_id}"
    assert first.decoded("DTSTART") == date(2030, 5, 1)
    assert first.decoded("DTEND") == date(2030, 5, 2)
    assert str(first["URL"]) == f"{BASE}/initiatieven/{garden}"
    assert str(first["TRANSP"]) == "TRANSPARENT"


def test_calendar_uids_and_content_are_stable_across_requests(
    client: TestClient[Litestar],
) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    add_task(client, garden, "Aarde bestellen", "2030-05-01")
    path = f"/initiatieven/{garden}/agenda.ics"
    assert client.get(path).content == client.get(path).content
    assert client.get("/agenda.ics").content == client.get("/agenda.ics").content


def test_a_finished_task_is_marked_done(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    soil = add_task(client, garden, "Aarde bestellen", "2030-05-01")
    done = post_form(client, f"/initiatieven/{garden}/taken/{soil}/klaar")
    assert done.status_code == 303
    (event,) = events(client, f"/initiatieven/{garden}/agenda.ics")
    assert str(event["SUMMARY"]) == "✓ Aarde bestellen"
    assert "Klaar." in str(event["DESCRIPTION"])


def test_node_calendar_holds_every_initiatives_dated_tasks(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    party = post_initiative(client, "Straatfeest")
    add_task(client, garden, "Zaaien", "2030-05-14")
    add_task(client, party, "Tenten huren", "2030-06-01")
    add_task(client, party, "Vergeten", "2001-01-01")  # long past: left out
    found = events(client, "/agenda.ics")
    assert [(str(e["SUMMARY"]), str(e["URL"])) for e in found] == [
        ("Zaaien", f"{BASE}/initiatieven/{garden}"),
        ("Tenten huren", f"{BASE}/initiatieven/{party}"),
    ]
    uids = {str(e["UID"]) for e in found}
    assert len(uids) == 2
    assert all(uid.startswith((garden, party)) for uid in uids)


@pytest.mark.parametrize(
    "path",
    ["/initiatieven/onbekend/agenda.ics", "/initiatieven/2EQDi2eykVzviK1PLduz5BZV8sVX/agenda.ics"],
)
def test_calendar_of_an_unknown_initiative_is_not_found(
    client: TestClient[Litestar], path: str
) -> None:
    assert client.get(path).status_code == 404
