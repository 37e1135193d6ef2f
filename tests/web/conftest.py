"""Fixture chain: settings(tmp_path) → app(settings) → client(app), each app on its own data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from node.identity import init_node
from node.settings import Settings
from web.app import create_app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    init_node(data, "Testdorp")
    return Settings(data_dir=str(data))


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        yield client
