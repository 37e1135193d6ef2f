"""Keyboard use: the skip link comes first and lands in the content, focus is visible on the first
controls, and an in-place (htmx) action does not throw the keyboard user back to the top."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .accessibility import focus_ring
from .browsing import log_in
from .server import Site

pytestmark = pytest.mark.e2e

GARDEN = "Buurtmoestuin 't Loo"
COMPUTER_HELP = "Computerhulp voor ouderen"


def focused_html(page: Page) -> str:
    html: str = page.evaluate("() => document.activeElement.outerHTML")
    return html


def assert_focus_ring_is_visible(page: Page) -> None:
    strong, needed = focus_ring(page)
    assert strong >= needed, (
        f"{focused_html(page)[:100]}: {strong} pixels change with 3:1 contrast on focus, "
        f"a 2 px ring needs {needed}"
    )


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off-screen"
    assert_focus_ring_is_visible(page)

    page.keyboard.press("Enter")

    assert page.url.endswith("/#inhoud")
    expect(page.locator("main#inhoud")).to_be_focused()
    page.keyboard.press("Tab")
    first_control = page.evaluate(
        "() => document.activeElement === document.querySelector('main').querySelector("
        "'a[href], button, input:not([type=hidden]), select, textarea')"
    )
    assert first_control, f"Tab after the skip link went to {focused_html(page)[:100]}"


def test_the_header_shows_a_visible_focus_ring(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile("^Voor Mekaar"))).to_be_focused()
    assert_focus_ring_is_visible(page)


def test_the_first_field_of_a_form_shows_a_visible_focus_ring(page: Page) -> None:
    page.goto("/inloggen")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    assert_focus_ring_is_visible(page)


def test_a_button_in_the_content_shows_a_visible_focus_ring(page: Page) -> None:
    page.goto("/inloggen")
    page.get_by_label("Wachtwoord").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    assert_focus_ring_is_visible(page)


def test_after_an_in_place_action_focus_stays_in_the_changed_section(
    page: Page, site: Site
) -> None:
    log_in(page, "marieke")
    page.goto(f"/initiatieven/{site.initiatives[GARDEN]}")
    allies = page.get_by_role("region", name=re.compile("^Medestanders"))
    allies.get_by_role("button", name="Ik steun dit").focus()
    page.keyboard.press("Enter")
    expect(allies).to_contain_text("Marieke Visser")
    inside = page.evaluate("() => !!document.activeElement.closest('#medestanders')")
    assert inside, f"focus is on {focused_html(page)[:60]}"


def test_after_joining_in_place_focus_is_on_the_allies_heading(page: Page, site: Site) -> None:
    log_in(page, "fatima")
    page.goto(f"/initiatieven/{site.initiatives[COMPUTER_HELP]}")
    allies = page.get_by_role("region", name=re.compile("^Medestanders"))
    allies.get_by_label("Wat wilt u bijdragen?").fill("Ik leg uit hoe een tablet werkt")
    allies.get_by_role("button", name="Ik doe mee").focus()
    page.keyboard.press("Enter")
    expect(allies).to_contain_text("Fatima El Amrani")
    expect(allies.get_by_role("heading", name=re.compile("^Medestanders"))).to_be_focused()
    assert page.evaluate("() => !!document.activeElement.closest('#medestanders')")
    assert_focus_ring_is_visible(page)
