"""Places and rooms over HTTP: a place with a room in the pages (no JavaScript), a booking
requested, confirmed and declined, conflicting requests shown to the host and to both
requesters, refusals that keep what was typed, the week and the iCal feed, the JSON API, and a
hostile place from another village."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import base58
import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from node.documents.repository import Author, DocumentRepository
from node.projection import project
from node.runtime import Node
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from sync.document_id import new_document_id
from tests.clock import Clock

from .builders import (
    Browser,
    csrf_of,
    page_problems,
    post_form,
    post_initiative,
    register,
    repeated_ids,
    run,
)

NOW = datetime(2031, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock(client: TestClient[Litestar]) -> Clock:
    return Clock(client.app.state.node, NOW)


PLACE = {
    "name": "Buurthuis De Brug",
    "kind": "community_centre",
    "about": "Het huis van de wijk.",
    "address": "Kerkstraat 12",
    "village": "Wezep",
    "neighbourhood": "Centrum",
    "opening_hours": "ma-vr 9-22 uur",
    "step_free": "on",
    "accessibility_note": "Lift aanwezig.",
    "facilities": "keuken, wifi",
}
ROOM = {
    "name": "Grote zaal",
    "capacity": "30",
    "conditions": "Netjes achterlaten.",
    "facilities": "",
}
SLOT = {"start": "2031-03-05T19:00", "end": "2031-03-05T21:00", "people": "12"}


def open_place(client: TestClient[Litestar]) -> tuple[str, str]:
    response = post_form(client, "/plekken", PLACE)
    assert response.status_code == 303, response.text
    place = str(response.headers["location"].rsplit("/", 1)[1])
    response = post_form(client, f"/plekken/{place}/zalen", ROOM)
    assert response.status_code == 303, response.text
    room = client.get(f"/api/places/{place}").json()["rooms"][0]["id"]
    return place, room


def book(client: TestClient[Litestar], place: str, room: str, purpose: str, **slot: str) -> str:
    body = {**SLOT, **slot, "room": room, "purpose": purpose}
    response = post_form(client, f"/plekken/{place}/zalen/{room}/boeken", body)
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("#boeking-", 1)[1])


def test_a_place_with_a_room_and_a_confirmed_booking(
    client: TestClient[Litestar], clock: Clock
) -> None:
    register(client, "Henk")
    place, room = open_place(client)
    page = client.get(f"/plekken/{place}").text
    assert "Buurthuis De Brug" in page and "Grote zaal" in page and "Lift aanwezig." in page
    assert "Drempelvrije ingang: ja" in page and "Ringleiding: nee" in page
    assert page_problems(page) == [] and repeated_ids(page) == []
    assert "Buurthuis De Brug" in client.get("/plekken").text
    assert "Buurthuis De Brug" in client.get("/plekken?drempelvrij=ja&mensen=20").text
    assert "Buurthuis De Brug" not in client.get("/plekken?mensen=31").text

    amira = Browser(client)
    with amira as browser:
        register(browser, "Amira")
        initiative = post_initiative(browser, "Buurtcomité Centrum")
        form = browser.get(f"/plekken/{place}/zalen/{room}").text
        assert f'<option value="{initiative}"' in form  # her initiatives to book for
        booking = book(browser, place, room, "Buurtvergadering", initiative=initiative)
        mine = browser.get("/mijn-boekingen").text
        assert "Buurtvergadering" in mine and "Gevraagd" in mine
    assert "Buurtcomité Centrum" in client.get(f"/plekken/{place}").text
    response = post_form(client, f"/plekken/{place}/boekingen/{booking}/bevestigen")
    assert response.status_code == 303, response.text
    with amira as browser:
        assert "Bevestigd" in browser.get("/mijn-boekingen").text
        week = browser.get(f"/plekken/{place}/zalen/{room}?week=2031-03-05").text
        assert "5 maart 2031, 19:00" in week and "Buurtvergadering" in week  # local time
        assert page_problems(week) == [] and repeated_ids(week) == []
    feed = client.get(f"/plekken/{place}/zalen/{room}/agenda.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["summary"]) == "Buurtvergadering"
    assert event.decoded("dtstart") == datetime(2031, 3, 5, 18, tzinfo=UTC)
    assert "Amira" not in feed.text


def test_conflicting_requests_are_shown_to_the_host_and_both_requesters(
    client: TestClient[Litestar], clock: Clock
) -> None:
    register(client, "Henk")
    place, room = open_place(client)
    amira, jonas = Browser(client), Browser(client)
    with amira as browser:
        register(browser, "Amira")
        first = book(browser, place, room, "Yoga")
    clock.at = NOW.replace(minute=5)
    with jonas as browser:
        register(browser, "Jonas")
        second = book(browser, place, room, "Koor", start="2031-03-05T20:00")
    page = client.get(f"/plekken/{place}").text
    assert "Botsende aanvragen" in page and "gaat voor" in page
    assert page_problems(page) == [] and repeated_ids(page) == []
    for who, own, other in ((amira, "Yoga", "Koor"), (jonas, "Koor", "Yoga")):
        with who as browser:
            mine = browser.get("/mijn-boekingen").text
            assert own in mine and "Botst met:" in mine and other in mine
            assert page_problems(mine) == []
    with jonas as browser:
        assert "Een andere boeking gaat voor" in browser.get("/mijn-boekingen").text
        assert (
            post_form(browser, f"/plekken/{place}/boekingen/{first}/bevestigen").status_code == 403
        )
    assert post_form(client, f"/plekken/{place}/boekingen/{first}/bevestigen").status_code == 303
    refused = post_form(client, f"/plekken/{place}/boekingen/{second}/bevestigen")
    assert refused.status_code == 400 and "botst met een bevestigde boeking" in refused.text
    empty = post_form(client, f"/plekken/{place}/boekingen/{second}/weigeren", {"reason": ""})
    assert empty.status_code == 400 and "De reden is verplicht." in empty.text
    declined = post_form(
        client, f"/plekken/{place}/boekingen/{second}/weigeren", {"reason": "Al bezet door yoga."}
    )
    assert declined.status_code == 303
    with jonas as browser:
        mine = browser.get("/mijn-boekingen").text
        assert "Geweigerd" in mine and "Al bezet door yoga." in mine
        assert (
            post_form(browser, f"/plekken/{place}/boekingen/{first}/annuleren").status_code == 403
        )
    with amira as browser:
        assert (
            post_form(browser, f"/plekken/{place}/boekingen/{first}/annuleren").status_code == 303
        )
        assert "Geannuleerd" in browser.get("/mijn-boekingen").text


def test_refused_forms_keep_what_was_typed(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Henk")
    bad = post_form(client, "/plekken", {**PLACE, "name": ""})
    assert bad.status_code == 400 and "De naam is verplicht." in bad.text
    assert "Kerkstraat 12" in bad.text and "Lift aanwezig." in bad.text
    place, room = open_place(client)
    action = f"/plekken/{place}/zalen/{room}/boeken"
    too_many = {**SLOT, "room": room, "purpose": "Groot feest", "people": "80"}
    response = post_form(client, action, too_many)
    assert response.status_code == 400
    assert "hoogstens 30 mensen" in response.text and 'value="Groot feest"' in response.text
    backwards = {**SLOT, "room": room, "purpose": "Omgekeerd", "end": "2031-03-05T18:00"}
    response = post_form(client, action, backwards)
    assert response.status_code == 400 and "Het einde ligt na het begin." in response.text
    past = {**SLOT, "room": room, "purpose": "Gisteren", "start": "2031-02-01T10:00"}
    past["end"] = "2031-02-01T11:00"
    response = post_form(client, action, past)
    assert response.status_code == 400 and "verleden" in response.text
    week_long = {**SLOT, "room": room, "purpose": "Kamp", "end": "2031-03-13T19:00"}
    response = post_form(client, action, week_long)
    assert response.status_code == 400 and "hoogstens 7 dagen" in response.text
    assert client.get(f"/api/places/{place}").json()["bookings"] == []
    room_bad = post_form(client, f"/plekken/{place}/zalen", {**ROOM, "capacity": "nul"})
    assert room_bad.status_code == 400 and "Aantal plaatsen" in room_bad.text
    with Browser(client) as stranger:
        register(stranger, "Vreemde")
        assert post_form(stranger, f"/plekken/{place}/zalen", ROOM).status_code == 403
        assert post_form(stranger, f"/plekken/{place}/bewerken", PLACE).status_code == 403
        assert stranger.get(f"/plekken/{place}/bewerken").status_code == 403


def test_a_host_adds_a_host_who_may_then_edit(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Henk")
    place, _room = open_place(client)
    amira = Browser(client)
    with amira as browser:
        amira_id = register(browser, "Amira")
        assert browser.get(f"/plekken/{place}/bewerken").status_code == 403
    unknown = post_form(client, f"/plekken/{place}/beheerders", {"person": "x" * 28})
    assert unknown.status_code in (400, 404)
    assert (
        post_form(client, f"/plekken/{place}/beheerders", {"person": amira_id}).status_code == 303
    )
    with amira as browser:
        assert browser.get(f"/plekken/{place}/bewerken").status_code == 200
        edited = post_form(browser, f"/plekken/{place}/bewerken", {**PLACE, "name": "De Brug"})
        assert edited.status_code == 303
    hosts = {h["person_id"] for h in client.get(f"/api/places/{place}").json()["hosts"]}
    assert amira_id in hosts
    assert "De Brug" in client.get(f"/plekken/{place}").text


def test_the_json_api(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Henk")
    token = {"x-csrftoken": csrf_of(client, "/")}
    body = {**PLACE, "step_free": True, "facilities": ["keuken", "wifi"]}
    created = client.post("/api/places", json=body, headers=token)
    assert created.status_code == 201, created.text
    place = created.json()["id"]
    room = client.post(
        f"/api/places/{place}/rooms", json={"name": "Zaal 1", "capacity": 10}, headers=token
    ).json()["id"]
    request = {
        "room": room,
        "purpose": "Taalcafé",
        "people": 8,
        **{k: SLOT[k] for k in ("start", "end")},
    }
    booked = client.post(f"/api/places/{place}/bookings", json=request, headers=token)
    assert booked.status_code == 201, booked.text
    booking = booked.json()["id"]
    over = client.post(
        f"/api/places/{place}/bookings", json={**request, "people": 11}, headers=token
    )
    assert over.status_code == 400 and over.json()["error"] == "invalid"
    confirmed = client.post(
        f"/api/places/{place}/bookings/{booking}/confirm", json={}, headers=token
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["bookings"][0]["state"] == "confirmed"
    taken = client.post(f"/api/places/{place}/bookings", json=request, headers=token)
    assert taken.status_code == 400 and "al geboekt" in taken.json()["message"]
    week = client.get(f"/api/places/{place}/rooms/{room}/week?day=2031-03-05").json()
    busy = {d["day"]: len(d["busy"]) for d in week["days"]}
    assert busy["2031-03-05"] == 1 and busy["2031-03-04"] == 0
    assert [b["id"] for b in client.get("/api/my-bookings").json()] == [booking]
    listed = client.get("/api/places?step_free=true&people=10").json()["items"]
    assert [p["id"] for p in listed] == [place]
    unknown = client.post(f"/api/places/{place}/bookings/{booking}/bribe", json={}, headers=token)
    assert unknown.status_code == 404
    declined = client.post(
        f"/api/places/{place}/bookings/{booking}/decline", json={"reason": "Lek."}, headers=token
    )
    assert declined.json()["bookings"][0]["reason"] == "Lek."


HOSTILE = '<script>alert("buur")</script><img src=x onerror=alert(1)>'


def test_a_hostile_place_from_another_village_is_shown_as_text(
    client: TestClient[Litestar], clock: Clock
) -> None:
    node: Node = client.app.state.node
    other_node = base58.b58encode(secrets.token_bytes(32)).decode("ascii")
    elsewhere = DocumentRepository(node.documents.store, other_node)
    stranger = Author(new_document_id(), secrets.token_bytes(16))

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "name", HOSTILE)
        tx.put(ROOT, "kind", "garden")
        tx.put(ROOT, "address", HOSTILE)
        tx.put(ROOT, "opening_hours", HOSTILE)
        facilities = tx.put_object(ROOT, "facilities", ObjType.LIST)
        tx.insert(facilities, 0, HOSTILE)
        hosts = tx.put_object(ROOT, "hosts", ObjType.MAP)
        tx.put(tx.put_object(hosts, stranger.person_id, ObjType.MAP), "since", NOW)
        rooms = tx.put_object(ROOT, "rooms", ObjType.MAP)
        room = tx.put_object(rooms, "Kamer1abc", ObjType.MAP)
        tx.put(room, "name", HOSTILE)
        tx.put(room, "capacity", 5)
        bookings = tx.put_object(ROOT, "bookings", ObjType.MAP)
        booking = tx.put_object(bookings, "Boek1abcd", ObjType.MAP)
        for key, value in {
            "room": "Kamer1abc",
            "start": datetime(2031, 3, 5, 18, tzinfo=UTC),
            "end": datetime(2031, 3, 5, 20, tzinfo=UTC),
            "by": stranger.person_id,
            "purpose": HOSTILE,
            "people": 3,
            "requested_at": NOW,
            "status": "confirmed",
        }.items():
            tx.put(booking, key, value)

    place = elsewhere.create("place", stranger, "Plek", fill)

    async def project_it() -> None:
        async with node.sessions() as session:
            await project(session, node.documents.read(place))
            await session.commit()

    run(client, project_it)
    for path in (
        "/plekken",
        f"/plekken/{place}",
        f"/plekken/{place}/zalen/Kamer1abc?week=2031-03-05",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    assert "Uit een ander dorp." in client.get(f"/plekken/{place}").text
    feed = client.get(f"/plekken/{place}/zalen/Kamer1abc/agenda.ics")
    assert feed.status_code == 200  # plain text: iCalendar has no markup to escape
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["summary"]) == HOSTILE
    assert stranger.person_id not in feed.text
