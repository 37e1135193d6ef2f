"""Reference automerge-repo 2.5.6 (Repo + WebSocket adapters, in Node) against a running Mekaar
node (`mekaar serve`, from tests/federation/nodes.py): a JS client reads and edits an initiative at
`/sync` and the node shows the edit; the node dials a plain JS sync server, follows a document
made there, and its residents' edits and initiatives travel back to JS clients."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sync.document_id import new_document_id
from sync.repo.urls import format_automerge_url
from tests.federation.nodes import RunningNode, wait_until
from tests.sync.repo.live import RepoDriver, require_node

pytestmark = pytest.mark.interop

NodeMaker = Callable[[str], RunningNode]


class NodeClients(RepoDriver):
    """tests/interop/repo_node_client.mjs: reference repos that talk to a node."""

    SCRIPT = "repo_node_client.mjs"


@pytest.fixture
def js() -> Iterator[NodeClients]:
    require_node()
    driver = NodeClients(timeout=40)
    try:
        driver.call("ping")
        yield driver
    finally:
        with contextlib.suppress(Exception):
            driver.call("shutdown", timeout=10)
        driver.close(kill=True)


@pytest.fixture
def make_node(tmp_path: Path) -> Iterator[NodeMaker]:
    made: list[RunningNode] = []

    def make(name: str) -> RunningNode:
        node = RunningNode(tmp_path, name)
        made.append(node)
        return node

    try:
        yield make
    finally:
        for node in made:
            node.close()


def hex_heads(node: RunningNode, document_id: str) -> list[str]:
    return sorted(h.hex() for h in node.heads(document_id) or [])


def page_with(node: RunningNode, path: str, text: str) -> str | None:
    """The page at `path` once it shows `text`."""
    page = node.page(path)
    return page if text in page else None


def post_initiative(node: RunningNode) -> tuple[str, Any]:
    anna = node.resident("Anna")
    created = anna.post(
        "/initiatives",
        {"title": "Moestuin aan de dijk", "summary": "Samen groente kweken", "tags": "groen"},
    )
    return str(created["id"]), anna


# ---------------------------------------------------------------------- a JS client at /sync


def test_js_client_reads_and_edits_an_initiative_the_node_then_shows(
    make_node: NodeMaker, js: NodeClients
) -> None:
    node = make_node("Aadorp").start()
    doc_id, anna = post_initiative(node)
    url = format_automerge_url(doc_id)
    # Anna's own app: the node vouches for its actor as Anna, who may edit her initiative
    token = node.invite("js-app", app=True, person=anna.email)
    js.call("client", repo="a", url=f"{node.sync_url}?token={token}", peerId="js-app")

    seen = js.call("find", repo="a", url=url)
    assert (seen["id"], seen["title"], seen["summary"]) == (
        doc_id,
        "Moestuin aan de dijk",
        "Samen groente kweken",
    )
    assert seen["type"] == "initiative" and seen["tags"] == ["groen"]

    js.call("change", repo="a", url=url, path=["title"], value="Moestuin aan de dijk in Aadorp")
    edited = js.call(
        "change", repo="a", url=url, path=["summary"], value="Samen groente kweken met de buren"
    )
    wait_until(lambda: hex_heads(node, doc_id) == sorted(edited["heads"]), 30, "the JS edit")
    page = wait_until(
        lambda: page_with(node, f"/initiatieven/{doc_id}", "met de buren"),
        30,
        "the edit on the initiative's page",
    )
    assert page is not None and "Moestuin aan de dijk in Aadorp" in page
    hits = wait_until(lambda: node.api("/search?q=buren"), 30, "search finds the edit")
    assert [h["id"] for h in hits] == [doc_id]
    assert "Moestuin aan de dijk in Aadorp" in node.page("/?zoek=buren")


def test_js_client_without_a_token_is_refused(make_node: NodeMaker, js: NodeClients) -> None:
    node = make_node("Aadorp").start()
    doc_id, _ = post_initiative(node)
    js.call("client", repo="a", url=node.sync_url, peerId="js-stranger")
    answer = js.call("find", repo="a", url=format_automerge_url(doc_id), timeoutMs=8000)
    assert answer.get("unavailable") is True, answer
    # a wrong token is no better than none
    js.call("client", repo="b", url=f"{node.sync_url}?token={'x' * 43}", peerId="js-guess")
    answer = js.call("find", repo="b", url=format_automerge_url(doc_id), timeoutMs=8000)
    assert answer.get("unavailable") is True, answer


def test_public_sync_lets_a_tokenless_client_read_but_not_write(
    make_node: NodeMaker, js: NodeClients
) -> None:
    node = make_node("Aadorp").start(env={"MEKAAR_PUBLIC_SYNC": "1"})
    doc_id, anna = post_initiative(node)
    url = format_automerge_url(doc_id)
    js.call("client", repo="a", url=node.sync_url, peerId="js-visitor")
    assert js.call("find", repo="a", url=url)["title"] == "Moestuin aan de dijk"

    visitor = js.call(
        "change", repo="a", url=url, path=["summary"], value="Overgenomen door een bezoeker"
    )
    # the node tells a read-only visitor so in its sync messages, and the reference then keeps
    # its changes to itself; once an edit made on the node afterwards has reached the visitor,
    # the two have exchanged sync messages since the visitor's change
    anna.put(f"/initiatives/{doc_id}", {"title": "Moestuin bij de dijk", "summary": "Samen"})
    js.call("waitFor", repo="a", url=url, path=["title"], value="Moestuin bij de dijk")
    stored = node.document(doc_id)
    assert stored is not None
    assert all(stored.get_change_by_hash(bytes.fromhex(h)) is None for h in visitor["heads"])
    assert stored.to_py()["summary"] == "Samen"
    assert "Overgenomen" not in node.page(f"/initiatieven/{doc_id}")
    assert node.api("/search?q=overgenomen") == []


# ---------------------------------------------------------------------- a JS sync server


def initiative_made_in_js(title: str) -> dict[str, Any]:
    """An initiative as another app would write it: the envelope and fields of
    schemas/initiative.v1.json, with `id` set to the document id by the driver."""
    return {
        "type": "initiative",
        "schema_version": 1,
        "origin_node": new_document_id(),
        "created_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC).isoformat(),
        "created_by": new_document_id(),
        "contributors": {},
        "title": title,
        "summary": "Kapotte spullen samen maken",
        "description": "Elke eerste zaterdag in het buurthuis.",
        "place": {"village": "Zwolle"},
        "tags": ["repair"],
        "status": "looking_for_allies",
        "needs": {},
        "allies": {},
        "plan": {"tasks": {}},
        "updates": {},
    }


def test_node_syncs_with_a_js_sync_server_both_ways(make_node: NodeMaker, js: NodeClients) -> None:
    port = js.call("serve", repo="server", peerId="js-sync-server")["port"]
    js.call("client", repo="author", url=f"ws://127.0.0.1:{port}", peerId="js-author")
    created = js.call(
        "create",
        repo="author",
        value=initiative_made_in_js("Repair café Zwolle"),
        dates=["created_at"],
        idKey="id",
    )
    doc_id, url = created["documentId"], created["url"]
    js.call("held", repo="server", documentId=doc_id, heads=created["heads"])

    node = make_node("Aadorp").start()
    host = node.resident("Hanna")  # the node vouches for what the relay brings as its host
    node.stop()
    token = "any-token-1234567"  # a plain sync server asks for none; the CLI wants one
    node.cli(
        "peer",
        "add",
        f"ws://127.0.0.1:{port}",
        "--token",
        token,
        "--name",
        "js",
        "--relay",
        "--person",
        host.email,
    )
    node.cli("follow", url)
    node.start()

    view = wait_until(lambda: node.api(f"/initiatives/{doc_id}"), 40, "the JS initiative")
    assert view["title"] == "Repair café Zwolle" and view["created_at"].startswith("2026-11-20")
    assert "Repair café Zwolle" in node.page(f"/initiatieven/{doc_id}")
    assert doc_id in str(wait_until(lambda: node.api("/search?q=repair"), 30, "search"))

    # a resident of the node supports it; the JS author sees that through the JS server
    bea = node.resident("Bea")
    bea.post(f"/initiatives/{doc_id}/support")
    seen = js.call("waitFor", repo="author", url=url, path=["allies"], has=bea.person_id)
    assert seen["allies"][bea.person_id]["role"] == "supporter"
    assert bea.person_id in seen["contributors"].values()

    # and the node's own initiative reaches the JS server (announced to every peer it dials)
    own_id, _ = post_initiative(node)
    js.call("held", repo="server", documentId=own_id, heads=hex_heads(node, own_id))
    js.call("client", repo="reader", url=f"ws://127.0.0.1:{port}", peerId="js-reader")
    found = js.call("find", repo="reader", url=format_automerge_url(own_id))
    assert (found["id"], found["title"]) == (own_id, "Moestuin aan de dijk")
