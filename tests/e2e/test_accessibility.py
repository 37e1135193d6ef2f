"""The main pages pass axe-core with no violations (no rule excluded), as a visitor and as
residents who see the most forms, on a laptop and on a phone; every form control has a <label> of
its own (which axe does not check: it accepts a label whose `for` names a repeated id), and on a
phone no page scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .accessibility import axe_violations, horizontal_overflow, label_problems
from .browsing import log_in
from .conftest import WIDTHS, open_context
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
    "notices": ("anna", "/mijn/meldingen"),
    "notice-settings": ("anna", "/mijn/meldingen/instellingen"),
    "about": (None, "/over"),
    "offline": (None, "/offline"),
    "widget": (None, "/widget"),
    "poster": (None, "/initiatieven/{repair_cafe}/poster"),
    "peers-host": ("anna", "/beheer/buren"),
    "grants": (None, "/subsidies"),
    "grant-call-visitor": (None, "/subsidies/{grant_call}"),
    "grant-call-owner": ("bram", "/subsidies/{grant_call}"),
    "grant-call-volunteer": ("anna", "/subsidies/{grant_call}"),
    "grant-apply": ("fatima", "/subsidies/{grant_call}/aanvragen"),
    "grant-form": ("anna", "/subsidies/nieuw"),
    "jobs": (None, "/klussen"),
    "job-visitor": (None, "/klussen/{job}"),
    "job-owner": ("wim", "/klussen/{job}"),
    "job-helper": ("pieter", "/klussen/{job}"),
    "job-resident": ("anna", "/klussen/{job}"),
    "job-form": ("anna", "/klussen/nieuw"),
    "credits": ("marieke", "/mijn/doe-punten"),
    "partner-member": ("wim", "/organisaties/{bakery}/doe-punten"),
    "poll-visitor": (None, "/peilingen/{poll}"),
    "poll-voter": ("marieke", "/peilingen/{poll}"),
    "poll-owner": ("henk", "/peilingen/{poll}"),
    "poll-form": ("anna", "/peilingen/nieuw"),
    "places": (None, "/plekken"),
    "place-visitor": (None, "/plekken/{place}"),
    "place-host": ("henk", "/plekken/{place}"),
    "place-requester": ("mohamed", "/plekken/{place}"),
    "place-form": ("anna", "/plekken/nieuw"),
    "place-edit": ("henk", "/plekken/{place}/bewerken"),
    "room-host": ("henk", "/plekken/{place}/zalen/{room}"),
    "room-resident": ("pieter", "/plekken/{place}/zalen/{room}"),
    "my-bookings": ("pieter", "/mijn-boekingen"),
    "events": (None, "/activiteiten"),
    "event-visitor": (None, "/activiteiten/{event}"),
    "event-registered": ("marieke", "/activiteiten/{event}"),
    "event-organiser": ("henk", "/activiteiten/{event}"),
    "event-form": ("henk", "/activiteiten/nieuw"),
    "event-edit": ("henk", "/activiteiten/{event}/bewerken"),
    "impact": (None, "/impact"),
    "initiative-impact-initiator": ("henk", "/initiatieven/{repair_cafe}/impact"),
    "alliances": (None, "/allianties"),
    "alliance": (None, "/alliantie/{alliance}"),
    "alliances-host": ("anna", "/beheer/allianties"),
}
DUPLICATE_TITLE_ID = ("initiative-ally", "initiative-initiator")
"""Pages with both the task and the news form, whose title fields once shared an id: their label
check is the test of its own below."""

Visitor = Callable[[str | None, str], BrowserContext]


@pytest.fixture(scope="module")
def visitor(axe_installed: None, browser: Browser, site: Site) -> Iterator[Visitor]:
    """A browser context per resident (None: not logged in) and width (a key of WIDTHS), logged
    in once for the module."""
    contexts: dict[tuple[str | None, str], BrowserContext] = {}

    def context_of(who: str | None, width: str) -> BrowserContext:
        if (who, width) not in contexts:
            context = contexts[who, width] = open_context(browser, site, **WIDTHS[width])
            if who is not None:
                page = context.new_page()
                log_in(page, who)
                page.close()
        return contexts[who, width]

    yield context_of
    for context in contexts.values():
        context.close()


def places(site: Site) -> dict[str, str]:
    return {
        "repair_cafe": site.initiatives["Repair Café Wezep"],
        "garden": site.initiatives["Buurtmoestuin 't Loo"],
        "foreign": site.foreign_id,
        "discussion": site.discussions["Wat doen we met het oude schoolgebouw in Wezep?"],
        "grant_call": site.grant_call,
        "job": site.job,
        "bakery": site.organisations["Bakkerij Van Dijk"],
        "poll": site.poll,
        "place": site.place,
        "room": site.room,
        "event": site.event,
        "alliance": site.alliance,
    }


@contextmanager
def open_page(visitor: Visitor, site: Site, name: str, width: str = "desktop") -> Iterator[Page]:
    who, path = PAGES[name]
    page = visitor(who, width).new_page()
    try:
        answer = page.goto(path.format(**places(site)))
        assert answer is not None and answer.status == 200, f"{name}: {answer and answer.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        yield page
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_the_main_pages_pass_axe_and_label_every_control(
    visitor: Visitor, site: Site, name: str, width: str
) -> None:
    with open_page(visitor, site, name, width) as page:
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
        if name not in DUPLICATE_TITLE_ID:
            assert label_problems(page) == []
        if width == "mobile":
            overflow = horizontal_overflow(page)
            assert overflow == [], "\n".join(overflow)


@pytest.mark.parametrize("name", DUPLICATE_TITLE_ID)
def test_the_task_and_news_forms_label_their_own_title_fields(
    visitor: Visitor, site: Site, name: str
) -> None:
    with open_page(visitor, site, name) as page:
        assert label_problems(page) == []


def test_a_refused_login_form_has_no_axe_violations(visitor: Visitor) -> None:
    page = visitor(None, "desktop").new_page()
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
    page = visitor("els", "desktop").new_page()
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
    page = visitor("anna", "desktop").new_page()
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
