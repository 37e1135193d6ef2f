"""A real node for the browser tests: the demo content (`mekaar demo`'s services) in a temp folder,
one initiative that arrived from another village with a hostile title, then `mekaar serve`
(uvicorn) in a subprocess on a free 127.0.0.1 port. Nothing here knows about browsers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from node.cli import DEMO_NODE_NAME
from node.demo import fill_demo
from node.identity import init_node
from node.projection import project
from node.runtime import Node
from node.settings import Settings

from ..foreign import write_foreign_initiative

HOSTILE_TITLE = '<script>window.mekaarPwned=1;alert("titel")</script><img src=x onerror="alert(2)">'
HOSTILE_DESCRIPTION = (
    'Klik <a href="javascript:alert(3)">hier</a>.\n\n<svg onload="window.mekaarPwned=4"></svg>'
)
READY_TIMEOUT = 30.0


@dataclass
class Site:
    """The running node and what the tests need to know about its content."""

    url: str
    data_dir: Path
    log: Path
    foreign_id: str
    initiatives: dict[str, str] = field(default_factory=dict)
    """title -> id of every initiative."""
    discussions: dict[str, str] = field(default_factory=dict)
    """title -> id of every discussion."""
    grant_call: str = ""
    """The demo's micro-grant call."""
    job: str = ""
    """The demo's Doe-plek job."""
    poll: str = ""
    """The demo's poll."""
    organisations: dict[str, str] = field(default_factory=dict)
    """name -> id of every organisation."""
    place: str = ""
    """The demo's village hall (two rooms, clashing requests)."""
    room: str = ""
    """Its meeting room."""
    event: str = ""
    """The demo's event (the Repair Café in the large hall)."""
    alliance: str = ""
    """The alliance the demo node founded."""


def _mekaar() -> list[str]:
    """The installed `mekaar` command of the interpreter running the tests."""
    script = Path(sys.executable).with_name("mekaar")
    if not script.exists():
        raise RuntimeError(f"{script} is missing: pip install -e '.[test]' installs it")
    return [str(script)]


def _environment() -> dict[str, str]:
    """The test run's environment without node settings: this node is SQLite in its own folder,
    whatever DATABASE_URL or MEKAAR_* the developer or CI has set."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MEKAAR_") and name != "DATABASE_URL"
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _fill(site: Site) -> None:
    """What `mekaar demo` does (through the same services, without starting another Python),
    plus an initiative from another village; then note the titles and ids of what was made."""
    init_node(site.data_dir, DEMO_NODE_NAME)
    node = await Node.open(Settings(data_dir=str(site.data_dir)), null_pool=True)
    try:
        await fill_demo(node)
        site.foreign_id = _add_foreign(node)
        async with node.sessions() as session:
            await project(session, node.documents.read(site.foreign_id))
            await session.commit()
        for doc_id in node.documents.store.ids():
            content = node.documents.read(doc_id)
            if content["type"] == "initiative":
                site.initiatives[content["title"]] = doc_id
            elif content["type"] == "discussion":
                site.discussions[content["title"]] = doc_id
            elif content["type"] == "grant_call":
                site.grant_call = doc_id
            elif content["type"] == "job":
                site.job = doc_id
            elif content["type"] == "poll":
                site.poll = doc_id
            elif content["type"] == "event":
                site.event = doc_id
            elif content["type"] == "alliance":
                site.alliance = doc_id
            elif content["type"] == "organisation":
                site.organisations[content["name"]] = doc_id
            elif content["type"] == "place" and content["name"] == "Dorpshuis De Brink":
                site.place = doc_id
                site.room = next(
                    room_id
                    for room_id, room in content["rooms"].items()
                    if room["name"] == "Vergaderkamer"
                )
    finally:
        await node.close()


def _add_foreign(node: Node) -> str:
    return write_foreign_initiative(node, HOSTILE_TITLE, HOSTILE_DESCRIPTION, "elders")


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mekaar serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/over", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"mekaar serve not ready after {READY_TIMEOUT:.0f} s:\n{log.read_text()}")


class RunningNode:
    """`with RunningNode(folder) as site:` a demo node served until the block ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Site:
        data_dir = self.folder / "data"
        site = Site("", data_dir, self.folder / "serve.log", "")
        # in a thread of its own: Playwright's sync API already runs an event loop in this one
        with ThreadPoolExecutor(1) as worker:
            worker.submit(lambda: asyncio.run(_fill(site))).result()
        port = free_port()
        site.url = f"http://127.0.0.1:{port}"
        command = [*_mekaar(), "--data", str(data_dir), "serve"]
        with site.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(port)],
                env=_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_ready(site.url, self.process, site.log)
        except BaseException:
            self.__exit__()
            raise
        return site

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
