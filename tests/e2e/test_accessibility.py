"""The main pages pass axe-core with no violations (no rule excluded), as a visitor and as
residents who see the most forms, and every form control has a <label> of its own (which axe does
not check: it accepts a label whose `for` names a repeated id)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .accessibility import AXE, axe_violations, label_problems
from .browsing import log_in
from .conftest import open_context, unavailable
from .server import Site

pytestmark = pytest.mark.e2e

# name: (who is logged in, path with {placeholders} from `places`)
PAGES = {
    "list": (None, "/"),
    "login": (None, "/inloggen"),
    "register": (None, "/registreren"),
    "initiative-visitor": (None, "/initiatieven/{repair_cafe}"),
    "initiative-from-elsewhere": (None, "/initiatieven/{foreign}"),
    "list-resident": ("anna", "/"),
    "post-form": ("anna", "/initiatieven/nieuw"),
    "initiative-not-an-ally": ("anna", "/initiatieven/{repair_cafe}"),
    "initiative-ally": ("anna", "/initiatieven/{garden}"),
    "initiative-initiator": ("henk", "/initiatieven/{repair_cafe}"),
    "discussions": ("anna", "/gesprekken"),
    "discussion": ("anna", "/gesprekken/{discussion}"),
    "discussion-form": ("anna", "/gesprekken/nieuw"),
    "my-page": ("anna", "/mijn"),
}
DUPLICATE_TITLE_ID = ("initiative-ally", "initiative-initiator")
"""Pages with both the task and the news form, whose title fields once shared an id: their label
check is the test of its own below."""

Visitor = Callable[[str | None], BrowserContext]


@pytest.fixture(scope="session")
def axe_installed() -> None:
    if not AXE.exists():
        unavailable(f"{AXE} is missing (run npm ci in tests/e2e)")


@pytest.fixture(scope="module")
def visitor(axe_installed: None, browser: Browser, site: Site) -> Iterator[Visitor]:
    """A browser context per resident (None: not logged in), logged in once for the module."""
    contexts: dict[str | None, BrowserContext] = {}

    def context_of(who: str | None) -> BrowserContext:
        if who not in contexts:
            contexts[who] = open_context(browser, site)
            if who is not None:
                page = contexts[who].new_page()
                log_in(page, who)
                page.close()
        return contexts[who]

    yield context_of
    for context in contexts.values():
        context.close()


def places(site: Site) -> dict[str, str]:
    return {
        "repair_cafe": site.initiatives["Repair Café Wezep"],
        "garden": site.initiatives["Buurtmoestuin 't Loo"],
        "foreign": site.foreign_id,
        "discussion": site.discussions["Wat doen we met het oude schoolgebouw in Wezep?"],
    }


@contextmanager
def open_page(visitor: Visitor, site: Site, name: str) -> Iterator[Page]:
    who, path = PAGES[name]
    page = visitor(who).new_page()
    try:
        answer = page.goto(path.format(**places(site)))
        assert answer is not None and answer.status == 200, f"{name}: {answer and answer.status}"
        yield page
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_the_main_pages_pass_axe_and_label_every_control(
    visitor: Visitor, site: Site, name: str
) -> None:
    with open_page(visitor, site, name) as page:
        assert axe_violations(page) == []
        if name not in DUPLICATE_TITLE_ID:
            assert label_problems(page) == []


@pytest.mark.parametrize("name", DUPLICATE_TITLE_ID)
def test_the_task_and_news_forms_label_their_own_title_fields(
    visitor: Visitor, site: Site, name: str
) -> None:
    with open_page(visitor, site, name) as page:
        assert label_problems(page) == []


def test_a_refused_login_form_has_no_axe_violations(visitor: Visitor) -> None:
    page = visitor(None).new_page()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill("niemand@example.org")
    page.get_by_label("Wachtwoord").fill("fout wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []
    page.close()


def test_the_allies_section_after_an_in_place_join_has_no_axe_violations(
    visitor: Visitor, site: Site
) -> None:
    page = visitor("els").new_page()
    page.goto(f"/initiatieven/{places(site)['garden']}")
    allies = page.get_by_role("region", name=re.compile("^Medestanders"))
    allies.get_by_label("Wat wilt u bijdragen?").fill("Ik naai een vlaggenlijn")
    allies.get_by_role("button", name="Ik doe mee").click()
    expect(allies).to_contain_text("Els Van den Broeck")
    assert axe_violations(page) == []
    page.close()


def test_chromium_names_each_task_button_by_its_label_a_colon_and_the_title(
    visitor: Visitor, site: Site
) -> None:
    page = visitor("anna").new_page()
    page.goto(f"/initiatieven/{places(site)['garden']}")
    session = page.context.new_cdp_session(page)
    tree = session.send("Accessibility.getFullAXTree")
    session.detach()
    names = [
        str(node["name"]["value"])
        for node in tree["nodes"]
        if node.get("role", {}).get("value") == "button" and node.get("name")
    ]
    take = [name for name in names if name.startswith("Ik pak dit op")]
    assert take, names
    assert all(re.fullmatch(r"Ik pak dit op: \S.*", name) for name in take), take
    assert [name for name in names if " :" in name] == []
    page.close()
