"""Text from another village is shown as text: a hostile title or description never becomes
markup, so no script runs (and the CSP never has to step in, which would mean it almost did)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browsing import Watch
from .server import HOSTILE_TITLE, Site

pytestmark = pytest.mark.e2e

INJECTED = "main script, main img, main svg, main iframe, a[href^='javascript:']"


def assert_nothing_ran(page: Page, watch: Watch) -> None:
    assert watch.dialogs == []
    assert watch.csp_reports == []
    assert watch.errors == []
    assert page.evaluate("() => window.mekaarPwned") is None
    assert page.locator(INJECTED).count() == 0


def test_a_hostile_initiative_from_another_village_is_shown_as_text(
    page: Page, watch: Watch, site: Site
) -> None:
    page.goto(f"/initiatieven/{site.foreign_id}")

    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE_TITLE)
    expect(page.get_by_text("Dit initiatief komt uit een ander dorp.")).to_be_visible()
    expect(page.get_by_role("region", name="Waar gaat het over?")).to_contain_text(
        'Klik <a href="javascript:alert(3)">hier</a>.'
    )
    assert HOSTILE_TITLE in page.title()
    assert_nothing_ran(page, watch)


@pytest.mark.parametrize("path", ["/", "/?zoek=alert", "/?label=elders"])
def test_a_hostile_title_in_the_list_is_a_plain_link(
    page: Page, watch: Watch, site: Site, path: str
) -> None:
    page.goto(path)

    link = page.get_by_role("link", name=HOSTILE_TITLE)
    expect(link).to_have_attribute("href", f"/initiatieven/{site.foreign_id}")
    assert_nothing_ran(page, watch)
