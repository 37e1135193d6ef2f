"""What node/ refuses is shown in the reader's language: a form's message at its field, a
permission refusal as a page or htmx message, a not-found, and the JSON API's `message` (which
follows the language cookie or Accept-Language like the pages; Dutch when neither asks)."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, csrf_of, post_form, post_initiative, register

UNKNOWN = "2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN"


def _english(client: TestClient[Litestar]) -> None:
    assert client.get("/taal/en?next=/over", follow_redirects=False).status_code == 303


def test_a_refused_form_names_the_problem_in_dutch_or_in_english(
    client: TestClient[Litestar],
) -> None:
    register(client)
    dutch = post_form(client, "/initiatieven", {"title": "x" * 201})
    assert dutch.status_code == 400
    assert "De titel mag hoogstens 200 tekens lang zijn (nu 201)." in dutch.text
    _english(client)
    english = post_form(client, "/initiatieven", {"title": "x" * 201})
    assert english.status_code == 400
    assert "The title can be at most 200 characters long (now 201)." in english.text
    assert "hoogstens" not in english.text
    assert 'aria-invalid="true"' in english.text


def test_a_field_message_in_an_htmx_section_is_in_english(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    _english(client)
    response = post_form(
        client,
        f"/initiatieven/{initiative_id}/nodig",
        {"kind": "money", "description": "Verf", "amount": "veel"},
        htmx=True,
    )
    assert response.status_code == 400
    assert "Give an amount in euros, for example 250 or 12,50" in response.text
    assert "Geef een bedrag" not in response.text


def test_a_permission_refusal_is_in_the_readers_language(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Buurtfeest")
    edit = f"/initiatieven/{initiative_id}/bewerken"
    with Browser(client) as bob:
        register(bob, "Bob")
        dutch = post_form(bob, edit, {"title": "Van Bob"})
        assert dutch.status_code == 403
        assert "Alleen de initiatiefnemers en coördinatoren" in dutch.text
        _english(bob)
        page = post_form(bob, edit, {"title": "Van Bob"})
        assert page.status_code == 403
        assert "Only the initiators and coordinators can change this initiative." in page.text
        partial = post_form(bob, edit, {"title": "Van Bob"}, htmx=True)
        assert partial.status_code == 403
        assert partial.headers["HX-Retarget"] == "#meldingen"
        assert "Only the initiators and coordinators can change this initiative." in partial.text
        assert "Alleen de initiatiefnemers" not in partial.text


def test_not_found_is_in_the_readers_language(client: TestClient[Litestar]) -> None:
    assert "Deze pagina bestaat niet (meer)" in client.get(f"/initiatieven/{UNKNOWN}").text
    assert client.get(f"/api/initiatives/{UNKNOWN}").json() == {
        "error": "not_found",
        "message": "Niet gevonden: initiatief.",
    }
    english = {"accept-language": "en-GB,en;q=0.8"}
    page = client.get(f"/initiatieven/{UNKNOWN}", headers=english)
    assert page.status_code == 404
    assert "This page does not exist (any more)." in page.text
    assert client.get(f"/api/initiatives/{UNKNOWN}", headers=english).json() == {
        "error": "not_found",
        "message": "Not found: initiative.",
    }


def test_the_api_message_follows_accept_language_and_is_dutch_by_default(
    client: TestClient[Litestar],
) -> None:
    register(client)
    token = {"x-csrftoken": csrf_of(client, "/")}
    body = {"title": "x" * 300}
    dutch = client.post("/api/initiatives", json=body, headers=token)
    assert dutch.status_code == 400
    assert dutch.json() == {
        "error": "invalid",
        "field": "title",
        "message": "De titel mag hoogstens 200 tekens lang zijn (nu 300).",
    }
    english = client.post("/api/initiatives", json=body, headers={**token, "accept-language": "en"})
    assert english.status_code == 400
    assert english.json() == {
        "error": "invalid",
        "field": "title",
        "message": "The title can be at most 200 characters long (now 300).",
    }


def test_what_someone_typed_inside_a_translated_message_is_escaped(
    client: TestClient[Litestar],
) -> None:
    register(client)
    _english(client)
    tag = "<b>vet</b>" + "x" * 40
    response = post_form(client, "/initiatieven", {"title": "Moestuin", "tags": tag})
    assert response.status_code == 400
    assert "Keywords: &#39;&lt;b&gt;vet&lt;/b&gt;xxxxxxxxxx…&#39; is longer than 40" in (
        response.text
    )
    assert "<b>vet</b>" not in response.text
