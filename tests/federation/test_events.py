"""The last seats of an event taken in two villages while apart (docs/dialogue.md, Events):
residents of Brakel register while Aalst is down, residents of Aalst while Brakel is down, each
node seeing seats left; once they meet, both nodes show the same line, by registration time,
with those beyond the capacity on the waiting list (told so themselves, and named to the
organiser); nobody is lost, and when one cancels the first waiting moves up on both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .nodes import Resident, RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]


def test_the_last_seats_taken_apart_give_one_line_and_waiting_list_on_both(
    make_node: NodeMaker,
) -> None:
    a, b = make_node("Aalst"), make_node("Brakel")
    b.dial(a)
    a.start()
    b.start()
    anna = a.resident("Anna")
    cafe = anna.post("/initiatives", {"title": "Repair Café", "summary": "Samen repareren"})["id"]
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    event = anna.post(
        "/events",
        {
            "organiser": cafe,
            "title": "Repair Café",
            "starts": f"{day}T19:00",
            "ends": f"{day}T21:00",
            "location": "Bibliotheek",
            "capacity": 3,
        },
    )["id"]
    bert, cora = b.resident("Bert"), b.resident("Cora")
    dirk, eva = a.resident("Dirk"), a.resident("Eva")
    wait_until(lambda: b.api(f"/events/{event}"), 60, "the event on Brakel")

    # apart: Aalst is down while Bert (with a guest) and Cora take the three seats in Brakel
    a.stop()
    bert.post(f"/events/{event}/registrations", {"guests": 1})
    seen = cora.post(f"/events/{event}/registrations", {"guests": 0})
    assert seen["seats_left"] == 0 and not seen["my_seat"]["waiting"]
    b.stop()
    a.start()  # then Brakel is down while Dirk and Eva take two of the three seats in Aalst
    dirk.post(f"/events/{event}/registrations", {"guests": 0})
    seen = eva.post(f"/events/{event}/registrations", {"guests": 0})
    assert seen["seats_left"] == 1 and not seen["my_seat"]["waiting"]

    # together again: one line on both, Brakel's earlier registrations first
    b.start()
    expected = [(1, 2, False), (2, 1, False), (3, 1, True), (4, 1, True)]

    def line(node: RunningNode) -> list[tuple[int, int, bool]] | None:
        view = node.api(f"/events/{event}")
        found = [(e["position"], e["people"], e["waiting"]) for e in view["line"]] if view else []
        return found if found == expected else None

    for node in (a, b):
        wait_until(lambda node=node: line(node), 60, f"the merged line on {node.name}")

    def mine(who: Resident) -> tuple[bool, int | None]:
        seat = who.get(f"/events/{event}")["my_seat"]
        return seat["waiting"], seat["waiting_position"]

    assert [mine(who) for who in (bert, cora, dirk, eva)] == [
        (False, None),
        (False, None),
        (True, 1),
        (True, 2),
    ]
    assert "U staat op de wachtlijst, als nummer 1." in dirk.page(f"/activiteiten/{event}")

    def names() -> list[str] | None:
        seats = anna.get(f"/events/{event}")["seats"]
        found = [s["display_name"] for s in seats]
        return found if "Onbekende bewoner" not in found else None

    assert wait_until(names, 60, "Brakel's residents known on Aalst") == [
        "Bert",
        "Cora",
        "Dirk",
        "Eva",
    ]
    assert "wachtlijst 2" in anna.page(f"/activiteiten/{event}")

    # Cora cancels in Brakel: Dirk moves up, on both nodes
    response = cora.http.delete(f"/api/events/{event}/registrations/me", headers=cora._headers())
    assert response.status_code == 200, response.text
    after = [(1, 2, False), (2, 1, False), (3, 1, True)]

    def moved(node: RunningNode) -> Any:
        view = node.api(f"/events/{event}")
        found = [(e["position"], e["people"], e["waiting"]) for e in view["line"]] if view else []
        return True if found == after else None

    for node in (a, b):
        wait_until(lambda node=node: moved(node), 60, f"Dirk moved up on {node.name}")
    assert mine(dirk) == (False, None) and mine(eva) == (True, 1)
    wait_until(lambda: a.heads(event) == b.heads(event) or None, 60, "the same heads")
