"""Events over HTTP: planning one for an initiative with forms that work without JavaScript,
registering (once, with guests), the waiting list, taking a registration back, the organisers'
edit and cancel; refusals with Dutch reasons and the form kept; hostile text; the JSON API; and
the iCal entries that link back to the event's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, page_problems, post_form, post_initiative, register, repeated_ids

DAY = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()


def evening(initiative: str, **fields: str) -> dict[str, str]:
    return {
        "organiser": initiative,
        "title": "Repair Café in de bieb",
        "description": "Neem kapotte spullen mee.",
        "starts": f"{DAY}T19:00",
        "ends": f"{DAY}T21:30",
        "time_zone": "Europe/Amsterdam",
        "location": "Bibliotheek, Kerkstraat 1",
        "capacity": "2",
        **fields,
    }


def _created(response: Any) -> str:
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def vevents(client: TestClient[Litestar], path: str) -> list[Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_an_event_from_planning_to_a_waiting_list_that_moves_up(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    page = client.get(f"/initiatieven/{cafe}").text
    assert f"/activiteiten/nieuw?voor={cafe}" in page
    form = client.get(f"/activiteiten/nieuw?voor={cafe}").text
    assert page_problems(form) == [] and f'<option value="{cafe}" selected' in form
    event = _created(post_form(client, "/activiteiten", evening(cafe)))
    assert "Repair Café in de bieb" in client.get(f"/initiatieven/{cafe}").text
    assert "Repair Café in de bieb" in client.get("/activiteiten").text
    people = {name: Browser(client) for name in ("Bert", "Cora", "Dirk")}
    for name, browser in people.items():
        with browser as them:
            register(them, name)
            answer = post_form(them, f"/activiteiten/{event}/aanmelden", {"guests": "0"})
            assert answer.status_code == 303, answer.text
    with people["Bert"] as bert:  # a double tap registers once
        post_form(bert, f"/activiteiten/{event}/aanmelden", {"guests": "0"})
    with people["Dirk"] as dirk:
        page = dirk.get(f"/activiteiten/{event}").text
        assert "U staat op de wachtlijst, als nummer 1." in page
        assert page_problems(page) == [] and repeated_ids(page) == []
        assert "Bert" not in page  # the names are for the organisers
    organiser = client.get(f"/activiteiten/{event}").text
    assert "wachtlijst 1" in organiser and "Bert" in organiser and "Dirk" in organiser
    assert page_problems(organiser) == [] and repeated_ids(organiser) == []
    view = client.get(f"/api/events/{event}").json()
    assert [s["display_name"] for s in view["seats"]] == ["Bert", "Cora", "Dirk"]
    assert (view["registered"], view["waiting"], view["seats_left"]) == (2, 1, 0)
    with people["Bert"] as bert:
        assert post_form(bert, f"/activiteiten/{event}/afmelden").status_code == 303
    with people["Dirk"] as dirk:
        assert "U bent aangemeld." in dirk.get(f"/activiteiten/{event}").text
    listed = client.get("/api/events").json()["items"]
    assert [(e["id"], e["registration_count"], e["waiting_count"]) for e in listed] == [
        (event, 2, 0)
    ]


def test_bad_input_comes_back_with_a_dutch_reason_and_the_form_kept(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    cases = [
        ({"ends": f"{DAY}T18:00"}, "Een activiteit eindigt na het begin."),
        ({"capacity": "0"}, "Aantal plaatsen: geef een getal van 1 tot 10000."),
        ({"capacity": "-3"}, "Aantal plaatsen: geef een getal van 1 tot 10000."),
        ({"starts": "morgen"}, "Begint: geef een datum en uur"),
        ({"location": ""}, "Zeg waar het is"),
    ]
    for fields, message in cases:
        answer = post_form(client, "/activiteiten", evening(cafe, title="Klaverjassen", **fields))
        assert answer.status_code == 400, fields
        assert message in answer.text, fields
        assert 'value="Klaverjassen"' in answer.text and page_problems(answer.text) == []
    assert client.get("/api/events").json()["items"] == []
    event = _created(post_form(client, "/activiteiten", evening(cafe)))
    too_many = post_form(client, f"/activiteiten/{event}/aanmelden", {"guests": "12"})
    assert too_many.status_code == 400 and "Aantal gasten" in too_many.text
    api = client.post(
        "/api/events",
        json=evening(cafe, capacity="0"),
        headers={"x-csrftoken": client.cookies.get("mekaar_csrf", "")},
    )
    assert api.status_code == 400 and api.json()["field"] == "capacity"


def test_only_organisers_edit_or_cancel_and_a_cancelled_event_says_why(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    event = _created(post_form(client, "/activiteiten", evening(cafe)))
    with Browser(client) as bert:
        register(bert, "Bert")
        assert post_form(bert, "/activiteiten", evening(cafe)).status_code == 403
        assert post_form(bert, f"/activiteiten/{event}/bewerken", evening(cafe)).status_code == 403
        bert_edit = evening(cafe, title="Bert zijn feest")
        assert post_form(bert, f"/activiteiten/{event}/bewerken", bert_edit).status_code == 403
        refused = post_form(bert, f"/activiteiten/{event}/afgelasten", {"reason": "Weg"})
        assert refused.status_code == 403
        unchanged = bert.get(f"/activiteiten/{event}").text
        assert "Bewerken" not in unchanged
        assert "Repair Café in de bieb" in unchanged and "Bert zijn feest" not in unchanged
        assert "Afgelast." not in unchanged and "Weg" not in unchanged
    edit = client.get(f"/activiteiten/{event}/bewerken").text
    assert page_problems(edit) == [] and f'value="{DAY}T19:00"' in edit
    changed = evening(cafe, title="Repair Café, nu in de kerk", capacity="30")
    assert post_form(client, f"/activiteiten/{event}/bewerken", changed).status_code == 303
    assert "nu in de kerk" in client.get(f"/activiteiten/{event}").text
    empty = post_form(client, f"/activiteiten/{event}/afgelasten", {"reason": ""})
    assert empty.status_code == 400
    answer = post_form(client, f"/activiteiten/{event}/afgelasten", {"reason": "De kerk is dicht."})
    assert answer.status_code == 303
    page = client.get(f"/activiteiten/{event}").text
    assert "Afgelast." in page and "De kerk is dicht." in page


def test_a_hostile_title_is_text_on_every_page_and_in_the_calendar(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    hostile = '<script>alert("x")</script>'
    event = _created(post_form(client, "/activiteiten", evening(cafe, title=hostile)))
    for path in (f"/activiteiten/{event}", "/activiteiten", f"/initiatieven/{cafe}"):
        page = client.get(path).text
        assert hostile not in page and "&lt;script&gt;" in page, path
    [entry] = vevents(client, f"/activiteiten/{event}/agenda.ics")
    assert str(entry["summary"]) == hostile  # plain text in a calendar, shown as text


def test_events_are_timed_calendar_entries_that_link_back(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    event = _created(post_form(client, "/activiteiten", evening(cafe)))
    [entry] = vevents(client, f"/activiteiten/{event}/agenda.ics")
    assert str(entry["url"]).endswith(f"/activiteiten/{event}")
    assert str(entry["url"]).startswith("http")
    assert str(entry["location"]) == "Bibliotheek, Kerkstraat 1"
    assert str(entry["uid"]) == f"{event}@mekaar"
    starts = entry.decoded("dtstart")
    assert starts.astimezone(UTC).hour in (17, 18)  # 19:00 in Amsterdam, summer or winter
    assert entry.decoded("dtend") - starts == timedelta(hours=2, minutes=30)
    assert str(entry["status"]) == "CONFIRMED"
    again = vevents(client, f"/activiteiten/{event}/agenda.ics")[0]
    assert again.decoded("dtstamp") == entry.decoded("dtstamp")  # from the document
    node_feed = [e for e in vevents(client, "/agenda.ics") if str(e["uid"]) == f"{event}@mekaar"]
    initiative_feed = vevents(client, f"/initiatieven/{cafe}/agenda.ics")
    assert len(node_feed) == 1 and [str(e["uid"]) for e in initiative_feed] == [f"{event}@mekaar"]
    post_form(client, f"/activiteiten/{event}/afgelasten", {"reason": "Ziek."})
    [cancelled] = vevents(client, f"/activiteiten/{event}/agenda.ics")
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("dtstamp") >= entry.decoded("dtstamp")
    assert client.get("/activiteiten/onbekend/agenda.ics").status_code == 404


def test_once_an_event_began_nobody_registers_or_takes_a_registration_back(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    cafe = post_initiative(client, "Repair Café")
    event = _created(post_form(client, "/activiteiten", evening(cafe)))
    assert post_form(client, f"/activiteiten/{event}/aanmelden", {"guests": "0"}).status_code == 303
    node = client.app.state.node
    node.clock = lambda: datetime.now(UTC) + timedelta(days=11)  # the evening has begun
    page = client.get(f"/activiteiten/{event}").text
    assert "al begonnen" in page and f"/activiteiten/{event}/afmelden" not in page
    assert "U bent aangemeld." in page
    late = post_form(client, f"/activiteiten/{event}/afmelden", {})
    assert late.status_code == 400 and "al begonnen" in late.text
    assert "U bent aangemeld." in client.get(f"/activiteiten/{event}").text
