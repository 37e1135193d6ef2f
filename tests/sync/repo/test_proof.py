"""The node-key proof on its own: what holds, and every way it must not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from sync.repo.proof import (
    MAX_SKEW,
    NodeKey,
    Offer,
    ProofError,
    check_answer,
    check_proof,
    verify_key_of,
)

NOW = 1_800_000_000


def keys() -> tuple[NodeKey, NodeKey]:
    return NodeKey(SigningKey.generate()), NodeKey(SigningKey.generate())


def handshake(client: NodeKey, server: NodeKey, now: int = NOW) -> tuple[Offer, Offer, bytes]:
    offer = client.offer(now)
    answer = server.answer("client-peer", "server-peer", offer, now)
    sig = client.prove("client-peer", "server-peer", offer, answer)
    return offer, answer, sig


def test_both_sides_prove_their_keys() -> None:
    client, server = keys()
    offer, answer, sig = handshake(client, server)
    assert check_answer("client-peer", "server-peer", offer, answer, NOW) == server.node_id
    assert check_proof("client-peer", "server-peer", offer, answer, sig) == client.node_id


def test_an_answer_signed_by_another_key_does_not_hold() -> None:
    client, server = keys()
    impostor = NodeKey(SigningKey.generate())
    offer = client.offer(NOW)
    forged = replace(impostor.answer("client-peer", "server-peer", offer, NOW), node=server.node_id)
    with pytest.raises(ProofError, match="not by node"):
        check_answer("client-peer", "server-peer", offer, forged, NOW)


def test_a_recorded_answer_does_not_hold_for_a_new_offer() -> None:
    """Replay: the server's signature covers the client's fresh nonce."""
    client, server = keys()
    _, old_answer, _ = handshake(client, server)
    with pytest.raises(ProofError, match="not by node"):
        check_answer("client-peer", "server-peer", client.offer(NOW), old_answer, NOW)


def test_a_recorded_client_proof_does_not_hold_for_a_new_answer() -> None:
    client, server = keys()
    offer, _, old_sig = handshake(client, server)
    new_answer = server.answer("client-peer", "server-peer", offer, NOW)
    with pytest.raises(ProofError, match="not by node"):
        check_proof("client-peer", "server-peer", offer, new_answer, old_sig)


def test_the_proof_is_bound_to_the_peer_ids() -> None:
    client, server = keys()
    offer, answer, sig = handshake(client, server)
    with pytest.raises(ProofError):
        check_answer("someone-else", "server-peer", offer, answer, NOW)
    with pytest.raises(ProofError):
        check_proof("client-peer", "another-server", offer, answer, sig)


def test_the_client_signature_is_not_the_server_signature() -> None:
    """The two domains differ, so a server's answer cannot be turned into a client's proof."""
    _client, server = keys()
    offer = server.offer(NOW)  # a node that is asked to answer its own offer
    answer = server.answer("client-peer", "server-peer", offer, NOW)
    assert answer.sig is not None
    with pytest.raises(ProofError):
        check_proof("client-peer", "server-peer", offer, answer, answer.sig)


@pytest.mark.parametrize("skew", [MAX_SKEW + 1, -(MAX_SKEW + 1), 10**9])
def test_an_expired_or_future_proof_is_refused(skew: int) -> None:
    client, server = keys()
    offer = client.offer(NOW + skew)
    with pytest.raises(ProofError, match=r"expired|ahead"):
        server.answer("client-peer", "server-peer", offer, NOW)
    answer = server.answer("client-peer", "server-peer", offer, NOW + skew)
    with pytest.raises(ProofError, match=r"expired|ahead"):
        check_answer("client-peer", "server-peer", offer, answer, NOW)


def test_a_proof_within_the_allowed_skew_holds() -> None:
    client, server = keys()
    offer = client.offer(NOW - MAX_SKEW)
    answer = server.answer("client-peer", "server-peer", offer, NOW)
    assert check_answer("client-peer", "server-peer", offer, answer, NOW + MAX_SKEW) == (
        server.node_id
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "not a map"),
        ({}, "node id"),
        ({"node": "0OIl", "nonce": b"x" * 32, "time": NOW}, "base58"),
        ({"node": "abc", "nonce": b"x" * 32, "time": NOW}, "32-byte"),
        ({"node": "1" * 61, "nonce": b"x" * 32, "time": NOW}, "too long"),
        ({"node": "NODE", "nonce": b"x" * 31, "time": NOW}, "nonce"),
        ({"node": "NODE", "nonce": "x" * 32, "time": NOW}, "nonce"),
        ({"node": "NODE", "nonce": b"x" * 32, "time": 1.5}, "time"),
        ({"node": "NODE", "nonce": b"x" * 32, "time": True}, "time"),
        ({"node": "NODE", "nonce": b"x" * 32, "time": -1}, "time"),
        ({"node": "NODE", "nonce": b"x" * 32, "time": NOW, "sig": b"s" * 64}, "no signature"),
    ],
)
def test_a_malformed_offer_is_refused_with_a_reason(value: object, reason: str) -> None:
    node = NodeKey(SigningKey.generate()).node_id
    if isinstance(value, dict) and value.get("node") == "NODE":
        value = {**value, "node": node}
    with pytest.raises(ProofError, match=reason):
        Offer.parse(value, signed=False)


def test_a_signed_offer_needs_a_64_byte_signature() -> None:
    node = NodeKey(SigningKey.generate()).node_id
    with pytest.raises(ProofError, match="64 bytes"):
        Offer.parse({"node": node, "nonce": b"x" * 32, "time": NOW, "sig": b"s"}, signed=True)


def test_a_node_id_that_names_no_key_is_refused() -> None:
    with pytest.raises(ProofError):
        verify_key_of("")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["node", "nonce", "time", "sig", "other"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=70),
            st.binary(max_size=80),
            st.lists(st.integers(), max_size=3),
        ),
    ),
    st.booleans(),
)
def test_garbage_offers_only_ever_raise_proof_error(value: dict[str, object], signed: bool) -> None:
    client, server = keys()
    try:
        theirs = Offer.parse(value, signed=signed)
    except ProofError:
        return
    with pytest.raises(ProofError):
        if signed:
            check_answer("c", "s", client.offer(), theirs)
        else:
            check_proof("c", "s", theirs, server.answer("c", "s", client.offer()), b"\0" * 64)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=64, max_size=64))
def test_random_signatures_never_hold(sig: bytes) -> None:
    client, server = keys()
    offer, answer, _ = handshake(client, server)
    with pytest.raises(ProofError):
        check_proof("client-peer", "server-peer", offer, answer, sig)
