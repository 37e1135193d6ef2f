"""Fixtures for the browser tests: one demo node served by uvicorn and one headless Debian
Chromium for the whole session; a fresh browser context (cookies, storage) per test.

Without /usr/bin/chromium or the `playwright` package the suite skips with the reason, so a plain
`pytest` works anywhere; under CI (CI=true) a missing requirement fails instead, so CI can never
pass by silently skipping the browser tests. Playwright drives the system Chromium: its own browser
download (`playwright install`) is not used and not needed.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .accessibility import AXE
from .server import RunningNode, Site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from .browsing import Watch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    # as root Chromium needs --no-sandbox; the rest keep it from calling Google hosts it cannot
    # reach. Playwright adds --headless and a fresh --user-data-dir of its own per launch.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "nl-NL"
"""Dutch first: the demo's texts and the tests' labels are the Dutch ones."""
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
MOBILE: dict[str, Any] = {
    # a phone as Chromium emulates one: the meta viewport counts, touch events, a sharp screen
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}
"""Context options per screen the pages must work on: a laptop and a phone."""


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


if importlib.util.find_spec("playwright") is None and not under_ci():
    # the test modules import playwright; test_requirements.py stays and says why they are gone
    collect_ignore = [
        test.name
        for test in Path(__file__).parent.glob("test_*.py")
        if test.name != "test_requirements.py"
    ]


def unavailable(reason: str) -> None:
    """Skip, or fail under CI: a missing browser must never turn CI green by skipping."""
    if under_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Package scope: Playwright's sync API keeps an event loop running while it is open, so it
    must close when tests/e2e is done, before other packages' tests call asyncio.run."""
    reason = missing_browser()
    if reason is not None:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def site(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo node, served until tests/e2e is done (asks for the browser first, so a machine
    without one skips before spending seconds on the demo)."""
    with RunningNode(tmp_path_factory.mktemp("e2e-node")) as running:
        yield running


@pytest.fixture(scope="session")
def axe_installed() -> None:
    """axe-core from tests/e2e/node_modules, or skip (fail under CI) and say how to get it."""
    if not AXE.exists():
        unavailable(f"{AXE} is missing (run npm ci in tests/e2e)")


NewContext = Callable[..., "BrowserContext"]


def open_context(browser: Browser, site: Site, **options: Any) -> BrowserContext:
    """A fresh browser context (no cookies) on the site, in Dutch; options go to Playwright.
    The node's service worker is blocked unless a test asks for it (`service_workers="allow"`,
    test_offline.py): a page it answers from its cache after a slow 3 s would make timing part of
    every other test."""
    options.setdefault("service_workers", "block")
    context = browser.new_context(base_url=site.url, locale=LOCALE, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def new_context(browser: Browser, site: Site) -> Iterator[NewContext]:
    """Make browser contexts on the site, closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        made.append(open_context(browser, site, **options))
        return made[-1]

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    """A page with JavaScript (htmx) on."""
    return new_context().new_page()


@pytest.fixture
def watch(page: Page) -> Watch:
    """What happened on `page` from the start of the test: dialogs, script errors, CSP reports,
    page loads and requests."""
    from .browsing import Watch

    return Watch(page)


@pytest.fixture
def page_without_js(new_context: NewContext) -> Page:
    """A page in a context with JavaScript switched off: plain forms, links and redirects."""
    return new_context(java_script_enabled=False).new_page()
