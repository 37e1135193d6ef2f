"""Builders for the archive tests: nodes on disk, the CLI, and what a visitor sees of a node."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from litestar.testing import TestClient

from node.cli import main
from node.identity import IDENTITY_FILE, KEY_FILE, SECRET_FILE
from node.runtime import Node
from node.settings import Settings
from sync.automerge import Document
from web.app import create_app


def mekaar(*args: str, database_url: str = "") -> Result:
    return CliRunner().invoke(
        main, list(args), env={"DATABASE_URL": database_url}, catch_exceptions=False
    )


def demo_node(data: Path) -> Settings:
    """A node filled by `mekaar demo` on SQLite."""
    filled = mekaar("--data", str(data), "demo")
    assert filled.exit_code == 0, filled.output
    return Settings(data_dir=str(data))


def same_identity(source: Path, data: Path) -> None:
    """An empty node with the identity of the node in `source` (as a restore of its keys)."""
    data.mkdir(parents=True)
    for name in (IDENTITY_FILE, KEY_FILE, SECRET_FILE):
        shutil.copy2(source / name, data / name)
    (data / "documents").mkdir()


def heads(data: Path) -> dict[str, list[str]]:
    """Every stored document's heads (hex), by id."""
    found = {}
    for path in sorted((data / "documents").glob("*.automerge")):
        doc = Document.load(path.read_bytes())
        found[path.name.removesuffix(".automerge")] = [h.hex() for h in doc.get_heads()]
    return found


def on_node(settings: Settings, job: Any) -> Any:
    """`await job(node, session)` on the node in `settings`, committed."""

    async def run() -> Any:
        node = await Node.open(settings, null_pool=True)
        try:
            async with node.sessions() as session:
                result = await job(node, session)
                await session.commit()
                return result
        finally:
            await node.close()

    return asyncio.run(run())


def seen_by_a_visitor(settings: Settings) -> dict[str, Any]:
    """What anyone sees of every initiative and discussion: the JSON API and the rendered page."""
    seen: dict[str, Any] = {}
    with TestClient(create_app(settings)) as client:
        initiatives = client.get("/api/initiatives", params={"per_page": 50}).json()["items"]
        discussions = client.get("/api/discussions", params={"per_page": 50}).json()["items"]
        for kind, api, page, items in (
            ("initiative", "/api/initiatives", "/initiatieven", initiatives),
            ("discussion", "/api/discussions", "/gesprekken", discussions),
        ):
            for item in items:
                seen[f"api {kind} {item['id']}"] = client.get(f"{api}/{item['id']}").json()
                seen[f"page {kind} {item['id']}"] = client.get(f"{page}/{item['id']}").text
        seen["home"] = client.get("/").text
    return seen


def search(settings: Settings, query: str) -> set[str]:
    with TestClient(create_app(settings)) as client:
        return {hit["id"] for hit in client.get("/api/search", params={"q": query}).json()}
