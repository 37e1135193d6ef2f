"""E-mail digests through a real SMTP conversation with a local sink (aiosmtpd): grouped per
initiative or discussion, newest first, never empty, only for people with news, one per
period however often it runs, a hostile title from another village escaped in the HTML part,
and no storm when a peer delivers a thousand old comments at once."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select

from node.notifications.digest import send_digests
from node.notifications.language import load_catalogs
from node.notifications.models import Notice
from node.notifications.postbox import SmtpPostbox
from node.replication.admission import Arrival, admit_all
from node.runtime import Node
from node.settings import Settings
from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction
from tests.foreign import foreign_person, write_foreign_discussion

from .builders import Browser, post_form, register, run
from .test_notifications import comment, start_discussion

MORNING = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
"""Digests go out from 07:00 local time on: tests send at ten in the morning."""


class Sink:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    with socket.socket() as probe:  # a free port (the controller checks its own by dialling it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def send(
    client: TestClient[Litestar], port: int, at: datetime = MORNING, dry_run: bool = False
) -> list[Any]:
    node: Node = client.app.state.node
    mail = Settings(
        smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, smtp_from="dorp@example.org"
    )

    async def go() -> list[Any]:
        return await send_digests(
            node,
            SmtpPostbox(mail),
            load_catalogs(),
            base_url="https://testdorp.example",
            now=at,
            dry_run=dry_run,
        )

    return run(client, go)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_a_digest_groups_per_subject_newest_first_only_for_people_with_news_once_per_period(
    client: TestClient[Litestar], sink: tuple[Sink, int]
) -> None:
    box, port = sink
    register(client, "Anna")
    first = start_discussion(client, "Bankjes op het plein")
    second = start_discussion(client, "Verkeer in de Dorpsstraat")
    bert_browser = Browser(client)
    with bert_browser as bert:
        register(bert, "Bert")
    assert send(client, port) == [] and box.messages == []  # nobody has news: no empty digest
    with bert_browser as bert:
        comment(bert, first, "Graag bij de kerk.")
        comment(bert, second, "Drempels graag!")
        comment(bert, first, "Of bij de school.")
    assert [x.notices for x in send(client, port, dry_run=True)] == [3] and box.messages == []
    [letter] = send(client, port)
    assert letter.sent and len(box.messages) == 1  # Bert wrote it all: no mail for him
    mail = box.messages[0]
    assert mail["Subject"] == "Nieuws uit Testdorp" and mail["To"].endswith("@example.org")
    text, html = parts(mail)
    assert text.index("Bankjes op het plein") < text.index("Verkeer in de Dorpsstraat")
    assert text.index("Of bij de school.") < text.index("Graag bij de kerk.")
    assert text.count("Bankjes op het plein") == 1  # one group per discussion
    assert "https://testdorp.example/meldingen/uitschrijven/" in text
    assert "Bert reageerde" in html and "List-Unsubscribe" in mail
    with bert_browser as bert:
        comment(bert, second, "Nog iets.")
    assert send(client, port) == [] and len(box.messages) == 1  # this week's digest was sent
    next_week = send(client, port, MORNING + timedelta(days=7))
    assert [x.notices for x in next_week] == [1] and len(box.messages) == 2
    assert "Nog iets." in parts(box.messages[1])[0] and "Drempels" not in parts(box.messages[1])[0]


def test_read_news_and_mail_turned_off_send_nothing_and_english_speakers_get_english(
    client: TestClient[Litestar], sink: tuple[Sink, int]
) -> None:
    box, port = sink
    register(client, "Anna")
    topic = start_discussion(client)
    with Browser(client) as bert:
        register(bert, "Bert")
        comment(bert, topic, "Drempels graag!")
    post_form(client, "/mijn/meldingen/gelezen")
    assert send(client, port) == []
    client.get("/taal/en")
    with Browser(client) as carla:
        register(carla, "Carla")
        carla.get("/taal/en")
        comment(carla, topic, "Yes please.")
        post_form(carla, "/mijn/meldingen/instellingen", {"digest": "off", "hear": ["comment"]})
    letters = send(client, port)  # Anna and Bert follow the topic; Carla turned mail off
    assert sorted(x.notices for x in letters) == [1, 1] and len(box.messages) == 2
    texts = sorted(parts(m)[0] for m in box.messages)
    assert any("Carla commented" in t for t in texts), texts  # Anna chose English
    assert any("Carla reageerde" in t for t in texts), texts  # Bert did not
    assert all("Drempels" not in t for t in texts)  # read news is not mailed


def test_a_hostile_title_from_another_village_is_escaped_in_the_html_part(
    client: TestClient[Litestar], sink: tuple[Sink, int]
) -> None:
    box, port = sink
    node: Node = client.app.state.node
    stranger = foreign_person(node)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    topic = write_foreign_discussion(node, stranger, hostile)
    arrive(client, topic, stranger, None)
    register(client, "Anna")
    comment(client, topic, "Ik doe mee.")

    def answer(tx: Transaction, _doc: Document) -> None:
        entry = tx.put_object(tx.get(ROOT, "comments"), "Ed3rs1abc", ObjType.MAP)
        tx.put(entry, "by", stranger.person_id)
        tx.put(entry, "at", datetime.now(UTC))
        tx.put(entry, "body", "<b>Welkom</b>")
        tx.put(entry, "reply_to", None)

    arrive(client, topic, stranger, answer)
    [_letter] = send(client, port)
    text, html = parts(box.messages[0])
    assert hostile in text  # plain text shows what was written
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Welkom&lt;/b&gt;" in html


def arrive(client: TestClient[Litestar], doc_id: str, author: Any, edit: Any) -> None:
    """A change written by someone of another village, brought in as a peer's would be."""
    node: Node = client.app.state.node
    if edit is not None:
        node.documents.change(doc_id, author, "Van elders", edit)

    async def admit() -> None:
        async with node.sessions() as session:
            await admit_all(
                session,
                [
                    Arrival(
                        doc_id,
                        node.documents.content(doc_id, node.documents.open(doc_id)),
                        "Elders",
                    )
                ],
            )
            await session.commit()

    run(client, admit)


def notices_of(client: TestClient[Litestar]) -> int:
    node: Node = client.app.state.node

    async def count() -> int:
        async with node.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Notice)) or 0)

    return run(client, count)


def test_a_thousand_old_comments_from_a_peer_are_no_storm(
    client: TestClient[Litestar], sink: tuple[Sink, int]
) -> None:
    box, port = sink
    register(client, "Anna")
    topic = start_discussion(client)
    node: Node = client.app.state.node
    stranger = foreign_person(node)
    long_ago = datetime.now(UTC) - timedelta(days=40)

    def comments(count: int, at: datetime, prefix: str) -> Any:
        def edit(tx: Transaction, _doc: Document) -> None:
            found = tx.get(ROOT, "comments")
            for n in range(count):
                entry = tx.put_object(found, f"{prefix}{n:04d}".replace("0", "z"), ObjType.MAP)
                tx.put(entry, "by", stranger.person_id)
                tx.put(entry, "at", at + timedelta(seconds=n))
                tx.put(entry, "body", f"Oude reactie {n}")
                tx.put(entry, "reply_to", None)

        return edit

    arrive(client, topic, stranger, comments(1000, long_ago, "Xoud"))
    assert notices_of(client) == 0
    assert send(client, port) == [] and box.messages == []
    # a thousand recent ones at once: a bounded number of notices, one digest
    arrive(client, topic, stranger, comments(1000, datetime.now(UTC), "Ynieuw"))
    assert 0 < notices_of(client) <= 20
    [letter] = send(client, port)
    assert len(box.messages) == 1 and letter.notices <= 20
    assert re.search(r"Iemand reageerde|reageerde", parts(box.messages[0])[0])
