"""PostgreSQL specifics: the tsvector column with its GIN index, and Dutch stemming. The other
projection tests run on PostgreSQL too (the `database_url` fixture); these only make sense there.
Skipped without a local PostgreSQL, required when MEKAAR_TEST_POSTGRES=1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from node import projection as p
from node.runtime import Node

from . import builders as b
from . import scenes
from .databases import Cluster


@pytest.fixture
def database_url(postgres_cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """Only the PostgreSQL variant here (overrides the two-database fixture)."""
    name = f"pg_{request.node.name[-20:].lower().replace('[', '_').replace(']', '')}"
    name = "".join(ch for ch in name if ch.isalnum() or ch == "_")
    postgres_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres_cluster.admin(f"CREATE DATABASE {name}")
    yield postgres_cluster.url(name)
    postgres_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_search_entries_have_a_weighted_tsvector_with_a_gin_index(node: Node) -> None:
    async def check() -> None:
        async with node.engine.connect() as connection:
            column = await connection.scalar(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'search_entries' AND column_name = 'document'"
                )
            )
            assert column == "tsvector"
            index = await connection.scalar(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_entries_document'"
                )
            )
            assert index is not None and "gin" in index.lower()

    asyncio.run(check())


def test_dutch_words_are_stemmed(node: Node) -> None:
    ann = b.person(node, "Ann")
    garden = b.initiative(node, ann, "Moestuin", summary="Wij kweken groenten.")

    async def check() -> None:
        await scenes.project_all(node)
        async with node.sessions() as session:
            assert [h.id for h in await p.search(session, "moestuinen")] == [garden]

    asyncio.run(check())
