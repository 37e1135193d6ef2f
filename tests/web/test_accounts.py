"""Register, log in, log out; sessions are renewed at log-in and cookies are locked down."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from node.settings import Settings

from .builders import PASSWORD, Browser, post_form, register


def test_register_logs_in_and_shows_the_profile(client: TestClient[Litestar]) -> None:
    person_id = register(client, "Anna")
    page = client.get(f"/mensen/{person_id}")
    assert page.status_code == 200
    assert "Anna" in page.text
    assert "Mijn profiel aanpassen" in page.text
    assert "Uitloggen" in client.get("/").text


def test_register_with_bad_input_keeps_what_was_typed(client: TestClient[Litestar]) -> None:
    response = post_form(
        client,
        "/registreren",
        {"display_name": "Anna", "email": "geen-adres", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert 'value="Anna"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert PASSWORD not in response.text


def test_log_out_and_log_in_again(client: TestClient[Litestar]) -> None:
    post_form(
        client,
        "/registreren",
        {"display_name": "Anna", "email": "anna@example.org", "password": PASSWORD},
    )
    out = post_form(client, "/uitloggen")
    assert out.status_code == 303
    assert "Inloggen" in client.get("/").text
    wrong = post_form(client, "/inloggen", {"email": "anna@example.org", "password": "fout!"})
    assert wrong.status_code == 400
    assert 'value="anna@example.org"' in wrong.text
    right = post_form(
        client, "/inloggen?next=/mijn", {"email": "anna@example.org", "password": PASSWORD}
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/mijn"
    assert "Mijn taken" in client.get("/mijn").text


def test_login_renews_the_session_id_and_cookies_are_httponly_and_lax(
    client: TestClient[Litestar],
) -> None:
    client.get("/over")
    with Browser(client) as other:
        post_form(
            other,
            "/registreren",
            {"display_name": "Bea", "email": "bea@example.org", "password": PASSWORD},
        )
        post_form(other, "/uitloggen")
        other.get("/over")
        planted = "a" * 64  # a session id someone tries to fix before the victim logs in
        other.cookies.set("mekaar_session", planted, domain="testserver.local")
        response = post_form(other, "/inloggen", {"email": "bea@example.org", "password": PASSWORD})
        cookie = response.headers["set-cookie"]
        assert "mekaar_session=" in cookie
        assert planted not in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
        assert "Bea" in other.get("/").text


def test_a_forged_session_cookie_is_ignored(client: TestClient[Litestar]) -> None:
    client.cookies.set(
        "mekaar_session", "0" * 64 + ".0123456789abcdef0123456789abcdef", domain="testserver.local"
    )
    page = client.get("/")
    assert page.status_code == 200
    assert "Inloggen" in page.text


def test_pages_that_need_a_person_send_visitors_to_log_in(client: TestClient[Litestar]) -> None:
    for path in ("/mijn", "/initiatieven/nieuw", "/gesprekken/nieuw", "/organisaties/nieuw"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/inloggen?next={path.replace('/', '%2F')}"


def test_a_passer_by_gets_no_session_cookie_and_no_session_file(
    client: TestClient[Litestar], settings: Settings
) -> None:
    for path in ("/", "/over", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "mekaar_session" not in response.headers.get("set-cookie", "")
    sessions = settings.data_path / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir())


def test_a_resident_erases_themselves_after_confirming(client: TestClient[Litestar]) -> None:
    person_id = register(client, "Bert")
    assert "Mijn gegevens wissen" in client.get("/mijn").text
    page = client.get("/mijn/wissen")
    assert page.status_code == 200
    assert "Dit kan niet ongedaan worden gemaakt." in page.text
    unconfirmed = post_form(client, "/mijn/wissen")
    assert unconfirmed.status_code == 400
    assert 'aria-invalid="true"' in unconfirmed.text
    assert client.get(f"/mensen/{person_id}").status_code == 200
    erased = post_form(client, "/mijn/wissen", {"confirm": "ja"})
    assert erased.status_code == 303
    assert "Inloggen" in client.get("/").text  # logged out
    assert client.get(f"/mensen/{person_id}").status_code == 404
