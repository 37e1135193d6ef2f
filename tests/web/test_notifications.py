"""Notifications over HTTP: news in what one follows on /mijn/meldingen and in the header,
never about one's own actions, "alles gelezen", the settings (a kind turned off is honoured, a
bad choice refused with the form kept), and the unsubscribe link without logging in. The
digests themselves: tests/web/test_digests.py."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from node.notifications import preferences, unsubscribe_token
from node.runtime import Node

from .builders import Browser, post_form, post_initiative, register, run


def start_discussion(client: TestClient[Litestar], title: str = "Verkeer in de Dorpsstraat") -> str:
    response = post_form(client, "/gesprekken", {"title": title, "intro": "Te hard gereden."})
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def comment(client: TestClient[Litestar], discussion_id: str, body: str, **extra: str) -> str:
    page = post_form(
        client, f"/gesprekken/{discussion_id}/reacties", {"body": body, **extra}, follow=True
    )
    assert page.status_code == 200, page.text
    found = re.findall(r'id="reactie-([^"]+)"', page.text)
    return str(found[-1])


def unread_in_header(client: TestClient[Litestar]) -> str | None:
    found = re.search(
        r'id="meldingen-link">[^<]*<span class="count">([^<]+)<', client.get("/over").text
    )
    return found.group(1) if found else None


def test_a_comment_in_my_discussion_is_news_for_me_and_not_for_its_writer(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    discussion_id = start_discussion(client)
    assert unread_in_header(client) is None
    with Browser(client) as bert:
        register(bert, "Bert")
        comment_id = comment(bert, discussion_id, "Drempels graag!")
        assert unread_in_header(bert) is None  # one's own comment is not news
        assert "Nog geen meldingen" in bert.get("/mijn/meldingen").text
    assert unread_in_header(client) == "1"
    page = client.get("/mijn/meldingen").text
    assert "Bert reageerde" in page and "Drempels graag!" in page
    assert f'href="/gesprekken/{discussion_id}#reactie-{comment_id}"' in page
    assert "Verkeer in de Dorpsstraat" in page
    response = post_form(client, "/mijn/meldingen/gelezen", follow=True)
    assert response.status_code == 200
    assert unread_in_header(client) is None
    assert "Bert reageerde" in client.get("/mijn/meldingen").text  # read, still listed


def test_news_is_grouped_per_initiative_newest_first_and_a_reply_is_called_one(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    first = start_discussion(client, "Bankjes op het plein")
    initiative = post_initiative(client, "Moestuin")
    bert_browser = Browser(client)
    with bert_browser as bert:
        register(bert, "Bert")
        comment(bert, first, "Graag bij de kerk.")
        assert post_form(bert, f"/initiatieven/{initiative}/steunen").status_code in {200, 303}
        thread = post_form(bert, f"/initiatieven/{initiative}/gesprek")
        assert thread.status_code == 303, thread.text
        comment(bert, str(thread.headers["location"].rsplit("/", 1)[1]), "Wanneer beginnen we?")
    mine = comment(client, first, "Goed idee.")
    with bert_browser as bert:
        comment(bert, first, "Dank je!", reply_to=mine)
    page = client.get("/mijn/meldingen").text
    titles = re.findall(r'<h2 id="melding-\d+"><a href="([^"]+)">', page)
    assert titles[0] == f"/gesprekken/{first}"  # the reply is the newest news
    assert f"/initiatieven/{initiative}" in titles
    assert "Bert antwoordde u" in page and "Bert doet mee" in page


def test_a_kind_turned_off_is_not_notified_and_a_bad_choice_keeps_the_form(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    discussion_id = start_discussion(client)
    settings = client.get("/mijn/meldingen/instellingen").text
    assert 'value="weekly" selected' in settings  # the calm default
    refused = post_form(
        client, "/mijn/meldingen/instellingen", {"digest": "hourly", "hear": ["ally", "reply"]}
    )
    assert refused.status_code == 400
    assert "nooit, dagelijks of wekelijks" in refused.text
    assert 'value="ally" checked' in refused.text and 'value="comment" checked' not in refused.text
    saved = post_form(
        client, "/mijn/meldingen/instellingen", {"digest": "daily", "hear": ["ally", "reply"]}
    )
    assert saved.status_code == 303
    page = client.get("/mijn/meldingen/instellingen").text
    assert 'value="daily" selected' in page and 'value="comment" checked' not in page
    with Browser(client) as bert:
        register(bert, "Bert")
        comment(bert, discussion_id, "Drempels graag!")
    assert unread_in_header(client) is None
    assert "Bert reageerde" not in client.get("/mijn/meldingen").text


def test_the_unsubscribe_link_turns_mail_off_without_logging_in(
    client: TestClient[Litestar],
) -> None:
    anna = register(client, "Anna")
    post_form(client, "/uitloggen")
    node: Node = client.app.state.node
    token = unsubscribe_token(node.identity.session_secret, anna)
    assert client.get(f"/meldingen/uitschrijven/{anna}/{token}").status_code == 200
    assert client.get(f"/meldingen/uitschrijven/{anna}/{token[:-2]}xx").status_code == 404
    forged = client.post(f"/meldingen/uitschrijven/{anna}/{'A' * len(token)}")
    assert forged.status_code == 404
    # the one-click form of mail programs: a POST without a CSRF token
    done = client.post(f"/meldingen/uitschrijven/{anna}/{token}")
    assert done.status_code == 200 and "geen overzichten per e-mail meer" in done.text
    assert digest_of(client, anna) == "off"


def digest_of(client: TestClient[Litestar], person_id: str) -> str:
    node: Node = client.app.state.node

    async def read() -> str:
        async with node.sessions() as session:
            return (await preferences(session, person_id)).digest

    return run(client, read)


def test_pages_need_a_login(client: TestClient[Litestar]) -> None:
    for path in ("/mijn/meldingen", "/mijn/meldingen/instellingen"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/inloggen" in response.headers["location"]
