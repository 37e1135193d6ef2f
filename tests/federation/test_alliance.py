"""An alliance of two real villages (docs/dialogue.md, Alliance): Aadorp founds it, Bathmen joins
with the id its host was given; each node publishes its own figures and the skills of residents
who chose to show them. Both overviews show both villages, each skill marked with its village;
a skill nobody chose to show never appears, and a hostile skill text from the other village is
escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]
HOSTILE = "<script>alert('x')</script>"


def _profile(node: RunningNode, name: str, skills: str, shown: bool) -> None:
    resident = node.resident(name)
    data = {"display_name": name, "skills": skills}
    if shown:
        data["in_alliance_directory"] = "on"
    answer = resident.form(f"/mensen/{resident.person_id}/bewerken", data)
    assert answer.status_code == 303, answer.text
    resident.post("/initiatives", {"title": f"Initiatief van {name}", "village": node.name})


def test_two_villages_share_figures_and_chosen_skills(make_node: NodeMaker) -> None:
    a, b = make_node("Aadorp"), make_node("Bathmen")
    a.dial(b)
    for node in (b, a):
        node.start()
    created = a.cli("alliance", "create", "Sallands verbond")
    alliance = re.search(r"Sallands verbond: (\S+)", created)
    assert alliance, created
    alliance_id = alliance.group(1)
    b.cli("alliance", "join", alliance_id)
    _profile(a, "Anna", "fietsen maken", shown=True)
    _profile(a, "Bert", "geheim lassen", shown=False)
    _profile(b, "Cora", HOSTILE, shown=True)

    def both(node: RunningNode) -> dict[str, Any] | None:
        view = node.api(f"/alliances/{alliance_id}")
        if not view or len(view["members"]) != 2:
            return None
        counted = {m["village"]: m["figures"]["initiatives"] for m in view["members"]}
        if counted != {"Aadorp": 2, "Bathmen": 1}:  # Anna's and Bert's; Cora's
            return None
        shown = {(s["name"], s["village"]) for s in view["skills"]}
        return view if shown == {("Anna", "Aadorp"), ("Cora", "Bathmen")} else None

    for node in (a, b):
        view = wait_until(lambda node=node: both(node), 90, f"both villages on {node.name}")
        assert view["totals"]["initiatives"] == 3
        page = node.page(f"/alliantie/{alliance_id}")
        assert "Aadorp" in page and "Bathmen" in page
        assert 'Anna</strong> <span class="meta">(Aadorp)' in page
        assert 'Cora</strong> <span class="meta">(Bathmen)' in page
        assert HOSTILE not in page and "&lt;script&gt;" in page
        assert "geheim lassen" not in page and "Bert" not in page
        assert "geheim lassen" not in str(view)
