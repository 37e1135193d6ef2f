"""The whole resident journey on the served node, as two newcomers in two browsers: one registers
and posts an initiative; the other registers, finds it in the list, joins it with an offer, adds a
task to the plan, completes it and comments in its discussion; then the first sees all of that on
the initiative's page.

It runs with JavaScript (htmx swaps the changed section in place) and without (plain form posts
and 303 redirects), since every page must work without it: with JavaScript the initiator is on a
laptop and the ally on a phone, without it the other way round, so every page of the journey is
checked at both widths: axe-core (no violation at all, as on the main pages) and, on the phone,
no sideways scrolling. The mirrored pair (marked slow) checks the in-place states at the other
width too. The forms and the list look the same for everyone and test_accessibility.py checks
them at both widths already, so the journey checks only what it makes: the new person's page, the
initiative and the discussion in each state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from .accessibility import axe_violations, horizontal_overflow
from .browsing import Watch
from .conftest import WIDTHS, NewContext

if TYPE_CHECKING:
    # what Page.expect_response returns; playwright.sync_api does not export the name
    from playwright._impl._sync_base import EventContextManager

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("axe_installed")]

PASSWORD = "een lang genoeg wachtwoord"


@dataclass
class Person:
    """One newcomer in a browser context of their own, and what the checks found on the pages
    they saw."""

    page: Page
    name: str
    width: str
    javascript: bool
    watch: Watch
    twin: Page | None
    """Without JavaScript: a page whose context runs scripts but loads none of the node's, for
    the checks (axe needs timers, which never fire where JavaScript is off, so it would hang)."""
    problems: list[str] = field(default_factory=list)

    def check(self, what: str) -> None:
        """axe-core and, on a phone, sideways scrolling on the page as it is now; problems are
        collected, so one run names every page that has them. Without JavaScript every page the
        person sees came from a GET (a form post redirects), so the twin loads the same address
        with the same cookies and sees the same page."""
        page = self.page
        if self.twin is not None:
            page = self.twin
            page.context.clear_cookies()
            page.context.add_cookies(self.page.context.cookies())
            address = self.page.url.partition("#")[0]  # the fragment would not load anew
            answer = page.reload() if page.url == address else page.goto(address)
            assert answer is not None and answer.status == 200, f"{what}: {address}"
        where = f"{what} ({self.width}, {'with' if self.javascript else 'without'} JavaScript)"
        found = axe_violations(page)
        if self.width == "mobile":
            found += horizontal_overflow(page)
        self.problems += [f"{where}: {problem}" for problem in found]

    def posting(self, path_end: str) -> EventContextManager[Response]:
        """Around an action that posts to a path ending in `path_end`: with JavaScript htmx sends
        it and a partial comes back (200), without it the form posts and is redirected (303)."""
        return self.page.expect_response(
            lambda answer: answer.request.method == "POST" and answer.url.endswith(path_end)
        )


def assert_enhanced(person: Person, answer: Response) -> None:
    """The post was sent the way the person's browser can: by htmx, or as a plain form."""
    if person.javascript:
        assert answer.request.headers.get("hx-request") == "true", answer.url
        assert answer.status == 200, answer.url
    else:
        assert answer.request.headers.get("hx-request") is None, answer.url
        assert answer.status == 303, answer.url


def allies(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Medestanders"))


def plan(page: Page) -> Locator:
    return page.get_by_role("region", name="Plan van aanpak")


def column(page: Page, name: str) -> Locator:
    """One column of the plan board (Open, Opgepakt, Klaar)."""
    return plan(page).get_by_role("region", name=name)


def register(person: Person, email: str) -> None:
    page = person.page
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Meedoen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Meedoen in "))
    page.get_by_label("Uw naam").fill(person.name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Uw wijk of buurt").fill("Centrum")
    page.get_by_role("button", name="Account maken").click()
    page.wait_for_url(re.compile(r"/mensen/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(person.name)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    person.check("the new person's own page")


def post_initiative(person: Person, title: str) -> str:
    """Post an initiative that looks for allies; returns its address."""
    page = person.page
    page.goto("/")
    page.get_by_role("link", name="Start een initiatief").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start een initiatief")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("In één of twee zinnen").fill("Samen de speeltuin opknappen.")
    page.get_by_label("Wat wilt u doen, en waarom?").fill(
        "De speeltuin achter de kerk is vergeten.\n\nMet een paar zaterdagen is hij weer mooi."
    )
    page.get_by_label("Ik zoek nu medestanders").check()
    page.get_by_role("button", name="Zet op de agenda").click()
    page.wait_for_url(re.compile(r"/initiatieven/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(allies(page)).to_contain_text(person.name)
    person.check("the new initiative, as its initiator")
    return page.url


def join_and_work(person: Person, title: str, offer: str, task: str, comment: str) -> None:
    """Find the initiative in the list, join it with an offer, add a task, complete it and say
    something in the initiative's discussion."""
    page = person.page
    page.goto("/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    person.check("the initiative, not yet an ally")

    with person.posting("/aansluiten") as joined:
        allies(page).get_by_label("Wat wilt u bijdragen?").fill(offer)
        allies(page).get_by_role("button", name="Ik doe mee").click()
    assert_enhanced(person, joined.value)
    expect(allies(page)).to_contain_text(person.name)
    expect(allies(page)).to_contain_text(f"Biedt aan: {offer}")
    person.check("the initiative, just joined")

    with person.posting("/taken") as added:
        plan(page).get_by_label("Wat moet er gebeuren?").fill(task)
        plan(page).get_by_role("button", name="Taak toevoegen").click()
    assert_enhanced(person, added.value)
    expect(column(page, "Open")).to_contain_text(task)
    person.check("the plan with a new task")

    with person.posting("/klaar") as done:
        # the button shows "Klaar"; its accessible name adds the task's title
        column(page, "Open").get_by_role("button", name=f"Klaar: {task}", exact=True).click()
    assert_enhanced(person, done.value)
    expect(column(page, "Klaar")).to_contain_text(task)
    expect(column(page, "Open")).not_to_contain_text(task)
    expect(plan(page)).to_contain_text("1 van 1 taken klaar")
    person.check("the plan with the task done")

    conversation = page.get_by_role("region", name="Gesprek")
    conversation.get_by_role("button", name="Begin een gesprek").click()
    page.wait_for_url(re.compile(r"/gesprekken/[^/]+$"))
    expect(page.get_by_role("link", name=title)).to_be_visible()
    person.check("the initiative's new discussion")

    with person.posting("/reacties") as commented:
        page.get_by_label("Uw reactie").fill(comment)
        page.get_by_role("button", name="Plaats reactie").click()
    assert_enhanced(person, commented.value)
    reactions = page.get_by_role("region", name="1 reactie")
    expect(reactions).to_contain_text(comment)
    expect(reactions).to_contain_text(person.name)
    person.check("the discussion with a comment")


def sees_it_all(
    person: Person, address: str, ally: Person, offer: str, task: str, text: str
) -> None:
    """The initiator, back on the initiative's page, sees the ally, the task done and the
    comment (the page links to the discussion and counts its comments)."""
    page = person.page
    page.goto(address)
    expect(allies(page)).to_contain_text(ally.name)
    expect(allies(page)).to_contain_text(f"Biedt aan: {offer}")
    expect(column(page, "Klaar")).to_contain_text(task)
    expect(plan(page)).to_contain_text("1 van 1 taken klaar")
    conversation = page.get_by_role("region", name="Gesprek")
    expect(conversation).to_contain_text("1 reactie")
    person.check("the initiative with an ally, a task done and a comment")

    conversation.get_by_role("link", name="Lees en praat mee").click()
    page.wait_for_url(re.compile(r"/gesprekken/[^/]+$"))
    reactions = page.get_by_role("region", name="1 reactie")
    expect(reactions).to_contain_text(text)
    expect(reactions.get_by_role("link", name=ally.name)).to_be_visible()
    person.check("the discussion, as the initiator")


SLOW = pytest.mark.slow
JOURNEYS = [
    # (JavaScript on, the initiator's screen, the ally's screen). The first two check every page
    # of the journey at both widths, and with and without JavaScript; the mirrored two (slow:
    # `scripts/test -m slow`) add each in-place (htmx) state at the other width.
    pytest.param(True, "desktop", "mobile", id="js-initiator-on-laptop"),
    pytest.param(False, "mobile", "desktop", id="no-js-initiator-on-phone"),
    pytest.param(True, "mobile", "desktop", id="js-initiator-on-phone", marks=SLOW),
    pytest.param(False, "desktop", "mobile", id="no-js-initiator-on-laptop", marks=SLOW),
]


@pytest.mark.parametrize(("javascript", "initiator_width", "ally_width"), JOURNEYS)
def test_two_newcomers_start_and_work_on_an_initiative_together(
    new_context: NewContext, javascript: bool, initiator_width: str, ally_width: str
) -> None:
    journey = f"{'js' if javascript else 'no-js'}-{initiator_width}-{ally_width}"

    def newcomer(name: str, width: str) -> Person:
        page = new_context(java_script_enabled=javascript, **WIDTHS[width]).new_page()
        twin = None
        if not javascript:
            scripted = new_context(**WIDTHS[width])
            scripted.route(re.compile(r"\.js$"), lambda route: route.abort())
            twin = scripted.new_page()
        return Person(page, name, width, javascript, Watch(page), twin)

    noor = newcomer("Noor Bakker", initiator_width)
    daan = newcomer("Daan de Wit", ally_width)
    title = f"Speeltuin opknappen ({journey})"
    offer = "Ik heb een schuurmachine en verf"
    task = "Hekwerk schuren en verven"
    # Dutch makes words longer than a phone is wide: it must wrap, not widen the page
    comment = (
        "Zaterdag begin ik met het hek. Dan is ook de "
        "speeltuinvrijwilligerscoördinatiebijeenkomstuitnodiging klaar. Wie brengt koffie mee?"
    )

    register(noor, f"noor.{journey}@example.org")
    address = post_initiative(noor, title)
    register(daan, f"daan.{journey}@example.org")
    join_and_work(daan, title, offer, task, comment)
    sees_it_all(noor, address, daan, offer, task, comment)

    for person in (noor, daan):
        assert person.watch.errors == []
        assert person.watch.csp_reports == []
    assert noor.problems + daan.problems == [], "\n".join(noor.problems + daan.problems)
