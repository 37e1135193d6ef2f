"""A jury across villages: a juror on another village's node scores while the two nodes are
apart; once they meet again the call's host sees every score (docs/practices.md §1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]
AFTER_DEADLINE = {"MEKAAR_CLOCK_SHIFT_DAYS": "40"}
"""Both nodes' rule clocks past the round's deadline (ten days from now)."""


def test_a_juror_in_another_village_scores_while_apart(make_node: NodeMaker) -> None:
    a, b = make_node("Aalst"), make_node("Brakel")
    b.dial(a)
    a.start()
    b.start()
    sofie = a.resident("Sofie")
    deadline = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    call = sofie.post(
        "/grant-calls",
        {
            "title": "Wijk aan Zet",
            "max_grant": "2.500",
            "min_allies": 1,
            "round_title": "Najaar",
            "deadline": deadline,
            "budget": "5.000",
            "jury_size": 2,
            "beacon_source": "Lotto van zaterdag",
        },
    )["id"]
    round_id = sofie.get(f"/grant-calls/{call}")["rounds"][0]["id"]
    amira = a.resident("Amira")
    initiative = amira.post(
        "/initiatives", {"title": "Verhalenavond", "summary": "Buren vertellen"}
    )
    application = amira.post(
        f"/grant-calls/{call}/applications",
        {
            "round": round_id,
            "initiative": initiative["id"],
            "title": "Verhalenavond",
            "plan": "Een avond in het buurthuis.",
            "what": ["Zaalhuur"],
            "amount": ["200"],
        },
    )["id"]
    els = a.resident("Els")
    els.post(f"/grant-calls/{call}/volunteers", {"note": "Ik woon in Aalst."})
    # Bert lives in Brakel and volunteers there, on the call as his node holds it
    bert = b.resident("Bert")
    wait_until(lambda: b.api(f"/grant-calls/{call}"), 60, "the call on Brakel")
    bert.post(f"/grant-calls/{call}/volunteers", {"note": "Ik woon in Brakel."})
    wait_until(
        lambda: len(a.api(f"/grant-calls/{call}")["volunteers"]) == 2, 60, "Bert's offer on Aalst"
    )

    # after the deadline the jury is drawn at the call's home; both volunteers sit
    for node in (a, b):
        node.stop()
        node.start(env=AFTER_DEADLINE)
    drawn = sofie.post(f"/grant-calls/{call}/rounds/{round_id}/draw", {"beacon": "3 9 27 31"})
    jury = {j["person_id"] for j in drawn["rounds"][0]["jury"]}
    assert jury == {els.person_id, bert.person_id}
    wait_until(
        lambda: len(b.api(f"/grant-calls/{call}")["rounds"][0]["jury"]) == 2, 60, "jury on Brakel"
    )

    # apart: Aalst is down while Bert scores in Brakel; then Brakel is down while Els scores
    a.stop()
    bert.post(f"/grant-calls/{call}/applications/{application}/score", {"score": 5, "note": "Top"})
    b.stop()
    a.start(env=AFTER_DEADLINE)
    els.post(f"/grant-calls/{call}/applications/{application}/score", {"score": 3, "note": "Ok"})
    seen = a.api(f"/grant-calls/{call}")["rounds"][0]["applications"][0]["scores"]
    assert [s["juror"]["person_id"] for s in seen] == [els.person_id]

    # together again: the host sees both scores, counted, and both nodes hold the same heads
    b.start(env=AFTER_DEADLINE)

    def both_scores() -> list[dict[str, object]] | None:
        view = a.api(f"/grant-calls/{call}")
        scores = view["rounds"][0]["applications"][0]["scores"] if view else []
        return scores if len(scores) == 2 else None

    scores = wait_until(both_scores, 60, "both scores on Aalst")
    assert {(s["juror"]["person_id"], s["score"], s["counts"]) for s in scores} == {
        (els.person_id, 3, True),
        (bert.person_id, 5, True),
    }
    assert a.api(f"/grant-calls/{call}")["rounds"][0]["applications"][0]["average"] == 4.0
    wait_until(lambda: a.heads(call) == b.heads(call) or None, 60, "the same heads")
