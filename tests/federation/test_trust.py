"""Trust between villages, as real processes (docs/trust.md): a token alone does not make a node a
peer; every node proves the key pinned for it, in both directions, and a host sees why a
connection was refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]


def peer_status(node: RunningNode, name: str) -> dict[str, Any]:
    return {p["name"]: p for p in node.status()["peers"]}.get(name, {})


def test_a_peer_without_the_pinned_key_is_refused(make_node: NodeMaker) -> None:
    """B pins A's key from the invitation; C got hold of B's token but not B's key."""
    a, b, c = make_node("Aadorp"), make_node("Bathmen"), make_node("Colmschate")
    token = a.invite("Bathmen")
    b.cli("peer", "add", a.sync_url, "--token", token, "--name", "Aadorp", "--node", a.node_id)
    c.cli("peer", "add", a.sync_url, "--token", token, "--name", "Aadorp")
    a.start()
    b.start()
    anna = a.resident("Anna")
    doc_id = anna.post("/initiatives", {"title": "Buurtmoestuin", "summary": "Samen"})["id"]
    wait_until(lambda: (h := a.heads(doc_id)) and b.heads(doc_id) == h, 60, "A's initiative on B")
    listed = a.cli("peer", "list")
    b_key = b.api("/node")["node_id"]
    assert f"sleutel {b_key}" in listed, listed  # pinned on first use, on A's side

    c.start()
    refused = wait_until(
        lambda: (s := peer_status(c, "Aadorp")).get("last_error") and s, 60, "C's refusal"
    )
    assert not refused["connected"]
    assert "vastgezet" in refused["last_error"], refused
    assert "vastgezet" in a.log.read_text()
    assert c.heads(doc_id) in (None, [])  # nothing reached C
    assert peer_status(a, "Bathmen")["connected"]  # B's connection stayed up


def test_a_node_refuses_a_server_that_is_not_the_pinned_node(make_node: NodeMaker) -> None:
    """B was given a wrong node id (a typo, or someone in between): it does not sync at all."""
    a, b, other = make_node("Aadorp"), make_node("Bathmen"), make_node("Elders")
    token = a.invite("Bathmen")
    other.invite("x")  # only to learn a real node id that is not A's
    b.cli("peer", "add", a.sync_url, "--token", token, "--name", "Aadorp", "--node", other.node_id)
    a.start()
    b.start()
    anna = a.resident("Anna")
    doc_id = anna.post("/initiatives", {"title": "Buurtmoestuin", "summary": "Samen"})["id"]
    refused = wait_until(
        lambda: (s := peer_status(b, "Aadorp")).get("last_error") and s, 60, "B's refusal"
    )
    assert "vastgezet" in refused["last_error"], refused
    assert b.heads(doc_id) in (None, [])
    # A never pinned a key for B: B did not prove itself to a server it does not trust
    assert "sleutel nog niet gezien" in a.cli("peer", "list")

    b.cli("peer", "repin", "Aadorp", "--node", a.node_id)  # the host corrects the id
    b.stop()
    b.start()
    wait_until(lambda: (h := a.heads(doc_id)) and b.heads(doc_id) == h, 60, "A's initiative on B")
