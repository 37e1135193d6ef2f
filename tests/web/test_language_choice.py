"""The language a logged-in person chooses follows them to another device; this browser's own
choice still wins there, and the browser's language applies to everyone else."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import PASSWORD, Browser, post_form

DUTCH, ENGLISH = "Over dit platform", "About this platform"


def test_a_persons_language_follows_them_to_another_device(client: TestClient[Litestar]) -> None:
    post_form(
        client,
        "/registreren",
        {"display_name": "Anna", "email": "anna.taal@example.org", "password": PASSWORD},
    )
    client.get("/taal/en?next=/over")
    assert ENGLISH in client.get("/over").text

    with Browser(client) as phone:  # another device: no cookie of its own, asks for Dutch
        headers = {"accept-language": "nl-NL,nl;q=0.9"}
        assert DUTCH in phone.get("/over", headers=headers).text  # not logged in yet
        post_form(phone, "/inloggen", {"email": "anna.taal@example.org", "password": PASSWORD})
        assert ENGLISH in phone.get("/over", headers=headers).text  # Anna's choice
        phone.get("/taal/nl?next=/over")  # chosen here: this device and, from now on, Anna
        assert DUTCH in phone.get("/over", headers=headers).text

    client.cookies.delete("mekaar_lang")
    assert DUTCH in client.get("/over", headers={"accept-language": "en"}).text


def test_someone_not_logged_in_gets_the_browsers_language(client: TestClient[Litestar]) -> None:
    assert ENGLISH in client.get("/over", headers={"accept-language": "en-GB,en"}).text
    assert DUTCH in client.get("/over", headers={"accept-language": "nl"}).text
