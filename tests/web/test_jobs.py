"""Doe-plek jobs and Doe-punten over HTTP: a job asked for by a shop, a mixed group signing up,
hours given and confirmed, credits earned and spent at a partner; refusals that keep what was
typed; the JSON API; a hostile job from another village shown as text."""

from __future__ import annotations

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

from .builders import Browser, csrf_of, page_problems, post_form, register, repeated_ids, run

BEFORE = datetime(2031, 5, 1, 9, tzinfo=UTC)
DURING = datetime(2031, 5, 3, 12, tzinfo=UTC)
"""The shift is on 3 May 2031, 10:00 to 14:00 (Belgian summer time: 08:00 to 12:00 UTC)...
DURING is just after its end; BEFORE two days earlier."""


@pytest.fixture
def clock(client: TestClient[Litestar]) -> Clock:
    return Clock(client.app.state.node, BEFORE)


JOB = {
    "title": "2.000 folders vouwen voor de bakker",
    "about": "Twee ochtenden in het buurthuis, met koffie.",
    "address": "Buurthuis De Brink",
    "village": "Wezep",
    "size": "medium",
    "support": "Welzijnswerk begeleidt een groep van de dagbesteding.",
    "day": "2031-05-03",
    "start": "10:00",
    "end": "14:00",
    "hands": "6",
}


def _created(response: object) -> str:
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    return str(response.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]


def test_a_job_from_sign_up_to_credits_spent(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Wim")
    shop = _created(
        post_form(client, "/organisaties", {"name": "Bakkerij Van Dijk", "kind": "shop"})
    )
    job = _created(post_form(client, "/klussen", {**JOB, "organisation": shop}))
    page = client.get(f"/klussen/{job}").text
    assert "2.000 folders vouwen" in page and "Bakkerij Van Dijk" in page
    assert "2.000 folders vouwen" in client.get("/klussen").text
    shift = client.get(f"/api/jobs/{job}").json()["shifts"][0]["id"]

    sanne = Browser(client)
    with sanne as browser:
        me = register(browser, "Sanne")
        response = post_form(
            browser,
            f"/klussen/{job}/aanmelden",
            {"shift": shift, "group": "Dagbesteding De Brug", "guests": "3"},
        )
        assert response.status_code == 303, response.text
        too_many = post_form(browser, f"/klussen/{job}/aanmelden", {"shift": shift})
        assert too_many.status_code == 400 and "staat al op deze shift" in too_many.text
        clock.at = DURING
        page = browser.get(f"/klussen/{job}").text
        assert page_problems(page) == [] and repeated_ids(page) == []
        assert (
            post_form(browser, f"/klussen/{job}/uren", {"shift": shift, "hours": "9"}).status_code
            == 400
        )
        assert (
            post_form(browser, f"/klussen/{job}/uren", {"shift": shift, "hours": "2,5"}).status_code
            == 303
        )

    hours = client.get(f"/api/jobs/{job}").json()["shifts"][0]["hours"][0]["id"]
    page = client.get(f"/klussen/{job}").text  # Wim, the owner, sees the confirm button
    assert page_problems(page) == [] and repeated_ids(page) == []
    assert post_form(client, f"/klussen/{job}/uren/{hours}/bevestigen").status_code == 303

    # the bakery takes Doe-punten, and Sanne pays there for a cake
    assert (
        post_form(
            client, f"/organisaties/{shop}/doe-punten/partner", {"offer": "Een uur is een taart"}
        ).status_code
        == 303
    )
    paid = post_form(
        client,
        f"/organisaties/{shop}/doe-punten/afrekenen",
        {"person": me, "amount": "1,5", "what": "Een taart"},
    )
    assert paid.status_code == 303 and paid.headers["location"].endswith("uitkomst=bevestigd")
    refused = post_form(
        client,
        f"/organisaties/{shop}/doe-punten/afrekenen",
        {"person": me, "amount": "2", "what": "Nog een taart"},
    )
    assert refused.status_code == 400
    assert (
        "saldo is te laag" in refused.text and "Nog een taart" in refused.text
    )  # what was typed is kept
    partner_page = client.get(f"/organisaties/{shop}/doe-punten").text
    assert page_problems(partner_page) == [] and repeated_ids(partner_page) == []

    with sanne as browser:
        page = browser.get("/mijn/doe-punten").text
        assert "Saldo: 1:00 uur" in page and "Een taart" in page and "Bakkerij Van Dijk" in page
        assert page_problems(page) == []
        account = browser.get("/api/me/credits").json()
        assert account["balance"] == 60
        assert sorted((e["kind"], e["minutes"], e["state"]) for e in account["entries"]) == [
            ("earn", 150, "counted"),
            ("spend", 90, "counted"),
        ]


def test_only_the_owner_confirms_hours(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Wim")
    job = _created(post_form(client, "/klussen", JOB))
    shift = client.get(f"/api/jobs/{job}").json()["shifts"][0]["id"]
    with Browser(client) as sanne:
        register(sanne, "Sanne")
        post_form(sanne, f"/klussen/{job}/aanmelden", {"shift": shift})
        clock.at = DURING
        post_form(sanne, f"/klussen/{job}/uren", {"shift": shift, "hours": "2"})
        hours = sanne.get(f"/api/jobs/{job}").json()["shifts"][0]["hours"][0]["id"]
        assert post_form(sanne, f"/klussen/{job}/uren/{hours}/bevestigen").status_code == 403
        assert sanne.get("/api/me/credits").json()["balance"] == 0


def test_a_job_with_its_shift_in_the_past_is_refused(
    client: TestClient[Litestar], clock: Clock
) -> None:
    register(client, "Wim")
    clock.at = DURING
    response = post_form(client, "/klussen", JOB)
    assert response.status_code == 400
    assert "al in het verleden" in response.text and "2.000 folders vouwen" in response.text
    assert client.get("/api/jobs").json()["items"] == []


def test_the_json_api(client: TestClient[Litestar], clock: Clock) -> None:
    register(client, "Wim")
    token = {"x-csrftoken": csrf_of(client, "/")}
    created = client.post("/api/jobs", json={**JOB, "hands": 2}, headers=token)
    assert created.status_code == 201, created.text
    job = created.json()["id"]
    shift = client.get(f"/api/jobs/{job}").json()["shifts"][0]["id"]
    signed = client.post(
        f"/api/jobs/{job}/signups", json={"shift": shift, "guests": 1}, headers=token
    )
    assert signed.status_code == 201, signed.text
    full = client.post(f"/api/jobs/{job}/signups", json={"shift": shift}, headers=token)
    assert full.status_code == 400 and full.json()["error"] == "invalid"
    clock.at = DURING
    hours = client.post(
        f"/api/jobs/{job}/hours", json={"shift": shift, "hours": "1:30"}, headers=token
    )
    assert hours.status_code == 201, hours.text
    confirmed = client.post(f"/api/jobs/{job}/hours/{hours.json()['id']}/confirm", headers=token)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_minutes"] == 90
    assert client.get("/api/me/credits").json()["balance"] == 90
    assert [j["id"] for j in client.get("/api/jobs").json()["items"]] == [job]


HOSTILE = '<script>alert("buur")</script><img src=x onerror=alert(1)>'


def test_a_hostile_job_from_another_village_is_shown_as_text(client: TestClient[Litestar]) -> None:
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
        place = tx.put_object(ROOT, "place", ObjType.MAP)
        tx.put(place, "village", HOSTILE[:90])
        tx.put(ROOT, "address", HOSTILE)
        tx.put(ROOT, "support", HOSTILE)
        tx.put(ROOT, "size", "small")
        tx.put(ROOT, "status", "open")
        shifts = tx.put_object(ROOT, "shifts", ObjType.MAP)
        shift = tx.put_object(shifts, "Shift1abc", ObjType.MAP)
        tx.put(shift, "start", datetime(2031, 5, 3, 8, tzinfo=UTC))
        tx.put(shift, "end", datetime(2031, 5, 3, 12, tzinfo=UTC))
        tx.put(shift, "hands", 4)
        tx.put_object(ROOT, "signups", ObjType.MAP)
        tx.put_object(ROOT, "hours", ObjType.MAP)

    job = elsewhere.create("job", stranger, "Klus", fill)

    async def project_it() -> None:
        async with node.sessions() as session:
            await project(session, node.documents.read(job))
            await session.commit()

    run(client, project_it)
    for path in ("/klussen", f"/klussen/{job}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
