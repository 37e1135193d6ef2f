"""Fixture chain: settings(tmp_path) → app(settings) → client(app), each app on its own data dir."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import SADeprecationWarning

# litestar's OpenAPI code imports advanced_alchemy, whose 1.12 mixins still use a decorator that
# SQLAlchemy 2.1 deprecates. That warning is upstream's, at import; it is silenced here once so the
# strict `filterwarnings = error` still catches everything of ours.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SADeprecationWarning)
    import advanced_alchemy.base  # noqa: F401
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
