"""Two people editing the same initiative at the same time both keep their edits: the edit form
carries the version it was rendered with, and the node merges instead of overwriting."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, form_fields, post_form, post_initiative, register

DESCRIPTION = "De moestuin komt achter de school.\n\nWe beginnen in het voorjaar."


def _edit_form(client: TestClient[Litestar], initiative_id: str) -> dict[str, str]:
    action = f"/initiatieven/{initiative_id}/bewerken"
    return form_fields(client.get(action).text, action)


def test_concurrent_description_and_task_edits_both_survive(
    client: TestClient[Litestar],
) -> None:
    anna = Browser(client)
    bob = Browser(client)
    with anna:
        register(client, "Anna")
        initiative_id = post_initiative(client, description=DESCRIPTION)
    with bob:
        bob_id = register(client, "Bob")
        post_form(client, f"/initiatieven/{initiative_id}/aansluiten", {"offer": "Schoppen"})
    with anna:
        made = post_form(client, f"/initiatieven/{initiative_id}/coordinator/{bob_id}")
        assert made.status_code == 303

    # both open the edit form before either saves
    with anna:
        anna_form = _edit_form(client, initiative_id)
    with bob:
        bob_form = _edit_form(client, initiative_id)
    assert anna_form["version"] == bob_form["version"]

    with anna:
        anna_form["description"] = anna_form["description"].replace(
            "achter de school", "achter de basisschool"
        )
        saved = post_form(client, f"/initiatieven/{initiative_id}/bewerken", anna_form)
        assert saved.status_code == 303
        post_form(client, f"/initiatieven/{initiative_id}/taken", {"title": "Zaad kopen"})
    with bob:
        bob_form["description"] = bob_form["description"].replace("in het voorjaar", "in maart")
        saved = post_form(client, f"/initiatieven/{initiative_id}/bewerken", bob_form)
        assert saved.status_code == 303
        post_form(client, f"/initiatieven/{initiative_id}/taken", {"title": "Hek zetten"})

    page = client.get(f"/initiatieven/{initiative_id}").text
    assert "De moestuin komt achter de basisschool." in page
    assert "We beginnen in maart." in page
    assert "Zaad kopen" in page
    assert "Hek zetten" in page
    assert "0 van 2 taken klaar" in page


def test_an_edit_from_an_unknown_version_is_refused_and_the_text_kept(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, description=DESCRIPTION)
    form = _edit_form(client, initiative_id)
    form.update(version="ab" * 32, description="Mijn nieuwe tekst")
    response = post_form(client, f"/initiatieven/{initiative_id}/bewerken", form)
    assert response.status_code == 400
    assert "Deze versie van het document is hier onbekend." in response.text
    assert "Mijn nieuwe tekst" in response.text
    assert "Mijn nieuwe tekst" not in client.get(f"/initiatieven/{initiative_id}").text
