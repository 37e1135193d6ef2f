"""Three villages in a line, A-B-C, as real processes: what happens at A reaches C through B;
while B is away, A and C both edit the same initiative and the same discussion; once B is back all
three hold identical heads and every edit. A node killed mid-sync converges after a restart."""

from __future__ import annotations

from collections.abc import Callable

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]


def _line(make_node: NodeMaker) -> tuple[RunningNode, RunningNode, RunningNode]:
    """A and C both dial B (the hosts of A and C were invited by B's host)."""
    a, b, c = make_node("Aadorp"), make_node("Bathmen"), make_node("Colmschate")
    a.dial(b)
    c.dial(b)
    return b.start(), a.start(), c.start()


def _same_everywhere(doc_id: str, *nodes: RunningNode) -> list[bytes]:
    def same() -> list[bytes] | None:
        heads = [n.heads(doc_id) for n in nodes]
        return heads[0] if heads[0] and all(h == heads[0] for h in heads) else None

    return wait_until(same, 60, f"identical heads of {doc_id} on {[n.name for n in nodes]}")


def test_a_change_at_a_reaches_c_through_b(make_node: NodeMaker) -> None:
    b, a, c = _line(make_node)
    anna = a.resident("Anna")
    created = anna.post(
        "/initiatives",
        {
            "title": "Moestuin <b>aan</b> de dijk",
            "summary": "Samen groente kweken",
            "tags": "groen",
        },
    )
    doc_id = created["id"]
    _same_everywhere(doc_id, a, b, c)
    # on C's pages, from A, named after A, escaped, and found by search
    page = wait_until(lambda: c.page(f"/initiatieven/{doc_id}"), 30, "the page on C")
    assert "Moestuin &lt;b&gt;aan&lt;/b&gt; de dijk" in page
    assert "Dit initiatief komt uit Aadorp." in page
    assert wait_until(lambda: "Aadorp" in c.page("/"), 30, "the list on C names Aadorp")
    hits = wait_until(lambda: c.api("/search?q=moestuin"), 30, "search on C")
    assert doc_id in str(hits)

    # an edit at C travels back to A: a resident of C supports it
    cora = c.resident("Cora")
    cora.post(f"/initiatives/{doc_id}/support")
    _same_everywhere(doc_id, a, b, c)
    view = wait_until(lambda: a.api(f"/initiatives/{doc_id}"), 30, "the initiative on A")
    assert cora.person_id in str(view["allies"])


def test_edits_made_apart_merge_when_the_middle_comes_back(make_node: NodeMaker) -> None:
    b, a, c = _line(make_node)
    anna = a.resident("Anna")
    doc_id = anna.post("/initiatives", {"title": "Repair café", "summary": "Elke maand"})["id"]
    cora = c.resident("Cora")
    wait_until(lambda: c.api(f"/initiatives/{doc_id}"), 60, "the initiative on C")
    cora.post(f"/initiatives/{doc_id}/join", {"offer": "ik kan solderen"})
    wait_until(
        lambda: cora.person_id in str(a.api(f"/initiatives/{doc_id}")["allies"]),
        60,
        "Cora's join on A",
    )
    # Anna makes Cora coordinator, so Cora may edit the title at C
    response = anna.form(f"/initiatieven/{doc_id}/coordinator/{cora.person_id}")
    assert response.status_code in (200, 303), response.text
    wait_until(
        lambda: "coordinator" in str(c.api(f"/initiatives/{doc_id}")["allies"]),
        60,
        "the coordinator role on C",
    )
    thread = anna.post("/discussions", {"title": "Wie helpt?", "body": "Plannen maken"})["id"]
    _same_everywhere(doc_id, a, b, c)
    _same_everywhere(thread, a, b, c)

    b.stop()
    anna.put(f"/initiatives/{doc_id}", {"title": "Repair café Aadorp", "summary": "Elke maand"})
    anna.post(f"/initiatives/{doc_id}/tasks", {"title": "Tafels lenen"})
    anna.post(f"/discussions/{thread}/comments", {"body": "Ik neem koffie mee"})
    cora.put(f"/initiatives/{doc_id}", {"title": "Repair café Colmschate", "summary": "Elke maand"})
    cora.post(f"/initiatives/{doc_id}/tasks", {"title": "Soldeerbouten"})
    cora.post(f"/discussions/{thread}/comments", {"body": "Ik breng een soldeerbout"})
    assert a.heads(doc_id) != c.heads(doc_id)

    b.start()
    heads = _same_everywhere(doc_id, a, b, c)
    _same_everywhere(thread, a, b, c)
    assert len(heads) >= 1
    views = [wait_until(lambda n=n: n.api(f"/initiatives/{doc_id}"), 30, "view") for n in (a, b, c)]
    titles = {v["title"] for v in views}
    assert len(titles) == 1 and titles <= {"Repair café Aadorp", "Repair café Colmschate"}
    for view in views:
        tasks = {t["title"] for t in view["tasks"]}
        assert {"Tafels lenen", "Soldeerbouten"} <= tasks
    for node in (a, b, c):
        comments = str(wait_until(lambda n=node: n.api(f"/discussions/{thread}"), 30, "thread"))
        assert "Ik neem koffie mee" in comments and "Ik breng een soldeerbout" in comments


def test_a_node_killed_mid_sync_converges_after_a_restart(make_node: NodeMaker) -> None:
    a, b = make_node("Aadorp"), make_node("Bathmen")
    a.cli("demo")  # 30 documents to send
    b.dial(a)
    a.start()
    b.start()
    wait_until(lambda: len(list((b.data / "documents").glob("*.automerge"))) >= 3, 60, "some docs")
    b.stop(kill=True)
    b.start()
    # the host's view of the first replication: a progress bar until nothing is behind
    assert "Bijgewerkt" in b.cli("peer", "status", "--wait", "--timeout", "90")
    ids = sorted(p.stem for p in (a.data / "documents").glob("*.automerge"))
    for doc_id in ids:
        _same_everywhere(doc_id, a, b)
    # and everything that arrived is shown, also what was stored but not yet projected at the kill
    wait_until(lambda: b.api("/initiatives")["total"] == 7, 30, "7 initiatives listed on B")
    wait_until(lambda: b.api("/discussions")["total"] == 5, 30, "5 discussions listed on B")
    assert not list((b.data / "pending-projection").iterdir())


def test_an_edit_just_before_a_kill_reaches_the_peer_after_the_restart(
    make_node: NodeMaker,
) -> None:
    """A reconnect skips the documents the saved sync states show the peer holds, judged by
    the heads index without loading them. A's index on disk predates an edit made just before
    A was killed: it must not be believed, or neither side would ever send that edit."""
    a, b = make_node("Aadorp"), make_node("Bathmen")
    b.dial(a)
    a.start()
    b.start()
    anna = a.resident("Anna")
    doc_id = anna.post("/initiatives", {"title": "Repair café", "summary": "Elke maand"})["id"]
    _same_everywhere(doc_id, a, b)
    b.stop()
    a.stop()  # both save their sync states and heads indexes
    a.start()
    anna.put(f"/initiatives/{doc_id}", {"title": "Repair café Aadorp", "summary": "Elke maand"})
    edited = a.heads(doc_id)
    a.stop(kill=True)
    a.start()
    b.start()
    assert _same_everywhere(doc_id, a, b) == edited
    view = wait_until(lambda: b.api(f"/initiatives/{doc_id}"), 30, "the initiative on B")
    assert wait_until(
        lambda: b.api(f"/initiatives/{doc_id}")["title"] == "Repair café Aadorp", 30, "the title"
    )
    assert view is not None
