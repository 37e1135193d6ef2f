"""Joining an initiative and working on its plan, in a real browser: with JavaScript htmx swaps the
changed section in place; without it the same forms post and redirect back to the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .browsing import Watch, log_in
from .server import Site

pytestmark = pytest.mark.e2e

GARDEN = "Buurtmoestuin 't Loo"
REPAIR_CAFE = "Repair Café Wezep"
STREET_PARTY = "Straatfeest in de Brugse Poort"


def allies(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Medestanders"))


def column(page: Page, name: str) -> Locator:
    """One column of the plan board (Open, Opgepakt, Klaar)."""
    return page.get_by_role("region", name="Plan van aanpak").get_by_role("region", name=name)


def join(page: Page, offer: str) -> None:
    section = allies(page)
    section.get_by_label("Wat wilt u bijdragen?").fill(offer)
    section.get_by_role("button", name="Ik doe mee").click()


def add_and_take_task(page: Page, title: str) -> None:
    plan = page.get_by_role("region", name="Plan van aanpak")
    plan.get_by_label("Wat moet er gebeuren?").fill(title)
    plan.get_by_role("button", name="Taak toevoegen").click()
    expect(column(page, "Open")).to_contain_text(title)
    take = f"Ik pak dit op: {title}"  # the button shows "Ik pak dit op"; its name adds the title
    column(page, "Open").get_by_role("button", name=take, exact=True).click()
    expect(column(page, "Opgepakt")).to_contain_text(title)


def test_joining_with_javascript_updates_the_allies_in_place(
    page: Page, watch: Watch, site: Site
) -> None:
    log_in(page, "henk")
    page.goto(f"/initiatieven/{site.initiatives[GARDEN]}")
    expect(allies(page)).not_to_contain_text("Henk Bosman")
    address = page.url
    page.evaluate("window.e2eSamePage = true")
    watch.restart()

    join(page, "Ik breng mijn kruiwagen mee")

    expect(allies(page)).to_contain_text("Henk Bosman")
    expect(allies(page)).to_contain_text("Biedt aan: Ik breng mijn kruiwagen mee")
    expect(allies(page).get_by_role("button", name="Ik doe niet meer mee")).to_be_visible()
    assert watch.loads == [], "the page was loaded again instead of swapped in place"
    assert page.evaluate("window.e2eSamePage") is True
    assert page.url == address
    (post,) = watch.posts()
    assert post.url.endswith("/aansluiten")
    assert post.headers.get("hx-request") == "true"
    assert watch.errors == []


def test_the_plan_board_adds_and_takes_a_task_in_place(
    page: Page, watch: Watch, site: Site
) -> None:
    log_in(page, "henk")
    page.goto(f"/initiatieven/{site.initiatives[STREET_PARTY]}")
    join(page, "Ik help mee")
    expect(allies(page)).to_contain_text("Henk Bosman")
    page.evaluate("window.e2eSamePage = true")
    watch.restart()

    add_and_take_task(page, "Tafels ophalen bij het buurthuis")

    expect(column(page, "Opgepakt")).to_contain_text("Henk Bosman")
    assert watch.loads == [], "the page was loaded again instead of swapped in place"
    assert page.evaluate("window.e2eSamePage") is True
    assert [p.headers.get("hx-request") for p in watch.posts()] == ["true", "true"]
    assert watch.errors == []


def test_after_joining_in_place_the_plan_board_lets_the_new_ally_add_tasks(
    page: Page, site: Site
) -> None:
    log_in(page, "gerrit")
    page.goto(f"/initiatieven/{site.initiatives[REPAIR_CAFE]}")
    join(page, "Ik kom helpen")
    expect(allies(page)).to_contain_text("Gerrit van 't Hul")
    plan = page.get_by_role("region", name="Plan van aanpak")
    expect(plan.get_by_label("Wat moet er gebeuren?")).to_be_visible(timeout=1_000)


def test_joining_without_javascript_works_with_form_posts_and_redirects(
    page_without_js: Page, site: Site
) -> None:
    page = page_without_js
    initiative_id = site.initiatives[REPAIR_CAFE]
    log_in(page, "wim")
    page.goto(f"/initiatieven/{initiative_id}")

    with page.expect_response(lambda r: r.url.endswith("/aansluiten")) as answer:
        join(page, "Gebak voor de vrijwilligers")

    assert answer.value.status == 303
    assert answer.value.request.headers.get("hx-request") is None
    page.wait_for_url(re.compile(rf"/initiatieven/{initiative_id}#medestanders$"))
    expect(allies(page)).to_contain_text("Wim van Dijk")
    expect(allies(page)).to_contain_text("Biedt aan: Gebak voor de vrijwilligers")

    add_and_take_task(page, "Koffie en gebak regelen")

    expect(column(page, "Opgepakt")).to_contain_text("Wim van Dijk")
    assert page.url.endswith(f"/initiatieven/{initiative_id}#plan")
