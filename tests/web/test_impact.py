"""Impact over HTTP: the node's page and an initiative's, each chart an SVG image with a title,
a description and a table of the same numbers; the open data (CSV, JSON) in its shape, under
CC0, and without any personal data of the demo village; reported figures refused with the form
kept; an alliance's overview (only chosen skills, a search) and its JSON."""

from __future__ import annotations

import csv
import io
import json
import re

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from node.demo import fill_demo
from node.demo.people import IN_ALLIANCE, PEOPLE
from node.projection.models import PersonRow
from node.runtime import Node

from .builders import (
    Browser,
    page_problems,
    post_form,
    post_initiative,
    register,
    repeated_ids,
    run,
)


def _demo(client: TestClient[Litestar]) -> tuple[Node, list[str]]:
    """Fill the demo village; returns the node and every demo person's name, e-mail and id."""
    node: Node = client.app.state.node
    result = run(client, lambda: fill_demo(node))

    async def people() -> list[tuple[str, str]]:
        async with node.sessions() as session:
            rows = await session.execute(select(PersonRow.id, PersonRow.display_name))
            return [(i, n) for i, n in rows.all()]

    found = run(client, people)
    secrets = [a.email for a in result.accounts] + [a.name for a in result.accounts]
    secrets += [i for i, _ in found] + [n for _, n in found]
    assert len(found) >= 8 and all(secrets)
    return node, secrets


def _charts(html: str) -> int:
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    return len(svgs)


def test_the_node_and_initiative_pages_show_charts_with_tables(
    client: TestClient[Litestar],
) -> None:
    _demo(client)
    page = client.get("/impact")
    assert page.status_code == 200
    assert _charts(page.text) == 2
    assert page.text.count("<table") >= 3 and "CC0" in page.text
    assert "Repair Café Wezep" in page.text
    assert ">140<" in page.text  # people reached, as the repair café reported it
    assert "€ 900,00" in page.text or "€\xa0900,00" in page.text  # granted, formatted in Dutch
    assert page_problems(page.text) == [] and repeated_ids(page.text) == []
    english = client.get("/impact", headers={"accept-language": "en"}).text
    assert "Initiatives by phase" in english
    initiative = re.search(r'href="/initiatieven/([^"/]+)/impact"', page.text)
    assert initiative is not None
    detail = client.get(f"/initiatieven/{initiative.group(1)}/impact")
    assert detail.status_code == 200 and _charts(detail.text) == 2
    assert page_problems(detail.text) == [] and repeated_ids(detail.text) == []
    assert client.get("/initiatieven/onbekend123/impact").status_code == 404


def test_open_data_has_its_shape_and_no_personal_data(client: TestClient[Litestar]) -> None:
    node, secrets = _demo(client)
    answers = {path: client.get(path) for path in ("/impact.json", "/impact.csv")}
    data = answers["/impact.json"].json()
    assert data["licence"]["name"] == "CC0 1.0 Universal"
    assert data["node"]["node_id"] == node.identity.node_id
    assert data["node"]["figures"]["people_reached"] == 140
    assert sum(data["node"]["initiatives_by_phase"].values()) == data["node"]["initiatives"]
    for initiative in data["initiatives"]:
        assert set(initiative) == {"id", "title", "status", "figures"}
        ids = initiative["id"]
        answers[f"/initiatieven/{ids}/impact.json"] = client.get(f"/initiatieven/{ids}/impact.json")
        answers[f"/initiatieven/{ids}/impact.csv"] = client.get(f"/initiatieven/{ids}/impact.csv")
    rows = list(csv.DictReader(io.StringIO(answers["/impact.csv"].text)))
    assert rows[0]["scope"] == "node" and rows[0]["people_reached"] == "140"
    assert {r["scope"] for r in rows[1:]} == {"initiative"}
    assert answers["/impact.csv"].headers["content-type"].startswith("text/csv")
    for path, answer in answers.items():
        assert answer.status_code == 200, path
        text = answer.text + json.dumps(answer.json() if path.endswith("json") else "")
        for secret in secrets:
            assert secret not in text, f"{path} holds {secret!r}"


def test_initiators_report_figures_and_a_refusal_keeps_the_form(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    garden = post_initiative(client, "Buurtmoestuin")
    page = client.get(f"/initiatieven/{garden}/impact").text
    assert 'name="people_reached"' in page
    refused = post_form(
        client, f"/initiatieven/{garden}/impact", {"people_reached": "veel", "money_raised": "40"}
    )
    assert refused.status_code == 400
    assert 'value="veel"' in refused.text and 'value="40"' in refused.text
    assert "geef een getal" in refused.text
    saved = post_form(
        client, f"/initiatieven/{garden}/impact", {"people_reached": "1200", "money_raised": "40"}
    )
    assert saved.status_code == 303
    shown = client.get(f"/initiatieven/{garden}/impact").text
    assert ">1.200<" in shown and "40,00" in shown
    assert (
        client.get(f"/initiatieven/{garden}/impact.json").json()["initiative"]["figures"][
            "people_reached"
        ]
        == 1200
    )
    with Browser(client) as bert:
        register(bert, "Bert")
        assert 'name="people_reached"' not in bert.get(f"/initiatieven/{garden}/impact").text
        answer = post_form(bert, f"/initiatieven/{garden}/impact", {"people_reached": "1"})
        assert answer.status_code == 403


def test_an_alliance_overview_and_its_json(client: TestClient[Litestar]) -> None:
    node, _secrets = _demo(client)
    listing = client.get("/allianties").text
    found = re.search(r'href="/alliantie/([^"]+)"', listing)
    assert found is not None
    alliance = found.group(1)
    page = client.get(f"/alliantie/{alliance}")
    assert page.status_code == 200 and "Dorpen van de Veluwe" in page.text
    assert "Anna de Vries" in page.text and f"({node.identity.name})" in page.text
    for person in PEOPLE:  # only who chose to show their skills
        assert (person.name in page.text) is (person.key in IN_ALLIANCE), person.name
    assert _charts(page.text) == 1 and page_problems(page.text) == []
    searched = client.get(f"/alliantie/{alliance}", params={"q": "koken"}).text
    assert "Anna de Vries" in searched and "Henk Bosman" not in searched
    data = client.get(f"/api/alliances/{alliance}").json()
    assert data["members"][0]["node_id"] == node.identity.node_id
    assert data["totals"]["initiatives"] >= 6
    assert client.get("/beheer/allianties").status_code in (401, 403)
