"""Real nodes for federation tests: each is `mekaar serve` in its own process on a free port of
127.0.0.1 with its own data folder, peered through the CLI as a host would, and used over HTTP as
residents use it. Documents are read from the data folders to compare heads."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import httpx

from sync.automerge import Document
from sync.automerge.chunk import read_chunk
from sync.automerge.errors import DecodeError

T = TypeVar("T")
PASSWORD = "een lang wachtwoord"
STARTUP = 60.0
MEKAAR = [sys.executable, "-c", "from node.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], T], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (httpx.HTTPError, OSError, AssertionError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class RunningNode:
    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.data = root / name.lower()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / f"{name.lower()}.log"
        self.residents: list[Resident] = []
        self.node_id = ""
        """Known once `invite` has printed it."""
        self.serve_command = MEKAAR
        """What `start` runs with `--data … serve --port …` (a benchmark may wrap it)."""
        self.cli("init", "--name", name)

    @property
    def sync_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/sync"

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [*MEKAAR, "--data", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "200"},
            check=False,
        )
        assert done.returncode == 0, f"mekaar {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self, env: Mapping[str, str] | None = None) -> RunningNode:
        """`mekaar serve`, with `env` (e.g. MEKAAR_PUBLIC_SYNC) added to this process's."""
        assert self.process is None
        with self.log.open("ab") as handle:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [*self.serve_command, "--data", str(self.data), "serve", "--port", str(self.port)],
                stdout=handle,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            )
        process = self.process

        def serving() -> bool:
            if process.poll() is not None:  # not an AssertionError: wait_until must not retry
                raise RuntimeError(f"{self.name} exited with {process.returncode} ({self.log})")
            return httpx.get(f"{self.url}/api/node", timeout=2).status_code == 200

        wait_until(serving, STARTUP, f"{self.name} to start (log: {self.log})")
        return self

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.send_signal(signal.SIGKILL)
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    # ------------------------------------------------------------------ peering

    def invite(self, name: str, *, app: bool = False, person: str | None = None) -> str:
        """`mekaar peer invite` (for a node, or with `app` an automerge-repo app, vouched for as
        the resident with e-mail `person`): the token, as the host copies it from the output."""
        flags = (["--app"] if app else []) + (["--person", person] if person else [])
        output = self.cli("peer", "invite", name, *flags)
        tokens = re.findall(r"^[A-Za-z0-9_-]{40,}$", output, re.MULTILINE)
        assert len(tokens) == 1, output
        if not app:
            found = re.search(r"node-id van deze node is (\w+)", output)
            assert found, output
            self.node_id = found.group(1)
        return tokens[0]

    def dial(self, other: RunningNode, *, pin: bool = True) -> None:
        """Peer the way two hosts do: `other` invites us, we add it (before we start) with the
        node id it printed (without `pin`, its key is pinned on first use)."""
        token = other.invite(self.name)
        pinned = ["--node", other.node_id] if pin else []
        self.cli("peer", "add", other.sync_url, "--token", token, "--name", other.name, *pinned)

    def status(self) -> dict[str, Any]:
        import json

        return dict(json.loads(self.cli("peer", "status", "--json")))

    # ------------------------------------------------------------------ documents

    def heads(self, document_id: str) -> list[bytes] | None:
        doc = self.document(document_id)
        return doc.get_heads() if doc is not None else None

    def document(self, document_id: str) -> Document | None:
        """The document as stored (whole chunks only: the node may be writing)."""
        try:
            data = (self.data / "documents" / f"{document_id}.automerge").read_bytes()
        except FileNotFoundError:
            return None
        pos = 0
        while pos < len(data):
            try:
                _, pos = read_chunk(data, pos)
            except (DecodeError, IndexError):
                break
        try:
            return Document.load(data[:pos])
        except DecodeError:
            return None

    # ------------------------------------------------------------------ residents

    def resident(self, display_name: str) -> Resident:
        made = Resident(self, display_name)
        self.residents.append(made)
        return made

    def close(self) -> None:
        """Stop the process and close the residents' HTTP clients."""
        self.stop(kill=True)
        for resident in self.residents:
            resident.http.close()

    def page(self, path: str) -> str:
        return httpx.get(f"{self.url}{path}", timeout=10).text

    def api(self, path: str) -> Any:
        response = httpx.get(f"{self.url}/api{path}", timeout=10)
        return response.json() if response.status_code == 200 else None


class Resident:
    """Someone registered on one node, using its JSON API with the page's session and CSRF."""

    def __init__(self, node: RunningNode, display_name: str) -> None:
        self.node = node
        self.http = httpx.Client(base_url=node.url, timeout=20)
        page = self.http.get("/registreren").text
        token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page)
        assert token, "no CSRF token on /registreren"
        email = f"{display_name.lower().replace(' ', '.')}@{node.name.lower()}.example"
        response = self.http.post(
            "/registreren",
            data={
                "display_name": display_name,
                "email": email,
                "password": PASSWORD,
                "_csrf_token": token.group(1),
            },
        )
        assert response.status_code == 303, response.text
        self.person_id = str(response.headers["location"].rsplit("/", 1)[1])
        self.email = email

    def _headers(self) -> dict[str, str]:
        return {"x-csrftoken": self.http.cookies.get("mekaar_csrf") or ""}

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.post(f"/api{path}", json=body or {}, headers=self._headers())
        assert response.status_code in (200, 201), f"{path}: {response.text}"
        return response.json()

    def get(self, path: str) -> Any:
        """The JSON API as this resident sees it (logged in)."""
        response = self.http.get(f"/api{path}")
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    def page(self, path: str) -> str:
        return self.http.get(path).text

    def put(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.put(f"/api{path}", json=body, headers=self._headers())
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    def form(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        """A page form post (for actions the API does not have)."""
        page = self.http.get("/").text
        token = re.search(
            r'"x-csrftoken": "([0-9a-f]+)"|name="_csrf_token" value="([0-9a-f]+)"', page
        )
        assert token, "no CSRF token on /"
        body = {**(data or {}), "_csrf_token": token.group(1) or token.group(2)}
        return self.http.post(path, data=body)
