"""Erasure across three villages in a line, A-B-C, as real processes (docs/trust.md §4).

Bert lives in A and writes everywhere: characters inside the description of an initiative whose
home is C, a summary Cora overwrites later, a task, his ally offer, a comment in a discussion whose
home is A, and his profile name. Cora (home C) writes her own words in the same documents. Bert
erases himself on A. Once the notice has spread, no node's pages, API, search, export or stored
bytes hold a word of Bert's, and every node holds Cora's words with identical heads.

The same scan is run before the erasure, on the same nodes, and must find every token there:
that is the control run showing the scan can fail.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sync.automerge import DecodeError, Document

from .nodes import RunningNode, wait_until

NodeMaker = Callable[[str], RunningNode]

BERT_NAME = "Bert Qzwxnaam"
BERTS = ("QZWXTEKST", "QZWXSAMENVATTING", "QZWXTAAK", "QZWXAANBOD", "QZWXREACTIE", "Qzwxnaam")
CORAS = ("CORATEKST", "CORASAMENVATTING", "CORATAAK", "CORAREACTIE")


def _line(make_node: NodeMaker) -> tuple[RunningNode, RunningNode, RunningNode]:
    a, b, c = make_node("Aadorp"), make_node("Bathmen"), make_node("Colmschate")
    a.dial(b)
    c.dial(b)
    b.start()
    return a.start(), b, c.start()


def _forms(token: str) -> list[bytes]:
    """The ways a word may sit in bytes: UTF-8, UTF-16 (both orders), lower case."""
    return [
        token.encode(),
        token.lower().encode(),
        token.encode("utf-16-le"),
        token.encode("utf-16-be"),
    ]


def _inflated(data: bytes) -> Iterable[bytes]:
    """Every raw-DEFLATE and zlib stream found in `data` (the columnar format compresses
    columns with raw DEFLATE), tried from each offset where one may start."""
    for start in range(len(data)):
        if data[start] & 0x06 == 0x06:  # BTYPE 11 is reserved: no deflate block starts here
            continue
        for wbits in (-15, 15):
            try:
                out = zlib.decompressobj(wbits).decompress(data[start : start + 1 << 20], 1 << 22)
            except zlib.error:
                continue
            if len(out) >= 8:
                yield out


def _document_texts(data: bytes) -> str:
    """A stored automerge file, materialized at every change of its history."""
    try:
        doc = Document.load(data)
    except DecodeError:
        return ""
    states = [doc.to_py(heads=[change.hash]) for change in doc.changes_since([])]
    return json.dumps(states, default=str, ensure_ascii=False)


def found_in_folder(folder: Path, tokens: Iterable[str], deep: bool = True) -> dict[str, str]:
    """token -> the first file holding it, in any of the forms; `deep` also inflates every
    DEFLATE stream and materializes every historical version of automerge files."""
    tokens = list(tokens)
    found: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        views = [data]
        if path.suffix == ".automerge":
            views.append(_document_texts(data).encode())
        if deep and path.suffix in (".automerge", ".gz", ".zip"):
            views.extend(_inflated(data))
        for token in tokens:
            if token in found:
                continue
            if any(form in view for view in views for form in _forms(token)):
                found[token] = str(path.relative_to(folder))
    return found


def _roots(node: RunningNode, doc_id: str) -> list[bytes] | None:
    doc = node.document(doc_id)
    return None if doc is None else [c.hash for c in doc.changes_since([]) if not c.deps]


def purged(node: RunningNode, person_id: str, *doc_ids: str) -> bool:
    """The node holds no profile of the person, and each document as one new history without a
    word of Bert's."""
    if node.document(person_id) is not None:
        return False
    for doc_id in doc_ids:
        doc = node.document(doc_id)
        if doc is None or len(_roots(node, doc_id) or []) != 1:
            return False
        if any(t in _document_texts(doc.save()) for t in BERTS):
            return False
    return True


def _converged(nodes: Iterable[RunningNode], *doc_ids: str) -> None:
    nodes = list(nodes)
    for doc_id in doc_ids:
        wait_until(
            lambda d=doc_id: len({str(n.heads(d)) for n in nodes}) == 1 and nodes[0].heads(d),
            90,
            f"identical heads of {doc_id}",
        )


def test_an_erasure_reaches_every_village_and_leaves_only_other_peoples_words(
    make_node: NodeMaker, tmp_path: Path
) -> None:
    a, b, c = _line(make_node)
    nodes = (a, b, c)
    bert, anna, cora = a.resident(BERT_NAME), a.resident("Anna"), c.resident("Cora")

    # Cora's initiative (home C); Bert joins from A and becomes a coordinator
    initiative = cora.post(
        "/initiatives",
        {"title": "Dijkmoestuin", "summary": "Groente", "description": "Cora begint hier."},
    )["id"]
    wait_until(lambda: a.api(f"/initiatives/{initiative}"), 60, "the initiative on A")
    bert.post(f"/initiatives/{initiative}/join", {"offer": "ik breng QZWXAANBOD mee"})
    wait_until(
        lambda: bert.person_id in str(c.api(f"/initiatives/{initiative}")["allies"]),
        60,
        "Bert's join on C",
    )
    made = cora.form(f"/initiatieven/{initiative}/coordinator/{bert.person_id}")
    assert made.status_code in (200, 303), made.text
    wait_until(
        lambda: "coordinator" in str(a.api(f"/initiatives/{initiative}")["allies"]),
        60,
        "Bert's role on A",
    )
    # Bert writes inside Cora's description, a summary she overwrites later, and a task
    bert.put(
        f"/initiatives/{initiative}",
        {
            "title": "Dijkmoestuin",
            "summary": "QZWXSAMENVATTING",
            "description": "Cora begint hier. QZWXTEKST",
        },
    )
    bert.post(f"/initiatives/{initiative}/tasks", {"title": "QZWXTAAK"})
    wait_until(
        lambda: "QZWXTAAK" in str(c.api(f"/initiatives/{initiative}")),
        60,
        "Bert's words on C",
    )
    cora.put(
        f"/initiatives/{initiative}",
        {
            "title": "Dijkmoestuin",
            "summary": "CORASAMENVATTING",
            "description": "Cora begint hier. QZWXTEKST CORATEKST",
        },
    )
    cora.post(f"/initiatives/{initiative}/tasks", {"title": "CORATAAK"})
    # Anna's discussion (home A): Bert and Cora both comment
    discussion = anna.post("/discussions", {"title": "Wie helpt?", "intro": "Plannen"})["id"]
    bert.post(f"/discussions/{discussion}/comments", {"body": "QZWXREACTIE"})
    wait_until(lambda: c.api(f"/discussions/{discussion}"), 60, "the discussion on C")
    cora.post(f"/discussions/{discussion}/comments", {"body": "CORAREACTIE"})
    documents = (initiative, discussion, bert.person_id)
    for doc_id in documents:
        wait_until(
            lambda d=doc_id: len({str(n.heads(d)) for n in nodes}) == 1 and a.heads(d),
            60,
            f"identical heads of {doc_id}",
        )
    view = c.api(f"/initiatives/{initiative}")
    assert "QZWXTEKST CORATEKST" in view["description"]
    assert view["summary"] == "CORASAMENVATTING"

    # the control: before the erasure, the scan finds Bert's words on every node
    for node in nodes:
        found = found_in_folder(node.data / "documents", BERTS, deep=False)
        assert set(found) == set(BERTS), (node.name, found)

    # Bert erases himself on A
    erased = bert.form("/mijn/wissen", {"confirm": "ja"})
    assert erased.status_code in (200, 303), erased.text

    for node in nodes:
        wait_until(
            lambda n=node: purged(n, bert.person_id, initiative, discussion),
            90,
            f"the erasure on {node.name}",
        )
    for doc_id in (initiative, discussion):
        wait_until(
            lambda d=doc_id: len({str(n.heads(d)) for n in nodes}) == 1,
            60,
            f"identical heads of {doc_id} after the erasure",
        )

    # what people see: pages, API, search, on every node
    for node in nodes:
        view = wait_until(lambda n=node: n.api(f"/initiatives/{initiative}"), 30, "view")
        assert "CORATEKST" in view["description"] and "Cora begint hier." in view["description"]
        assert view["summary"] == "CORASAMENVATTING"
        assert "CORATAAK" in str(view)
        thread = wait_until(lambda n=node: n.api(f"/discussions/{discussion}"), 30, "thread")
        assert "CORAREACTIE" in str(thread)
        seen = " ".join(
            [
                json.dumps(view),
                json.dumps(thread),
                node.page(f"/initiatieven/{initiative}"),
                node.page(f"/gesprekken/{discussion}"),
                node.page("/"),
                node.page("/gesprekken"),
                node.page(f"/mensen/{bert.person_id}"),
                json.dumps(node.api(f"/people/{bert.person_id}")),
                *(json.dumps(node.api(f"/search?q={t}")) for t in BERTS),
                *(node.page(f"/?q={t}") for t in BERTS),
            ]
        )
        for token in BERTS:
            assert token not in seen, (node.name, token)
        hits = node.api("/search?q=Dijkmoestuin")
        assert initiative in str(hits)

    # exports, then every byte of every data folder once the nodes are stopped
    for node in nodes:
        folder = tmp_path / f"export-{node.name}"
        node.cli("export", str(folder))
        assert not found_in_folder(folder, BERTS), node.name
        assert set(found_in_folder(folder, CORAS, deep=False)) == set(CORAS), node.name
    heads = {doc_id: a.heads(doc_id) for doc_id in (initiative, discussion)}
    for node in nodes:
        node.stop()
    for node in nodes:
        assert not found_in_folder(node.data, BERTS), node.name
        assert set(found_in_folder(node.data / "documents", CORAS, deep=False)) == set(CORAS)
        for doc_id, expected in heads.items():
            assert node.heads(doc_id) == expected, (node.name, doc_id)
    assert not re.search(r"qzwx", (a.data / "mekaar.db").read_bytes().decode("latin-1"), re.I)


def test_a_village_cut_off_during_the_erasure_catches_up_and_keeps_what_it_wrote(
    make_node: NodeMaker,
) -> None:
    a, b, c = _line(make_node)
    nodes = (a, b, c)
    bert, anna, cora = a.resident(BERT_NAME), a.resident("Anna"), c.resident("Cora")
    initiative = cora.post("/initiatives", {"title": "Dijkmoestuin", "summary": "Groente"})["id"]
    wait_until(lambda: a.api(f"/initiatives/{initiative}"), 60, "the initiative on A")
    bert.post(f"/initiatives/{initiative}/join", {"offer": "ik breng QZWXAANBOD mee"})
    bert.post(f"/initiatives/{initiative}/tasks", {"title": "QZWXTAAK"})
    cora.post(f"/initiatives/{initiative}/tasks", {"title": "CORATAAK"})
    discussion = anna.post("/discussions", {"title": "Wie helpt?", "intro": "Plannen"})["id"]
    bert.post(f"/discussions/{discussion}/comments", {"body": "QZWXREACTIE"})
    wait_until(lambda: c.api(f"/discussions/{discussion}"), 60, "the discussion on C")
    cora.post(f"/discussions/{discussion}/comments", {"body": "CORAREACTIE"})
    _converged(nodes, initiative, discussion, bert.person_id)

    b.stop()  # Bathmen is away: Colmschate (home of the initiative) is cut off, and writes on
    cora.post(f"/discussions/{discussion}/comments", {"body": "CORAWEGREACTIE"})
    cora.post(f"/initiatives/{initiative}/tasks", {"title": "CORAWEGTAAK"})
    erased = bert.form("/mijn/wissen", {"confirm": "ja"})
    assert erased.status_code in (200, 303), erased.text
    wait_until(lambda: purged(a, bert.person_id, discussion), 60, "the erasure on A")
    # only the initiative's home may rewrite it: until C hears of the erasure, it waits
    waiting = (a.data / "documents" / f"{initiative}.automerge").read_bytes()
    assert "QZWXTAAK" in _document_texts(waiting)

    b.start()
    for node in nodes:
        wait_until(
            lambda n=node: purged(n, bert.person_id, initiative, discussion),
            90,
            f"the erasure on {node.name}",
        )
    # Cora's comment written on the old history while away is carried over by C, as hers
    wait_until(
        lambda: "CORAWEGREACTIE" in str(a.api(f"/discussions/{discussion}")),
        90,
        "Cora's comment from while C was cut off, on A",
    )
    _converged(nodes, initiative, discussion)
    # and the new histories go on as usual: an edit at C reaches A
    cora.post(f"/discussions/{discussion}/comments", {"body": "CORANADIEN"})
    wait_until(
        lambda: "CORANADIEN" in str(a.api(f"/discussions/{discussion}")), 60, "C's comment on A"
    )
    _converged(nodes, initiative, discussion)
    for node in nodes:
        view = wait_until(lambda n=node: n.api(f"/initiatives/{initiative}"), 30, "view")
        assert "CORATAAK" in str(view) and "CORAWEGTAAK" in str(view)
        assert "QZWX" not in json.dumps(view)
        thread = str(node.api(f"/discussions/{discussion}"))
        assert "CORAREACTIE" in thread and "CORAWEGREACTIE" in thread and "QZWX" not in thread
