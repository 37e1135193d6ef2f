"""`mekaar reindex` after deleting the projection gives identical listing pages: the SQL tables are
only a projection of the documents."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from node.projection.reindex import create_projection, drop_projection, reindex
from node.runtime import Node

from .builders import foreign_initiative, post_form, post_initiative, register, run

PAGES = [
    "/",
    "/?tag=groen",
    "/?neighbourhood=Centrum",
    "/?q=moestuin",
    "/?needs_kind=hands",
    "/gesprekken",
    "/organisaties",
    "/mijn",
]


def _pages(client: TestClient[Litestar], extra: list[str]) -> dict[str, str]:
    out = {}
    for path in PAGES + extra:
        response = client.get(path)
        assert response.status_code == 200, path
        # the CSRF token and each action form's idempotency key are per request; everything
        # else must be identical
        out[path] = re.sub(
            r'"x-csrftoken": "[0-9a-f]+"|value="[0-9a-f]{64,}"|value="[0-9a-f-]{36}"',
            "TOKEN",
            response.text,
        )
    return out


def test_pages_after_deleting_the_projection_and_reindexing_are_identical(
    client: TestClient[Litestar],
) -> None:
    register(client, "Anna")
    garden = post_initiative(
        client, "Moestuin achter de school", neighbourhood="Centrum", tags="groen"
    )
    post_initiative(client, "Straatfeest", neighbourhood="De Hoek", tags="feest", status="idea")
    post_form(client, f"/initiatieven/{garden}/nodig", {"kind": "hands", "description": "Sjouwers"})
    post_form(client, f"/initiatieven/{garden}/taken", {"title": "Aarde bestellen", "due": ""})
    post_form(
        client,
        "/gesprekken",
        {"title": "Bankjes op het plein", "intro": "Waar moeten ze staan?", "tags": "plein"},
    )
    foreign = foreign_initiative(client, "Repair café Wezep", "Elke maand repareren we samen.")
    before = _pages(client, [f"/initiatieven/{garden}", f"/initiatieven/{foreign}"])
    assert "Moestuin achter de school" in before["/"] and "Repair café Wezep" in before["/"]

    node: Node = client.app.state.node

    async def wipe() -> None:
        async with node.engine.begin() as connection:
            await connection.run_sync(drop_projection)
            await connection.run_sync(create_projection)

    run(client, wipe)
    assert "Moestuin achter de school" not in client.get("/").text  # really gone

    async def rebuild() -> int:
        return await reindex(node)

    assert run(client, rebuild) >= 4
    after = _pages(client, [f"/initiatieven/{garden}", f"/initiatieven/{foreign}"])
    assert after == before
