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


KEY_A = "7yBJycWZvVZnYtMDcR8f9w4wmfEJus6bUpHrQnaGJkyb"
KEY_B = "4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi"


def test_a_node_key_is_pinned_on_first_use_and_then_held_to(node: Node) -> None:
    invited = run(node, lambda s: peers.invite(s, "Hattem")).peer
    assert invited.kind == peers.NODE and invited.proves_key and invited.node_id is None
    assert run(node, lambda s: peers.pin(s, invited.id, KEY_A)) is True
    assert run(node, lambda s: peers.pin(s, invited.id, KEY_A)) is False  # the same key again
    with pytest.raises(peers.PinMismatch, match="vastgezet"):
        run(node, lambda s: peers.pin(s, invited.id, KEY_B))
    [entry] = run(node, peers.peers)
    assert entry.node_id == KEY_A and entry.pinned_at is not None

    # the host resets the pin (the other village reinstalled): the next key is pinned
    assert run(node, lambda s: peers.repin(s, "Hattem")).node_id is None
    assert run(node, lambda s: peers.pin(s, invited.id, KEY_B)) is True
    assert run(node, lambda s: peers.repin(s, "Hattem", KEY_A)).node_id == KEY_A
    with pytest.raises(NotFound):
        run(node, lambda s: peers.pin(s, 999, KEY_A))


def test_a_dialled_node_is_pinned_by_its_id_and_a_relay_has_none(node: Node) -> None:
    token = "t" * 43
    pinned = run(node, lambda s: peers.add(s, "ws://a.example", token, "A", node_id=f" {KEY_A} "))
    assert pinned.node_id == KEY_A and pinned.proves_key
    relay = run(node, lambda s: peers.add(s, "ws://r.example", token, "R", relay=True))
    assert relay.kind == peers.RELAY and not relay.proves_key
    with pytest.raises(Invalid) as refused:
        run(node, lambda s: peers.add(s, "ws://b.example", token, "B", node_id="niet-een-id"))
    assert refused.value.field == "node" and "node-id" in refused.value.message
    with pytest.raises(Invalid):
        run(node, lambda s: peers.add(s, "ws://c.example", token, "C", node_id=KEY_A, relay=True))
    with pytest.raises(Invalid, match="geen node"):
        run(node, lambda s: peers.repin(s, "R"))


def test_an_app_is_invited_without_a_key(node: Node) -> None:
    app = run(node, lambda s: peers.invite(s, "Buurt-app", peers.APP)).peer
    assert app.kind == peers.APP and not app.proves_key
    with pytest.raises(Invalid):
        run(node, lambda s: peers.invite(s, "Iets", "relay"))


def test_two_first_connections_racing_for_one_token_pin_one_key(node: Node) -> None:
    """The second sees the first one's pin, though it read the entry while it was unpinned."""
    invited = run(node, lambda s: peers.invite(s, "Hattem")).peer

    async def race() -> None:
        async with node.sessions() as slow, node.sessions() as fast:
            await slow.get(PeerRow, invited.id)  # read while unpinned
            assert await peers.pin(fast, invited.id, KEY_A) is True
            await fast.commit()
            with pytest.raises(peers.PinMismatch):
                await peers.pin(slow, invited.id, KEY_B)

    asyncio.run(race())
    [entry] = run(node, peers.peers)
    assert entry.node_id == KEY_A
