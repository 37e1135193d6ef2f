"""Fixtures for the interop suite: one reference Automerge (Node) process for the whole session.

Without node or `npm ci` the suite skips with the reason, so a plain `pytest` works on a fresh
checkout. Under CI (CI=true) a missing reference is a failure instead: CI must never pass by
silently skipping the tests that prove byte compatibility.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.interop.oracle import Oracle, missing_requirement


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    reason = missing_requirement()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"interop reference unavailable under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    handle = Oracle()
    try:
        handle.call("ping")
        yield handle
    finally:
        handle.close()


@pytest.fixture
def js(oracle: Oracle) -> Oracle:
    """The session's oracle with no documents or sync states left over from earlier tests."""
    oracle.reset()
    return oracle
