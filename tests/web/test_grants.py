"""Micro-grant calls over HTTP: the whole round in the pages (no JavaScript), refusals that keep
what was typed, the JSON API, and a hostile call from another village."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import base58
import pytest
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
    form_fields,
    page_problems,
    post_form,
    post_initiative,
    register,
    repeated_ids,
    run,
)

CLOSED = datetime(2031, 3, 2, 12, tzinfo=UTC)
BEACON = "Lotto 8 maart 2031: 4 12 19 33 41 45"


@pytest.fixture
def clock(client: TestClient[Litestar]) -> Clock:
    return Clock(client.app.state.node)


CALL = {
    "title": "Wijk aan Zet voorjaar",
    "about": "Tot 2.500 euro voor een creatief buurtinitiatief.",
    "max_grant": "2.500",
    "neighbourhoods": "Centrum",
    "min_allies": "1",
    "round_title": "Voorjaar 2031",
    "deadline": "2031-03-01",
    "budget": "5.000",
    "jury_size": "2",
    "beacon_source": "Lotto-trekking van zaterdag 8 maart 2031",
}


def open_call(client: TestClient[Litestar]) -> str:
    response = post_form(client, "/subsidies", CALL)
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def test_a_whole_round_in_the_pages(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Sofie")
    call = open_call(client)
    page = client.get(f"/subsidies/{call}").text
    assert "Wijk aan Zet voorjaar" in page and "Voorjaar 2031" in page
    assert "Wijk aan Zet voorjaar" in client.get("/subsidies").text

    amira = Browser(client)
    with amira as browser:
        register(browser, "Amira")
        initiative = post_initiative(browser, "Verhalenfestival")
        action = f"/subsidies/{call}/aanvragen"
        form = form_fields(browser.get(action).text, action)
        assert form["initiative"] == initiative
        body = {**form, "title": "Verhalen uit het Centrum", "plan": "Een avond met verhalen."}
        body.update(what=["Geluid", "Hapjes"], amount=["600", "400,50"])
        body["_csrf_token"] = csrf_of(browser)
        response = browser.post(action, data=body, follow_redirects=False)
        assert response.status_code == 303, response.text
    jurors = []
    for name in ("Els", "Karim", "Mieke"):
        juror = Browser(client)
        with juror as browser:
            register(browser, name)
            assert (
                post_form(browser, f"/subsidies/{call}/jury", {"note": "Ik woon hier"}).status_code
                == 303
            )
        jurors.append(juror)

    clock.at = CLOSED
    page = client.get(f"/subsidies/{call}").text  # Sofie, the owner, sees the draw form
    round_id = page.split("/rondes/")[1].split("/loting")[0]
    response = post_form(client, f"/subsidies/{call}/rondes/{round_id}/loting", {"beacon": BEACON})
    assert response.status_code == 303, response.text
    view = client.get(f"/api/grant-calls/{call}").json()
    jury = [j["person_id"] for j in view["rounds"][0]["jury"]]
    volunteers = [t["volunteer"]["person_id"] for t in view["rounds"][0]["tickets"]]

    def ticket(person: str) -> str:
        text = f"mekaar/jury/v1\n{call}\n{round_id}\n{BEACON}\n{person}"
        return hashlib.sha256(text.encode()).hexdigest()

    assert jury == sorted(volunteers, key=ticket)[:2]
    page = client.get(f"/subsidies/{call}").text
    assert ticket(jury[0]) in page  # the page shows every ticket, to check by hand

    application = view["rounds"][0]["applications"][0]["id"]
    for juror in jurors:
        with juror as browser:
            me = browser.get("/api/me").json()["person_id"]
            if me not in jury:
                refused = post_form(
                    browser, f"/subsidies/{call}/aanvragen/{application}/score", {"score": "5"}
                )
                assert refused.status_code == 403
                continue
            page = browser.get(f"/subsidies/{call}").text
            assert page_problems(page) == [] and repeated_ids(page) == []
            response = post_form(
                browser,
                f"/subsidies/{call}/aanvragen/{application}/score",
                {"score": "4", "note": "Verbindt buren."},
            )
            assert response.status_code == 303, response.text

    decision = {"granted": "yes", "amount": "", "reasons": "Past bij de oproep; jury positief."}
    response = post_form(client, f"/subsidies/{call}/aanvragen/{application}/besluit", decision)
    assert response.status_code == 303, response.text
    with amira as browser:
        spent = {"story": "Zestig buren kwamen.", "what": ["Geluid", ""], "amount": ["580", ""]}
        body = {**spent, "_csrf_token": csrf_of(browser)}
        response = browser.post(f"/subsidies/{call}/aanvragen/{application}/verslag", data=body)
        assert response.status_code in (200, 303), response.text
    page = client.get(f"/subsidies/{call}").text.replace("\xa0", " ")  # Babel's € spacing
    assert "Toegekend: € 1.000,50" in page
    assert "Gemiddelde score: 4.0 van 5" in page
    assert "Zestig buren kwamen." in page and "€ 580" in page
    assert page_problems(page) == [] and repeated_ids(page) == []


def test_a_refused_application_keeps_what_was_typed(
    client: TestClient[Litestar], clock: Clock
) -> None:
    register(client, "Sofie")
    call = open_call(client)
    post_initiative(client, "Boekenmarkt")
    action = f"/subsidies/{call}/aanvragen"
    form = form_fields(client.get(action).text, action)
    body = {**form, "title": "Boekenmarkt op het plein", "plan": "Kramen vol boeken."}
    body.update(what=["Kramen", "Affiches"], amount=["2.000", "900"], _csrf_token=csrf_of(client))
    response = client.post(action, data=body, follow_redirects=False)
    assert response.status_code == 400
    assert "het maximum per subsidie is € 2.500" in response.text
    assert "Kramen vol boeken." in response.text and 'value="Affiches"' in response.text
    assert client.get(f"/api/grant-calls/{call}").json()["rounds"][0]["applications"] == []


def test_the_jury_is_not_drawn_before_the_deadline(
    client: TestClient[Litestar], clock: Clock
) -> None:
    register(client, "Sofie")
    call = open_call(client)
    post_form(client, f"/subsidies/{call}/jury", {})
    round_id = client.get(f"/api/grant-calls/{call}").json()["rounds"][0]["id"]
    response = post_form(client, f"/subsidies/{call}/rondes/{round_id}/loting", {"beacon": BEACON})
    assert response.status_code == 400
    assert "pas geloot als de ronde gesloten is" in response.text
    assert client.get(f"/api/grant-calls/{call}").json()["rounds"][0]["jury"] == []


def test_a_call_with_a_deadline_in_the_past_is_refused(client: TestClient[Litestar]) -> None:
    register(client, "Sofie")
    response = post_form(client, "/subsidies", {**CALL, "deadline": "2020-01-01"})
    assert response.status_code == 400
    assert "al in het verleden" in response.text
    assert "Wijk aan Zet voorjaar" in response.text  # what was typed is kept
    assert client.get("/api/grant-calls").json()["items"] == []


def test_the_json_api(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Sofie")
    token = {"x-csrftoken": csrf_of(client, "/")}
    body = {**CALL, "neighbourhoods": ["Centrum"], "min_allies": 1}
    created = client.post("/api/grant-calls", json=body, headers=token)
    assert created.status_code == 201, created.text
    call = created.json()["id"]
    initiative = post_initiative(client, "Straatfeest")
    round_id = client.get(f"/api/grant-calls/{call}").json()["rounds"][0]["id"]
    application = {
        "round": round_id,
        "initiative": initiative,
        "title": "Straatfeest",
        "plan": "Tafels op straat.",
        "what": ["Tafels"],
        "amount": ["300"],
    }
    applied = client.post(f"/api/grant-calls/{call}/applications", json=application, headers=token)
    assert applied.status_code == 201, applied.text
    twice = client.post(f"/api/grant-calls/{call}/applications", json=application, headers=token)
    assert twice.status_code == 400 and twice.json()["error"] == "invalid"
    app_id = applied.json()["id"]
    early = client.post(
        f"/api/grant-calls/{call}/applications/{app_id}/decision",
        json={"granted": "yes", "reasons": "Goed."},
        headers=token,
    )
    assert early.status_code == 400 and "gesloten" in early.json()["message"]
    clock.at = CLOSED
    decided = client.post(
        f"/api/grant-calls/{call}/applications/{app_id}/decision",
        json={"granted": "yes", "reasons": "Goed."},
        headers=token,
    )
    assert decided.status_code == 200, decided.text
    decision = decided.json()["rounds"][0]["applications"][0]["decision"]
    assert decision["amount_cents"] == 30_000 and decision["reasons"] == "Goed."
    unknown = client.post(
        f"/api/grant-calls/{call}/applications/{app_id}/bribe", json={}, headers=token
    )
    assert unknown.status_code == 404
    listed = client.get("/api/grant-calls").json()["items"]
    assert [c["id"] for c in listed] == [call]


HOSTILE = '<script>alert("buur")</script><img src=x onerror=alert(1)>'


def test_a_hostile_call_from_another_village_is_shown_as_text(client: TestClient[Litestar]) -> None:
    node: Node = client.app.state.node
    other_node = base58.b58encode(secrets.token_bytes(32)).decode("ascii")
    elsewhere = DocumentRepository(node.documents.store, other_node)
    stranger = Author(new_document_id(), secrets.token_bytes(16))

    def fill(tx: Transaction, _doc: Document) -> None:
        tx.put(ROOT, "title", HOSTILE)
        about = tx.put_object(ROOT, "about", ObjType.TEXT)
        tx.splice_text(about, 0, 0, HOSTILE)
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)
        tx.put(tx.put_object(owners, stranger.person_id, ObjType.MAP), "since", datetime.now(UTC))
        tx.put(ROOT, "max_grant_cents", 250_000)
        tx.put_object(ROOT, "neighbourhoods", ObjType.LIST)
        tx.put(ROOT, "min_allies", 1)
        rounds = tx.put_object(ROOT, "rounds", ObjType.MAP)
        round_ = tx.put_object(rounds, "Ronde1abc", ObjType.MAP)
        for key, value in {
            "title": HOSTILE,
            "deadline": datetime(2031, 3, 1, tzinfo=UTC),
            "budget_cents": 500_000,
            "jury_size": 3,
            "beacon_source": HOSTILE,
        }.items():
            tx.put(round_, key, value)
        for key in ("volunteers", "applications", "conflicts", "scores", "decisions", "reports"):
            tx.put_object(ROOT, key, ObjType.MAP)

    call = elsewhere.create("grant_call", stranger, "Oproep", fill)

    async def project_it() -> None:
        async with node.sessions() as session:
            await project(session, node.documents.read(call))
            await session.commit()

    run(client, project_it)
    for path in ("/subsidies", f"/subsidies/{call}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    assert "Uit een ander dorp." in client.get(f"/subsidies/{call}").text
