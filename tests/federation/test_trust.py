"""Trust between villages, as real processes (docs/trust.md): a token alone does not make a node a
peer; every node proves the key pinned for it, in both directions, and a host sees why a
connection was refused."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nacl.signing import SigningKey
from websockets.asyncio.client import connect

from sync.automerge import ROOT, Document, SyncMessage
from sync.automerge.sync_protocol import MESSAGE_V1
from sync.repo.messages import Auth, Join, Peer, PeerMetadata, Sync, decode_message, encode_message
from sync.repo.proof import NodeKey, Offer

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


async def forge_through_a_peer(url: str, token: str, doc_id: str, forged: bytes) -> None:
    """A peer with a valid token and a pinned key (a compromised or careless village) sends a
    well-formed change by an actor no node vouches for."""
    key, me = NodeKey(SigningKey.generate()), "vervalser"
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(url, additional_headers=headers, open_timeout=20) as ws:
        offer = key.offer()
        await ws.send(
            encode_message(Join(me, PeerMetadata(is_ephemeral=True, proof=offer.to_map())))
        )
        answer = decode_message(await ws.recv())  # type: ignore[arg-type]
        assert isinstance(answer, Peer), answer
        theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
        await ws.send(
            encode_message(
                Auth(me, answer.sender_id, key.prove(me, answer.sender_id, offer, theirs))
            )
        )
        doc = Document.load(forged)
        message = SyncMessage(MESSAGE_V1, doc.get_heads(), [], [], doc.get_changes([])).encode()
        await ws.send(encode_message(Sync(me, answer.sender_id, doc_id, message)))
        async with asyncio.timeout(10):  # the node answers once it has handled the message
            while not isinstance(decode_message(await ws.recv()), Sync):  # type: ignore[arg-type]
                pass


def test_a_forged_change_through_a_peer_has_no_effect_anywhere_and_is_listed_for_the_host(
    make_node: NodeMaker,
) -> None:
    a, b = make_node("Aadorp"), make_node("Bathmen")
    b.dial(a)
    forger_token = a.invite("Vervalser")
    a.start()
    b.start()
    anna = a.resident("Anna")  # the first account: A's host
    doc_id = anna.post("/initiatives", {"title": "Buurtmoestuin", "summary": "Samen"})["id"]
    wait_until(lambda: (h := a.heads(doc_id)) and b.heads(doc_id) == h, 60, "first sync")

    original = a.document(doc_id)
    assert original is not None
    fork = original.fork()  # a fresh random actor: valid Automerge, vouched for by nobody
    with fork.change(message="vervalst") as tx:
        tx.put(ROOT, "title", "Vervalst door een buur")
    forged_hash = fork.get_heads()[0]
    asyncio.run(forge_through_a_peer(a.sync_url, forger_token, doc_id, fork.save()))

    held = wait_until(lambda: anna.get("/peers")["held"], 30, "the held change on A's host page")
    assert [h["document_id"] for h in held] == [doc_id]
    assert held[0]["peers"] == ["Vervalser"] and held[0]["actors"] == [fork.actor.hex()]
    assert doc_id in anna.page("/beheer/buren") and "Vastgehouden wijzigingen" in anna.page(
        "/beheer/buren"
    )

    # an honest edit afterwards reaches B; the forgery reaches no one and shows nowhere
    anna.put(f"/initiatives/{doc_id}", {"title": "Buurtmoestuin aan de dijk", "summary": "Samen"})
    wait_until(lambda: (h := a.heads(doc_id)) and b.heads(doc_id) == h, 60, "the honest edit")
    for node in (a, b):
        doc = node.document(doc_id)
        assert doc is not None and doc.get_change_by_hash(forged_hash) is None
        assert node.api(f"/initiatives/{doc_id}")["title"] == "Buurtmoestuin aan de dijk"
        assert "Vervalst" not in node.page(f"/initiatieven/{doc_id}")
        assert not node.api("/search?q=vervalst")
    assert "1 change(s) held, no node vouches" in a.log.read_text()


def test_an_ally_on_another_node_edits_tasks_but_not_the_title(make_node: NodeMaker) -> None:
    """Bert lives on B and joined Anna's initiative from A. His task counts everywhere. His
    title edit, written by a B whose code skips the check (here: straight into B's store), is
    kept on both nodes but counts on neither, and A's host sees it listed."""
    a, b = make_node("Aadorp"), make_node("Bathmen")
    b.dial(a)
    a.start()
    b.start()
    anna = a.resident("Anna")  # A's host, and the initiator
    doc_id = anna.post("/initiatives", {"title": "Buurtmoestuin", "summary": "Samen"})["id"]
    wait_until(lambda: b.api(f"/initiatives/{doc_id}"), 60, "the initiative on B")
    bert = b.resident("Bert")
    bert.post(f"/initiatives/{doc_id}/join", {"offer": "een kruiwagen"})
    bert.post(f"/initiatives/{doc_id}/tasks", {"title": "Zaaien"})
    wait_until(lambda: "Zaaien" in str(a.api(f"/initiatives/{doc_id}")), 60, "Bert's task on A")
    # through the service, B refuses the edit itself
    response = bert.http.put(
        f"/api/initiatives/{doc_id}",
        json={"title": "Bert's tuin", "summary": "Samen"},
        headers=bert._headers(),
    )
    assert response.status_code == 403

    b.stop()
    stored = b.document(doc_id)
    assert stored is not None
    contributors = stored.to_py()["contributors"]
    berts_actor = next(a for a, p in contributors.items() if p == bert.person_id)
    rogue = stored.fork(actor=berts_actor)
    with rogue.change(message="Titel aangepast") as tx:
        tx.put(ROOT, "title", "Bert's tuin")
    forged_hash = rogue.get_heads()[0]
    (b.data / "documents" / f"{doc_id}.automerge").write_bytes(rogue.save())
    b.start()

    wait_until(
        lambda: (d := a.document(doc_id)) and d.get_change_by_hash(forged_hash), 60, "the edit on A"
    )
    for node in (a, b):
        view = wait_until(lambda n=node: n.api(f"/initiatives/{doc_id}"), 30, "the initiative")
        assert view["title"] == "Buurtmoestuin", node.name
        assert "Zaaien" in str(view)
        assert "Bert's tuin" not in node.page(f"/initiatieven/{doc_id}")
    refused = wait_until(lambda: anna.get("/peers")["refused"], 30, "the refusal for A's host")
    assert [(r["document_id"], r["path"], r["person"]) for r in refused] == [
        (doc_id, "title", bert.person_id)
    ]
    assert "Wijzigingen zonder recht" in anna.page("/beheer/buren")
