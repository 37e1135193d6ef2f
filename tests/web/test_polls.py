"""Decisions over HTTP: a proposal put to a discussion, votes changed but counted once, a block
that needs a reason, hidden results, the close with an outcome; the JSON API; hostile text."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, csrf_of, page_problems, post_form, register, repeated_ids

PROPOSAL = {
    "title": "Wordt het oude schoolgebouw een buurthuis?",
    "details": "Voorstel van de koersgroep.",
    "kind": "proposal",
    "close_day": "2031-06-01",
    "close_time": "20:00",
}


def _created(response: object) -> str:
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    return str(response.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]


def test_a_proposal_on_a_discussion_from_vote_to_outcome(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    thread = _created(
        post_form(
            client, "/gesprekken", {"title": "Het schoolgebouw", "intro": "Wat doen we ermee?"}
        )
    )
    assert f"/peilingen/nieuw?over={thread}" in client.get(f"/gesprekken/{thread}").text
    form = client.get(f"/peilingen/nieuw?over={thread}").text
    assert f'value="{thread}"' in form and page_problems(form) == []
    poll = _created(post_form(client, "/peilingen", {**PROPOSAL, "about": thread}))
    assert "Wordt het oude schoolgebouw" in client.get(f"/gesprekken/{thread}").text
    with Browser(client) as bert:
        register(bert, "Bert")
        assert post_form(bert, f"/peilingen/{poll}/stem", {"choice": "agree1"}).status_code == 303
        assert (
            post_form(
                bert, f"/peilingen/{poll}/stem", {"choice": "disagree1", "reason": "Te duur"}
            ).status_code
            == 303
        )
        refused = post_form(bert, f"/peilingen/{poll}/stem", {"choice": "stop11"})
        assert refused.status_code == 400 and "Wie blokkeert, zegt waarom." in refused.text
        page = bert.get(f"/peilingen/{poll}").text
        assert page_problems(page) == [] and repeated_ids(page) == []
    view = client.get(f"/api/polls/{poll}").json()
    assert view["voter_count"] == 1
    assert {o["id"]: o["voters"] for o in view["options"]}["disagree1"] == 1
    assert (
        post_form(
            client, f"/peilingen/{poll}/sluiten", {"statement": "We zoeken eerst geld."}
        ).status_code
        == 303
    )
    page = client.get(f"/peilingen/{poll}").text
    assert "We zoeken eerst geld." in page and "Gesloten op" in page
    assert page_problems(page) == [] and repeated_ids(page) == []


def test_hidden_results_and_the_json_api(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    token = {"x-csrftoken": csrf_of(client, "/")}
    created = client.post(
        "/api/polls",
        json={**PROPOSAL, "kind": "poll", "options": ["Maandag", "Dinsdag"], "hide_results": True},
        headers=token,
    )
    assert created.status_code == 201, created.text
    poll = created.json()["id"]
    monday = client.get(f"/api/polls/{poll}").json()["options"][0]["id"]
    voted = client.post(f"/api/polls/{poll}/votes", json={"choice": monday}, headers=token)
    assert voted.status_code == 200 and voted.json()["my_vote"]["choices"] == {monday: 1}
    again = client.post(f"/api/polls/{poll}/votes", json={"choice": monday}, headers=token)
    assert again.status_code == 200
    with Browser(client) as bert:
        register(bert, "Bert")
        hidden = bert.get(f"/api/polls/{poll}").json()
        assert hidden["votes"] == [] and hidden["options"][0]["voters"] is None
        assert "verborgen tot de peiling sluit" in bert.get(f"/peilingen/{poll}").text
    closed = client.post(f"/api/polls/{poll}/close", json={"statement": "Maandag."}, headers=token)
    assert closed.status_code == 200 and closed.json()["options"][0]["voters"] == 1
    late = client.post(f"/api/polls/{poll}/votes", json={"choice": monday}, headers=token)
    assert late.status_code == 400 and late.json()["field"] == "choice"


def test_a_hostile_poll_is_shown_as_text(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    hostile = '<script>alert("buur")</script><img src=x onerror=alert(1)>'
    poll = _created(
        post_form(
            client,
            "/peilingen",
            {
                **PROPOSAL,
                "title": hostile[:150],
                "kind": "poll",
                "options": f"{hostile[:100]}\nNee",
            },
        )
    )
    page = client.get(f"/peilingen/{poll}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_the_same_vote_again_changes_nothing(client: TestClient[Litestar]) -> None:
    """A replay from a phone's outbox, or a double tap: the same choices and reason write no
    change at all; another choice is a change of mind."""
    register(client, "Anna")
    poll = _created(post_form(client, "/peilingen", PROPOSAL))
    node = client.app.state.node

    def heads() -> list[bytes]:
        return list(node.documents.open(poll).get_heads())

    vote = {"choice": "agree1", "reason": "Goed plan", "idempotency_key": "sleutel-1"}
    assert post_form(client, f"/peilingen/{poll}/stem", vote).status_code == 303
    once = heads()
    replay = {**vote, "idempotency_key": ""}
    headers = {"Idempotency-Key": "sleutel-1", "X-Outbox-Replay": "1"}
    again = client.post(
        f"/peilingen/{poll}/stem",
        data={**replay, "_csrf_token": csrf_of(client)},
        headers=headers,
        follow_redirects=False,
    )
    assert again.status_code == 303 and heads() == once
    changed = {**vote, "choice": "abstain1"}
    assert post_form(client, f"/peilingen/{poll}/stem", changed).status_code == 303
    assert heads() != once
    assert client.get(f"/api/polls/{poll}").json()["voter_count"] == 1


def test_the_list_of_decisions_shows_open_ones_then_closed_with_what_they_are_about(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    thread = _created(
        post_form(client, "/gesprekken", {"title": "Het <b>schoolgebouw</b>", "intro": "Wat nu?"})
    )
    assert client.get("/peilingen").status_code == 200  # nothing yet: a page, not 405
    assert "Er staat nu geen besluit open." in client.get("/peilingen").text
    hostile = "<script>alert('buurdorp')</script> Buurthuis?"
    first = _created(
        post_form(client, "/peilingen", {**PROPOSAL, "title": hostile, "about": thread})
    )
    second = _created(
        post_form(client, "/peilingen", {**PROPOSAL, "title": "Een bankje", "about": thread})
    )
    assert (
        post_form(client, f"/peilingen/{second}/sluiten", {"statement": "Ja."}).status_code == 303
    )

    page = client.get("/peilingen").text
    assert page_problems(page) == [] and repeated_ids(page) == []
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>schoolgebouw</b>" not in page and f'href="/gesprekken/{thread}"' in page
    opened, closed = page.split("Onlangs gesloten")
    assert f"/peilingen/{first}" in opened and f"/peilingen/{second}" in closed
    assert 'href="/peilingen"' in client.get(f"/gesprekken/{thread}").text
