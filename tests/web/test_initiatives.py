"""Initiatives over HTTP: posting, the list and its filters, the page, allies, rights, bad input."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from .builders import Browser, csrf_of, form_fields, post_form, post_initiative, register


def test_a_resident_posts_an_initiative_and_sees_it_on_its_page_and_in_the_list(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Moestuin achter de school")
    page = client.get(f"/initiatieven/{initiative_id}")
    assert page.status_code == 200
    assert "Moestuin achter de school" in page.text
    assert "Samen groente kweken" in page.text
    assert "<p>Eerste alinea.</p><p>Tweede alinea.</p>" in page.text
    assert 'aria-current="step">Medestanders vinden' in page.text
    assert "Initiatiefnemer" in page.text
    home = client.get("/")
    assert "Moestuin achter de school" in home.text
    assert "1 initiatief" in home.text


def test_the_list_filters_by_neighbourhood_tag_status_need_and_words(
    client: TestClient[Litestar],
) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin", neighbourhood="Centrum", tags="groen")
    post_initiative(client, "Straatfeest", neighbourhood="De Hoek", tags="feest", status="idea")
    post_form(
        client,
        f"/initiatieven/{garden}/nodig",
        {"kind": "hands", "description": "Sjouwers voor de aarde"},
    )

    def titles(query: str) -> set[str]:
        page = client.get("/?" + query)
        assert page.status_code == 200
        return {t for t in ("Moestuin", "Straatfeest") if f">{t}</a>" in page.text}

    assert titles("") == {"Moestuin", "Straatfeest"}
    assert titles("wijk=de+hoek") == {"Straatfeest"}
    assert titles("label=groen") == {"Moestuin"}
    assert titles("stand=idea") == {"Straatfeest"}
    assert titles("nodig=hands") == {"Moestuin"}
    assert titles("zoek=straatfeest") == {"Straatfeest"}


def test_the_list_answers_htmx_with_only_the_results(client: TestClient[Litestar]) -> None:
    register(client)
    post_initiative(client, "Moestuin")
    partial = client.get("/?zoek=moestuin", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'id="resultaten"' in partial.text
    assert "Moestuin" in partial.text


def test_an_unknown_filter_value_is_explained_not_a_crash(client: TestClient[Litestar]) -> None:
    page = client.get("/?stand=verzonnen")
    assert page.status_code == 200
    assert "Kies een van de mogelijkheden" in page.text


def test_support_join_and_leave_with_an_offer(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    with Browser(client) as bob:
        register(bob, "Bob")
        supported = post_form(bob, f"/initiatieven/{initiative_id}/steunen", follow=True)
        assert supported.status_code == 200
        assert "Steunt" in supported.text
        joined = post_form(
            bob,
            f"/initiatieven/{initiative_id}/aansluiten",
            {"offer": "Ik heb een aanhangwagen"},
            follow=True,
        )
        assert "Doet mee" in joined.text
        assert "Ik heb een aanhangwagen" in joined.text
        assert 'aria-current="step">Aansluiten' in joined.text
        left = post_form(bob, f"/initiatieven/{initiative_id}/verlaten", follow=True)
        assert "Ik heb een aanhangwagen" not in left.text
        assert "Ik steun dit" in left.text


def test_support_with_htmx_swaps_the_allies_section_not_the_page(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    with Browser(client) as bob:
        register(bob, "Bob")
        response = post_form(bob, f"/initiatieven/{initiative_id}/steunen", htmx=True)
        assert response.status_code == 200
        assert response.text.lstrip().startswith('<section id="medestanders"')
        assert "<html" not in response.text
        assert "Bob" in response.text


def test_joining_and_leaving_with_htmx_also_update_the_plan_board(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    plan_oob = '<section id="plan" aria-labelledby="plan-kop" hx-swap-oob="true">'
    with Browser(client) as bob:
        register(bob, "Bob")
        before = bob.get(f"/initiatieven/{initiative_id}").text
        assert "Doe mee om taken op te pakken" in before
        joined = post_form(
            bob, f"/initiatieven/{initiative_id}/aansluiten", {"offer": "Ik help"}, htmx=True
        )
        assert joined.status_code == 200
        assert joined.text.lstrip().startswith('<section id="medestanders"')
        allies, plan = joined.text.split(plan_oob)
        assert "Ik doe niet meer mee" in allies
        assert "Wat moet er gebeuren?" in plan
        assert "Doe mee om taken op te pakken" not in plan
        left = post_form(bob, f"/initiatieven/{initiative_id}/verlaten", htmx=True)
        allies, plan = left.text.split(plan_oob)
        assert "Ik doe mee" in allies
        assert "Doe mee om taken op te pakken" in plan
        assert "Wat moet er gebeuren?" not in plan
        page = bob.get(f"/initiatieven/{initiative_id}").text
    assert "hx-swap-oob" not in page  # the page itself has the board in place


def test_the_page_offers_forms_that_work_without_javascript(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client)
    with Browser(client) as bob:
        register(bob, "Bob")
        page = bob.get(f"/initiatieven/{initiative_id}").text
    # every htmx action is also a real form post with its CSRF token
    assert f'<form method="post" action="/initiatieven/{initiative_id}/steunen"' in page
    assert f'<form method="post" action="/initiatieven/{initiative_id}/aansluiten"' in page
    assert page.count('name="_csrf_token"') >= 3
    assert "<script>" not in page


def test_a_visitor_sees_the_page_but_cannot_act(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    with Browser(client) as visitor:
        page = visitor.get(f"/initiatieven/{initiative_id}")
        assert page.status_code == 200
        assert "Ik steun dit" not in page.text
        assert f"/inloggen?next=/initiatieven/{initiative_id}" in page.text
        refused = post_form(visitor, f"/initiatieven/{initiative_id}/steunen")
        assert refused.status_code == 403
        assert "Log eerst in" in refused.text
        assert visitor.get("/initiatieven/nieuw", follow_redirects=False).status_code == 303


def test_someone_else_cannot_edit_my_initiative(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Moestuin")
    with Browser(client) as mallory:
        register(mallory, "Mallory")
        action = f"/initiatieven/{initiative_id}/bewerken"
        form = form_fields(mallory.get(action).text, action)
        refused = post_form(mallory, action, {**form, "title": "Overgenomen"})
        assert refused.status_code == 403
        assert "Traceback" not in refused.text
        assert "Bewerken" not in mallory.get(f"/initiatieven/{initiative_id}").text
    assert "Moestuin" in client.get(f"/initiatieven/{initiative_id}").text
    assert "Overgenomen" not in client.get(f"/initiatieven/{initiative_id}").text


def test_an_empty_title_shows_the_form_again_with_the_message_and_the_input_kept(
    client: TestClient[Litestar],
) -> None:
    register(client)
    response = post_form(
        client,
        "/initiatieven",
        {"title": "  ", "summary": "Mijn samenvatting blijft staan", "tags": "groen"},
    )
    assert response.status_code == 400
    assert "De titel is verplicht" in response.text or "titel" in response.text.lower()
    assert 'aria-invalid="true"' in response.text
    assert "Mijn samenvatting blijft staan" in response.text
    assert "0 initiatieven" in client.get("/").text


def test_a_100_kb_title_is_refused_and_nothing_is_made(client: TestClient[Litestar]) -> None:
    register(client)
    response = post_form(client, "/initiatieven", {"title": "x" * 100_000})
    assert response.status_code == 400
    assert "hoogstens 200 tekens" in response.text
    assert "0 initiatieven" in client.get("/").text


def test_a_body_over_the_limit_is_refused_plainly(client: TestClient[Litestar]) -> None:
    register(client)
    response = post_form(client, "/initiatieven", {"title": "x", "description": "y" * 2_000_000})
    assert response.status_code == 413
    assert "te veel tekst" in response.text.lower()
    assert "0 initiatieven" in client.get("/").text


def test_an_unknown_initiative_is_a_404_page(client: TestClient[Litestar]) -> None:
    for path in ("/initiatieven/bestaatniet", "/initiatieven/2ZQ8QkcKbqPUyVRrbT8GgZzHsqhN"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Niet gevonden" in response.text


def test_a_post_without_or_with_a_forged_csrf_token_changes_nothing(
    client: TestClient[Litestar],
) -> None:
    register(client)
    csrf_of(client)
    missing = client.post("/initiatieven", data={"title": "Zonder token"})
    forged = client.post("/initiatieven", data={"title": "Vals", "_csrf_token": "a" * 128})
    for response in (missing, forged):
        assert response.status_code == 403
        assert "formulier is verlopen" in response.text
    assert "0 initiatieven" in client.get("/").text


def test_errors_for_htmx_land_in_the_message_area(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    with Browser(client) as visitor:
        csrf_of(visitor)
        response = post_form(visitor, f"/initiatieven/{initiative_id}/steunen", htmx=True)
    assert response.status_code == 403
    assert response.headers["hx-retarget"] == "#meldingen"
    assert "<html" not in response.text
    assert "Log eerst in" in response.text


def test_the_status_moves_along_the_path(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client, status="idea")
    assert 'aria-current="step">Agenderen' in client.get(f"/initiatieven/{initiative_id}").text
    moved = post_form(
        client, f"/initiatieven/{initiative_id}/stand", {"status": "active"}, follow=True
    )
    assert moved.status_code == 200
    assert 'aria-current="step">Aan de slag' in moved.text


def test_needs_news_and_who_has_what_we_need(client: TestClient[Litestar]) -> None:
    register(client, "Anna")
    initiative_id = post_initiative(client, "Speeltuin", neighbourhood="Centrum")
    page = post_form(
        client,
        f"/initiatieven/{initiative_id}/nodig",
        {"kind": "skills", "description": "Iemand die kan lassen", "skill": "lassen"},
        follow=True,
    )
    assert "Iemand die kan lassen" in page.text
    assert "Wie heeft wat we nodig hebben?" not in page.text
    with Browser(client) as bob:
        bob_id = register(bob, "Bob")
        action = f"/mensen/{bob_id}/bewerken"
        form = form_fields(bob.get(action).text, action)
        post_form(bob, action, {**form, "skills": "lassen, koken"})
    page = client.get(f"/initiatieven/{initiative_id}").text
    assert "Wie heeft wat we nodig hebben?" in page
    assert f'href="/mensen/{bob_id}">Bob</a>' in page
    need_id = re.search(r"/nodig/([^\"/]+)\"", page).group(1)  # type: ignore[union-attr]
    done = post_form(
        client, f"/initiatieven/{initiative_id}/nodig/{need_id}", {"fulfilled": "true"}, follow=True
    )
    assert "geregeld" in done.text
    news = post_form(
        client,
        f"/initiatieven/{initiative_id}/nieuws",
        {"title": "Vergunning binnen", "body": "De gemeente zegt ja."},
        follow=True,
    )
    assert "Vergunning binnen" in news.text
    assert "De gemeente zegt ja." in news.text


def test_a_need_without_description_keeps_the_other_fields(client: TestClient[Litestar]) -> None:
    register(client)
    initiative_id = post_initiative(client)
    response = post_form(
        client,
        f"/initiatieven/{initiative_id}/nodig",
        {"kind": "money", "description": "", "amount": "250"},
    )
    assert response.status_code == 400
    assert 'value="250"' in response.text
    assert "Er staat nog niets op de lijst." in response.text
