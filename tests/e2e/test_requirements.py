"""What the browser tests need, checked on its own so that a machine without it is told why the
other tests did not run (and CI, with CI=true, fails)."""

from __future__ import annotations

import pytest

from .accessibility import AXE
from .conftest import missing_browser, unavailable

pytestmark = pytest.mark.e2e


def test_chromium_playwright_and_axe_core_are_installed() -> None:
    reason = missing_browser()
    if reason is None and not AXE.exists():
        reason = f"{AXE} is missing (run npm ci in tests/e2e)"
    if reason is not None:
        unavailable(reason)
