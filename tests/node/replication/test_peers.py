"""Peering records: invitations with tokens kept only as hashes, peers to dial with checked
addresses, followed documents, and clear refusals."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from node.errors import Invalid, NotFound
from node.peers import service as peers
from node.peers.models import PeerRow
from node.runtime import Node
from sync.document_id import new_document_id

T = TypeVar("T")


def run(node: Node, job: Callable[[Any], Awaitable[T]]) -> T:
    async def go() -> T:
        async with node.sessions() as session:
            result = await job(session)
            await session.commit()
            return result

    return asyncio.run(go())


def test_an_invitation_token_lets_that_peer_in_until_it_is_removed(node: Node) -> None:
    invitation = run(node, lambda s: peers.invite(s, "  Hattem  "))
    assert invitation.peer.name == "Hattem" and invitation.peer.direction == peers.INBOUND
    assert len(invitation.token) >= 40

    stored = run(node, lambda s: s.get(PeerRow, invitation.peer.id))
    assert stored.token is None and stored.token_hash != invitation.token  # only the hash kept

    found = run(node, lambda s: peers.authenticate(s, invitation.token))
    assert found is not None and found.name == "Hattem"
    assert run(node, lambda s: peers.authenticate(s, invitation.token + "x")) is None
    assert run(node, lambda s: peers.authenticate(s, "")) is None

    run(node, lambda s: peers.remove(s, "Hattem"))
    assert run(node, lambda s: peers.authenticate(s, invitation.token)) is None
    with pytest.raises(NotFound):
        run(node, lambda s: peers.remove(s, "Hattem"))


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("ws://127.0.0.1:8000", "ws://127.0.0.1:8000/sync"),
        ("https://wezep.example/", "wss://wezep.example/sync"),
        ("wss://wezep.example/mekaar/sync", "wss://wezep.example/mekaar/sync"),
    ],
)
def test_a_peer_address_is_normalised_to_its_sync_endpoint(given: str, kept: str) -> None:
    assert peers.check_peer_url(given) == kept


@pytest.mark.parametrize(
    "bad", ["ftp://x.example", "wezep.example", "ws://", "ws://x.example/sync?token=abc"]
)
def test_a_wrong_address_is_refused_with_the_reason(bad: str) -> None:
    with pytest.raises(Invalid) as refused:
        peers.check_peer_url(bad)
    assert refused.value.field == "url" and refused.value.message


def test_adding_peers_refuses_duplicates_and_short_tokens(node: Node) -> None:
    token = "t" * 43
    added = run(node, lambda s: peers.add(s, "ws://127.0.0.1:9001", token, "Hattem"))
    assert added.url == "ws://127.0.0.1:9001/sync"
    assert run(node, peers.outbound) == [(added, token)]
    with pytest.raises(Invalid, match="naam"):
        run(node, lambda s: peers.add(s, "ws://127.0.0.1:9002", token, "Hattem"))
    with pytest.raises(Invalid, match="al"):
        run(node, lambda s: peers.add(s, "ws://127.0.0.1:9001/sync", token, "Other"))
    with pytest.raises(Invalid) as short:
        run(node, lambda s: peers.add(s, "ws://127.0.0.1:9003", "kort", "Epe"))
    assert short.value.field == "token"
    assert [p.name for p in run(node, peers.peers)] == ["Hattem"]


def test_following_takes_an_automerge_url_or_an_id(node: Node) -> None:
    doc_id = new_document_id()
    assert run(node, lambda s: peers.follow(s, f"automerge:{doc_id}")) == doc_id
    assert run(node, lambda s: peers.follow(s, doc_id)) == doc_id  # twice is once
    assert run(node, peers.followed) == [doc_id]
    with pytest.raises(Invalid) as refused:
        run(node, lambda s: peers.follow(s, "automerge:nonsense!"))
    assert refused.value.field == "url"
