"""The app the web benchmark's server runs (benchmarks/web.py): `web.app.create_app` with settings
from the environment (MEKAAR_DATA names the dataset), as a zero-argument factory for
`granian --factory` and `uvicorn --factory`."""

from __future__ import annotations

from litestar import Litestar

from node.settings import Settings
from web.app import create_app


def make_app() -> Litestar:
    return create_app(Settings.from_env())
