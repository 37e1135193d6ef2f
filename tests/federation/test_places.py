"""Booking a room across villages: a resident on each node asks for the same room and evening
while the two nodes are apart; once they meet again both nodes show both requests and the
conflict, to the host and to both requesters; the host confirms one and declines the other, and
no booking is lost on the way (docs/practices.md §2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]


def test_two_requests_for_one_slot_made_apart_both_arrive_and_clash(
    make_node: NodeMaker,
) -> None:
    a, b = make_node("Aalst"), make_node("Brakel")
    b.dial(a)
    a.start()
    b.start()
    henk = a.resident("Henk")
    place = henk.post(
        "/places", {"name": "Buurthuis De Brug", "kind": "community_centre", "village": "Aalst"}
    )["id"]
    room = henk.post(f"/places/{place}/rooms", {"name": "Grote zaal", "capacity": 40})["id"]
    amira = a.resident("Amira")
    bert = b.resident("Bert")
    wait_until(
        lambda: b.api(f"/places/{place}") and b.api(f"/places/{place}")["rooms"],
        60,
        "the place on Brakel",
    )
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()

    # apart: Aalst is down while Bert asks in Brakel; then Brakel is down while Amira asks
    a.stop()
    bert_booking = bert.post(
        f"/places/{place}/bookings",
        {
            "room": room,
            "start": f"{day}T19:00",
            "end": f"{day}T21:00",
            "purpose": "Koor",
            "people": 20,
        },
    )["id"]
    b.stop()
    a.start()
    amira_booking = amira.post(
        f"/places/{place}/bookings",
        {
            "room": room,
            "start": f"{day}T20:00",
            "end": f"{day}T22:00",
            "purpose": "Yoga",
            "people": 15,
        },
    )["id"]
    assert [x["id"] for x in a.api(f"/places/{place}")["bookings"]] == [amira_booking]

    # together again: both nodes hold both requests, marked as clashing, Bert's first in line
    b.start()

    def both(node: RunningNode) -> dict[str, Any] | None:
        view = node.api(f"/places/{place}")
        bookings = {x["id"]: x for x in view["bookings"]} if view else {}
        return bookings if len(bookings) == 2 else None

    for node in (a, b):
        seen = wait_until(lambda node=node: both(node), 60, f"both requests on {node.name}")
        assert [c["id"] for c in seen[amira_booking]["conflicts"]] == [bert_booking]
        assert [c["id"] for c in seen[bert_booking]["conflicts"]] == [amira_booking]
        assert seen[bert_booking]["first_in_line"] and not seen[amira_booking]["first_in_line"]
    # the host on his place's page, each requester on their own list
    assert "Botsende aanvragen" in henk.page(f"/plekken/{place}")
    for who, node in ((amira, a), (bert, b)):
        mine = who.get("/my-bookings")
        assert len(mine) == 1 and mine[0]["conflicts"], node.name
        assert "Botst met:" in who.page("/mijn-boekingen")

    # the host confirms Bert's request at the place's home; Brakel learns of it
    henk.post(f"/places/{place}/bookings/{bert_booking}/confirm")
    wait_until(
        lambda: (both(b) or {}).get(bert_booking, {}).get("state") == "confirmed" or None,
        60,
        "the confirmation on Brakel",
    )
    blocked = both(b)[amira_booking]  # type: ignore[index]
    assert not blocked["can_confirm"] and blocked["conflicts"][0]["state"] == "confirmed"
    henk.post(f"/places/{place}/bookings/{amira_booking}/decline", {"reason": "Al bezet."})
    assert [x["state"] for x in amira.get("/my-bookings")] == ["declined"]
    wait_until(lambda: a.heads(place) == b.heads(place) or None, 60, "the same heads")
    assert set(both(b) or {}) == {bert_booking, amira_booking}  # nothing lost
