"""One person one vote across villages (docs/dialogue.md): a resident of C votes on a poll of A
through B; the vote counts once on every node, also when it is delivered again and when the
voter changes it (a vote forged in someone else's name: tests/node/polls)."""

from __future__ import annotations

from collections.abc import Callable

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]


def test_a_vote_from_another_village_counts_once(make_node: NodeMaker) -> None:
    a, b, c = make_node("Aadorp"), make_node("Bathmen"), make_node("Colmschate")
    a.dial(b)
    c.dial(b)
    for node in (b, a, c):
        node.start()
    anna = a.resident("Anna")
    poll = anna.post(
        "/polls",
        {"title": "Een buurthuis?", "kind": "proposal", "close_day": "2031-06-01"},
    )["id"]
    wait_until(lambda: c.api(f"/polls/{poll}"), 60, "the poll on Colmschate")
    cora = c.resident("Cora")
    cora.post(f"/polls/{poll}/votes", {"choice": "agree1"})
    cora.post(f"/polls/{poll}/votes", {"choice": "agree1"})  # a double tap
    cora.post(f"/polls/{poll}/votes", {"choice": "disagree1", "reason": "Te duur"})  # changed

    def counted(node: RunningNode) -> bool | None:
        view = node.api(f"/polls/{poll}")
        if not view or view["voter_count"] != 1:
            return None
        tally = {o["id"]: o["voters"] for o in view["options"]}
        return True if tally["disagree1"] == 1 and tally["agree1"] == 0 else None

    for node in (a, b, c):
        wait_until(lambda node=node: counted(node), 60, f"one vote on {node.name}")
    # delivered again: B goes away and comes back, resending what it has; still one vote
    b.stop()
    b.start()
    wait_until(lambda: a.heads(poll) == c.heads(poll) == b.heads(poll) or None, 60, "same heads")
    for node in (a, b, c):
        assert counted(node)
