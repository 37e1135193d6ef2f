"""Reference automerge-repo 2.5.6 clients (Repo + WebSocketClientAdapter, in Node) against our
Python sync server (websockets + serve_peer + Synchronizer over a StoreHost) on 127.0.0.1."""

from __future__ import annotations

import contextlib
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.automerge import ROOT, Document, ObjType
from sync.document_id import new_document_id
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer
from sync.repo.urls import format_automerge_url
from tests.sync.repo.live import PythonServer, RepoDriver, require_node

pytestmark = pytest.mark.interop


@dataclass
class Setup:
    js: RepoDriver
    host: StoreHost
    server: PythonServer


@pytest.fixture
def setup() -> Iterator[Setup]:
    require_node()
    host = StoreHost(MemoryDocStore())
    server = PythonServer(Synchronizer(host, "py-sync-server"))
    js = RepoDriver(timeout=30)
    try:
        js.call("ping")
        yield Setup(js, host, server)
    finally:
        with contextlib.suppress(Exception):
            js.call("shutdown", timeout=10)
        js.close(kill=True)
        server.close()


def python_doc() -> tuple[str, Document]:
    doc = Document()
    with doc.change(message="aanmaken") as tx:
        tx.put(ROOT, "title", "Moestuin aan de Dorpsstraat")
        tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)
        tx.insert(tasks, 0, "water geven")
        tx.insert(tasks, 1, "oogsten")
        tx.put(ROOT, "volunteers", 3)
        tx.put(ROOT, "open", True)
    return new_document_id(), doc


def held(host: StoreHost, doc_id: str) -> dict[str, object]:
    """The server's copy, read under the document's lock: the server's sync runs in worker
    threads and may be applying a change at this moment."""
    with host.lock(doc_id):
        doc = host.open(doc_id)
        return doc.to_py() if doc is not None else {}


def wait_until(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_js_client_reads_and_changes_a_python_document(setup: Setup) -> None:
    js, host = setup.js, setup.host
    doc_id, doc = python_doc()
    host.add(doc_id, doc)
    js.call("client", repo="a", url=setup.server.url, peerId="js-a")

    seen = js.call("find", repo="a", url=format_automerge_url(doc_id))
    assert seen == doc.to_py()

    js.call(
        "change", repo="a", url=format_automerge_url(doc_id), key="where", value="achter de kerk"
    )
    # a JS string is collaborative text in Automerge 3: compare materialized values
    wait_until(lambda: held(host, doc_id).get("where") == "achter de kerk")
    stored = host.store.load(doc_id)
    assert stored is not None and Document.load(stored).to_py()["where"] == "achter de kerk"


def test_python_edit_reaches_a_js_client_that_found_the_document(setup: Setup) -> None:
    js, host = setup.js, setup.host
    doc_id, doc = python_doc()
    host.add(doc_id, doc)
    url = format_automerge_url(doc_id)
    js.call("client", repo="a", url=setup.server.url, peerId="js-a")
    js.call("find", repo="a", url=url)

    def edit(d: Document) -> None:
        with d.change() as tx:
            tx.put(ROOT, "title", "Moestuin (verhuisd)")

    host.update(doc_id, edit)
    setup.server.thread.call(lambda: setup.server.dispatch_changed(doc_id))
    seen = js.call("waitFor", repo="a", url=url, key="title", value="Moestuin (verhuisd)")
    assert seen == held(host, doc_id)


def test_a_document_created_in_js_is_stored_by_the_python_server(setup: Setup) -> None:
    js, host = setup.js, setup.host
    js.call("client", repo="a", url=setup.server.url, peerId="js-a")
    js.call("sleep", ms=300)  # joined
    created = js.call("create", repo="a", value={"name": "Repair café", "when": [2026, 12, 5]})
    document_id = created["documentId"]
    wait_until(lambda: host.store.load(document_id) is not None)
    stored = Document.load(host.store.load(document_id))  # type: ignore[arg-type]
    assert stored.to_py() == {"name": "Repair café", "when": [2026, 12, 5]}

    # a second client gets it from the Python server
    js.call("client", repo="b", url=setup.server.url, peerId="js-b")
    assert js.call("find", repo="b", url=created["url"]) == stored.to_py()


def test_js_find_of_an_unknown_document_is_unavailable(setup: Setup) -> None:
    js = setup.js
    js.call("client", repo="a", url=setup.server.url, peerId="js-a")
    answer = js.call("find", repo="a", url=format_automerge_url(new_document_id()), timeoutMs=8000)
    assert answer["unavailable"] is True, answer


def test_ephemeral_message_reaches_the_other_js_client_through_the_python_server(
    setup: Setup,
) -> None:
    js, host = setup.js, setup.host
    doc_id, doc = python_doc()
    host.add(doc_id, doc)
    url = format_automerge_url(doc_id)
    js.call("client", repo="a", url=setup.server.url, peerId="js-a")
    js.call("client", repo="b", url=setup.server.url, peerId="js-b")
    js.call("find", repo="a", url=url)
    js.call("find", repo="b", url=url)
    js.call("listen", repo="b", url=url)
    js.call("listen", repo="a", url=url)
    js.call("broadcast", repo="a", url=url, message={"cursor": 7, "who": "Anna"})
    heard = js.call("heard", repo="b", url=url, count=1)
    assert heard == [{"senderId": "js-a", "message": {"cursor": 7, "who": "Anna"}}]
    js.call("sleep", ms=200)
    assert js.call("heard", repo="a", url=url, count=1, timeoutMs=100) == []  # not echoed back


@contextlib.contextmanager
def server_process(data: Path) -> Iterator[str]:
    """`python -m sync.repo.server --port 0 --data DIR`; yields its ws:// URL, killed after."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.repo.server", "--port", "0", "--data", str(data)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "the server did not start within 20 s"
        line = proc.stdout.readline().decode()
        assert line.startswith("listening on ws://"), line
        yield line.split()[-1]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_the_standalone_server_keeps_documents_in_its_data_folder(tmp_path: Path) -> None:
    require_node()
    js = RepoDriver(timeout=30)
    try:
        with server_process(tmp_path) as url:
            js.call("client", repo="a", url=url, peerId="js-a")
            created = js.call("create", repo="a", value={"village": "Ootmarsum"})
            path = tmp_path / f"{created['documentId']}.automerge"
            wait_until(lambda: path.exists())
            js.call("shutdown")
        assert Document.load(path.read_bytes()).to_py() == {"village": "Ootmarsum"}
        with server_process(tmp_path) as url:  # a restart serves it from the folder
            js.call("client", repo="b", url=url, peerId="js-b")
            assert js.call("find", repo="b", url=created["url"]) == {"village": "Ootmarsum"}
    finally:
        with contextlib.suppress(Exception):
            js.call("shutdown", timeout=10)
        js.close(kill=True)
