"""Fixture chain: settings(tmp_path) → app(settings) → client(app), each app on its own data dir,
on SQLite and (when a PostgreSQL server can run here; required in CI) on a fresh PostgreSQL
database: every web test runs on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from node.identity import init_node
from node.settings import Settings
from tests.node.projection.databases import database_url, postgres_cluster
from web.app import create_app

__all__ = ["database_url", "postgres_cluster"]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data = tmp_path / "data"
    init_node(data, "Testdorp")
    return Settings(data_dir=str(data), database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        yield client
