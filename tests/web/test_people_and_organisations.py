"""Profiles and organisations: everyone edits only their own; the municipality is a participant."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import (
    Browser,
    foreign_organisation,
    form_fields,
    post_form,
    post_initiative,
    register,
)


def test_a_resident_edits_their_own_profile(client: TestClient[Litestar]) -> None:
    person_id = register(client, "Anna")
    action = f"/mensen/{person_id}/bewerken"
    form = form_fields(client.get(action).text, action)
    form.update(skills="timmeren, koken", offers="Ik kan op dinsdag koken")
    page = post_form(client, action, form, follow=True)
    assert "timmeren" in page.text
    assert "Ik kan op dinsdag koken" in page.text


def test_nobody_edits_someone_elses_profile(client: TestClient[Litestar]) -> None:
    anna = register(client, "Anna")
    with Browser(client) as bob:
        register(bob, "Bob")
        assert bob.get(f"/mensen/{anna}/bewerken").status_code == 403
        refused = post_form(bob, f"/mensen/{anna}/bewerken", {"display_name": "Gekaapt"})
        assert refused.status_code == 403
    assert "Gekaapt" not in client.get(f"/mensen/{anna}").text


def test_a_profile_with_an_empty_name_is_refused_and_input_kept(
    client: TestClient[Litestar],
) -> None:
    person_id = register(client, "Anna")
    response = post_form(
        client, f"/mensen/{person_id}/bewerken", {"display_name": "", "about": "Ik woon hier"}
    )
    assert response.status_code == 400
    assert "Ik woon hier" in response.text


def test_the_municipality_joins_as_an_organisation_and_supports_on_its_behalf(
    client: TestClient[Litestar],
) -> None:
    register(client, "Wethouder")
    created = post_form(
        client,
        "/organisaties",
        {"name": "Gemeente Oldebroek", "kind": "municipality", "about": "Wij doen mee."},
        follow=True,
    )
    assert created.status_code == 200
    assert "Gemeente Oldebroek" in created.text
    assert "Gemeente" in created.text
    assert "Gemeente Oldebroek" in client.get("/organisaties").text
    organisation_id = str(created.url).rsplit("/", 1)[1]
    form = client.get("/initiatieven/nieuw").text
    assert f'<option value="{organisation_id}"' in form
    initiative_id = post_initiative(client, "Bankjes", organisation=organisation_id)
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert f'namens <a href="/organisaties/{organisation_id}">Gemeente Oldebroek</a>' in page


def test_only_an_organisations_admins_edit_it(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    created = post_form(client, "/organisaties", {"name": "Omroep", "kind": "broadcaster"})
    organisation_id = created.headers["location"].rsplit("/", 1)[1]
    with Browser(client) as bob:
        register(bob, "Bob")
        page = bob.get(f"/organisaties/{organisation_id}").text
        assert "Organisatie bewerken" not in page
        refused = post_form(bob, f"/organisaties/{organisation_id}/bewerken", {"name": "Gekaapt"})
        assert refused.status_code == 403
    assert "Gekaapt" not in client.get(f"/organisaties/{organisation_id}").text


def test_a_member_joins_an_initiative_on_behalf_of_their_organisation(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Repair café")
    with Browser(client) as omroep:
        register(omroep, "Redacteur")
        created = post_form(
            omroep, "/organisaties", {"name": "Omroep Oldebroek", "kind": "broadcaster"}
        )
        organisation_id = created.headers["location"].rsplit("/", 1)[1]
        page = omroep.get(f"/initiatieven/{initiative_id}").text
        assert f'<option value="{organisation_id}"' in page
        joined = post_form(
            omroep,
            f"/initiatieven/{initiative_id}/aansluiten",
            {"offer": "Wij maken er een uitzending over", "organisation": organisation_id},
            follow=True,
        )
        assert "Omroep Oldebroek</a>" in joined.text
        assert "Wij maken er een uitzending over" in joined.text


def test_an_organisation_of_this_village_shows_its_about_text_with_links(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    created = post_form(
        client,
        "/organisaties",
        {"name": "Omroep", "kind": "broadcaster", "about": "Kijk op https://omroep.example"},
        follow=True,
    )
    assert created.status_code == 200
    assert "Uit een ander dorp." not in created.text
    assert '<a href="https://omroep.example" rel="nofollow noopener noreferrer">' in created.text


def test_an_organisation_from_another_village_is_marked_and_its_text_stays_plain(
    client: TestClient[Litestar],
) -> None:
    organisation_id = foreign_organisation(
        client,
        "Dorpsraad Elders",
        'Zie <a href="https://elders.example">hier</a> en https://x.example',
    )
    page = client.get(f"/organisaties/{organisation_id}").text
    assert "Dorpsraad Elders" in page
    assert "Uit een ander dorp." in page
    escaped = "Zie &lt;a href=&#34;https://elders.example&#34;&gt;hier&lt;/a&gt;"
    assert f"<p>{escaped} en https://x.example</p>" in page
    assert 'href="https://x.example"' not in page
