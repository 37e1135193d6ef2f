"""A resident's phone without network (docs/offline.md), in headless Chromium with the service
worker on: pages seen before still show, marked as the offline copy; a page never seen shows the
offline page; four actions taken offline (support, join, take a task, comment) wait in the outbox,
go out when the network returns, and have happened exactly once, also when sent a second time;
a login that expired meanwhile keeps them until the resident logs in again."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from .accessibility import axe_violations
from .browsing import Watch
from .conftest import NewContext
from .server import Site

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"

pytestmark = pytest.mark.e2e

PASSWORD = "een lang wachtwoord voor offline"
CHOIR = "Oefenruimte voor het buurtkoor"
GARDEN = "Buurtmoestuin 't Loo"
COMPUTER_HELP = "Computerhulp voor ouderen"
SCHOOL = "Wat doen we met het oude schoolgebouw in Wezep?"
TRAFFIC = "Verkeersveiligheid op de Zuiderzeestraatweg"


@pytest.fixture
def phone(new_context: NewContext) -> Iterator[BrowserContext]:
    """A browser context whose service worker runs (Playwright blocks them unless asked)."""
    yield new_context(service_workers="allow")


def register(page: Page, name: str, email: str) -> None:
    page.goto("/registreren")
    page.get_by_label("Uw naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Uw wijk of buurt").fill("Centrum")
    page.get_by_role("button", name="Account maken").click()
    page.wait_for_url(re.compile(r"/mensen/[^/]+$"))


def log_in(page: Page, email: str) -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)


def until(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Wait until the expression (a promise may be awaited) is true in the page. Not
    `wait_for_function`: its polling evaluates strings, which the page's CSP refuses."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as error:  # the page reloaded meanwhile: ask the new one
            if "context was destroyed" not in error.message:
                raise
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        time.sleep(0.1)


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (it claims pages when it activates)."""
    until(page, "navigator.serviceWorker.controller !== null")


def outbox_empty(page: Page) -> None:
    until(page, "mekaarOutbox.all().then((items) => items.length === 0)")


def allies(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Medestanders"))


def column(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name="Plan van aanpak").get_by_role("region", name=name)


def outbox(page: Page) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = page.evaluate("mekaarOutbox.all()")
    return items


def posts_logged(site: Site) -> int:
    """How many posts the node has answered (its access log)."""
    return site.log.read_text(errors="replace").count('"POST ')


def replay_again(page: Page, items: list[dict[str, Any]]) -> list[int]:
    """Send the outbox's items once more, as a second replay would (fresh token, same key)."""
    statuses: list[int] = page.evaluate(
        """async (items) => {
            const statuses = [];
            for (const item of items) {
                const { token } = await (await fetch("/csrf")).json();
                const response = await fetch(item.url, {
                    method: "POST", body: item.body, redirect: "manual",
                    headers: {"Content-Type": "application/x-www-form-urlencoded",
                              "x-csrftoken": token, "Idempotency-Key": item.key},
                });
                statuses.push(response.type === "opaqueredirect" ? 303 : response.status);
            }
            return statuses;
        }""",
        items,
    )
    return statuses


def test_offline_pages_and_four_actions_happen_once_when_back_online(
    phone: BrowserContext, site: Site
) -> None:
    page = phone.new_page()
    watch = Watch(page)
    name = "Olga Offline"
    register(page, name, "olga.offline@example.org")
    controlled(page)
    desk = f"/initiatieven/{site.initiatives[COMPUTER_HELP]}"
    choir = f"/initiatieven/{site.initiatives[CHOIR]}"
    garden = f"/initiatieven/{site.initiatives[GARDEN]}"
    school = f"/gesprekken/{site.discussions[SCHOOL]}"
    # online: join one initiative and add a task to its plan, to take it offline later
    page.goto(desk)
    allies(page).get_by_label("Wat wilt u bijdragen?").fill("Ik help op woensdag")
    allies(page).get_by_role("button", name="Ik doe mee").click()
    expect(allies(page)).to_contain_text(name)
    plan = page.get_by_role("region", name="Plan van aanpak")
    plan.get_by_label("Wat moet er gebeuren?").fill("Tablets opladen")
    plan.get_by_role("button", name="Taak toevoegen").click()
    expect(column(page, "Open")).to_contain_text("Tablets opladen")
    for address in ("/", desk, choir, garden, school):
        page.goto(address)  # kept by the service worker
    page.goto(desk)

    phone.set_offline(True)
    posts_before = posts_logged(site)
    page.reload()
    expect(page.locator("#offline-kopie")).to_be_visible()
    expect(page.locator("#offline-kopie")).to_contain_text(
        re.compile(r"Offline kopie van \d\d:\d\d")
    )
    column(page, "Open").get_by_role("button", name="Ik pak dit op: Tablets opladen").click()
    expect(page.locator("#wachtrij")).to_contain_text("wacht op verbinding")

    page.goto(choir)
    expect(page.locator("#offline-kopie")).to_be_visible()
    allies(page).get_by_role("button", name="Ik steun dit").click()
    expect(allies(page)).to_contain_text("wacht op verbinding")

    page.goto(garden)
    allies(page).get_by_label("Wat wilt u bijdragen?").fill("Ik breng zaden mee")
    allies(page).get_by_role("button", name="Ik doe mee").click()
    expect(allies(page)).to_contain_text("wacht op verbinding")

    page.goto(school)
    comments = page.get_by_role("region", name=re.compile(r"reacties?$"))
    comments.get_by_label("Uw reactie").fill("Maak er een buurthuis van, zegt Olga.")
    comments.get_by_role("button", name="Plaats reactie").click()
    expect(page.locator("#wachtrij li")).to_have_count(4)
    assert all(item["state"] == "queued" for item in outbox(page))
    assert axe_violations(page) == []

    page.goto("/")  # the search asks htmx for a piece of the page: not without network
    page.get_by_label("Zoek op woord").fill("tuin")
    page.get_by_label("Zoek op woord").press("Enter")
    expect(page.locator("#meldingen")).to_contain_text("Dit kan niet zonder verbinding")
    expect(page.locator("#wachtrij li")).to_have_count(4)

    page.goto("/organisaties")  # never visited
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    assert axe_violations(page) == []
    page.goto(school)
    queued = outbox(page)
    assert len(queued) == 4
    assert not any("_csrf_token" in item["body"] for item in queued)
    # a guard against a browser whose offline mode lets the worker through: nothing reached the node
    assert posts_logged(site) == posts_before

    # back online: Background Sync, the `online` event and an extra flush all ask at once
    with page.expect_navigation():  # the page reloads to show the sent actions
        phone.set_offline(False)
        page.evaluate(
            "navigator.serviceWorker.controller.postMessage({type: 'flush'});"
            "navigator.serviceWorker.controller.postMessage({type: 'flush'})"
        )
    outbox_empty(page)
    assert posts_logged(site) >= posts_before + 4
    assert replay_again(page, queued) == [303, 303, 303, 303]  # a second replay, accepted

    page.goto(school)
    expect(page.locator("#offline-kopie")).to_be_hidden()
    expect(page.get_by_text("Maak er een buurthuis van, zegt Olga.")).to_have_count(1)
    page.goto(choir)
    expect(allies(page).get_by_role("link", name=name)).to_have_count(1)
    page.goto(garden)
    expect(allies(page).get_by_role("link", name=name)).to_have_count(1)
    expect(allies(page).get_by_text("Biedt aan: Ik breng zaden mee")).to_have_count(1)
    page.goto(desk)
    expect(column(page, "Opgepakt")).to_contain_text("Tablets opladen")
    expect(column(page, "Open")).not_to_contain_text("Tablets opladen")
    expect(page.locator("#wachtrij")).to_be_hidden()
    assert watch.errors == []
    assert watch.csp_reports == []


def test_a_login_that_expired_offline_keeps_the_action_until_logged_in_again(
    phone: BrowserContext, site: Site
) -> None:
    page = phone.new_page()
    email = "vera.verlopen@example.org"
    register(page, "Vera Verlopen", email)
    controlled(page)
    traffic = f"/gesprekken/{site.discussions[TRAFFIC]}"
    page.goto(traffic)
    text = "Een drempel bij de school, zegt Vera."

    phone.set_offline(True)
    comments = page.get_by_role("region", name=re.compile(r"reacties?$"))
    comments.get_by_label("Uw reactie").fill(text)
    comments.get_by_role("button", name="Plaats reactie").click()
    expect(page.locator("#wachtrij li")).to_have_count(1)
    phone.clear_cookies(name="mekaar_session")  # the login expires while offline
    phone.set_offline(False)

    expect(page.locator("#wachtrij li").get_by_role("link", name="log opnieuw in")).to_be_visible()
    (item,) = outbox(page)
    assert item["state"] == "needs-login"
    page.goto(traffic)
    expect(page.get_by_text(text)).to_have_count(0)

    log_in(page, email)  # the page after logging in asks the worker to send the outbox
    outbox_empty(page)
    page.goto(traffic)
    expect(page.get_by_text(text)).to_have_count(1)


def test_the_browser_accepts_the_manifest_and_the_worker(phone: BrowserContext) -> None:
    page = phone.new_page()
    watch = Watch(page)
    page.goto("/")
    controlled(page)
    page.reload()
    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest.get("errors") == [], manifest.get("errors")
    installability = cdp.send("Page.getInstallabilityErrors")
    # Playwright's contexts are incognito, where Chromium installs no app; nothing else may fail
    errors = [e["errorId"] for e in installability["installabilityErrors"]]
    assert [e for e in errors if e != "in-incognito"] == []
    assert watch.errors == [] and watch.csp_reports == []


def test_logging_out_warns_about_waiting_actions_and_forgets_the_kept_pages(
    phone: BrowserContext, site: Site
) -> None:
    page = phone.new_page()
    register(page, "Lotte Uitlog", "lotte.uitlog@example.org")
    controlled(page)
    page.goto(f"/gesprekken/{site.discussions[TRAFFIC]}")
    until(page, "caches.open('mekaar-pages').then((c) => c.keys()).then((k) => k.length > 0)")
    waiting = {
        "key": "k-logout",
        "url": "/x",
        "body": "",
        "label": "Test",
        "user": None,
        "createdAt": 1,
        "attempts": 0,
        "state": "needs-login",
        "lastError": None,
    }
    page.evaluate("(item) => mekaarOutbox.put(item)", waiting)
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    assert dialogs and "Er wachten nog acties op verbinding" in dialogs[0]
    # the pages this person saw are gone from the phone; the waiting action is not
    until(
        page,
        "caches.open('mekaar-pages').then((c) => c.keys()).then((k) => "
        "k.every((r) => !r.url.includes('/gesprekken/')))",
    )
    assert [item["key"] for item in outbox(page)] == ["k-logout"]
    page.evaluate("mekaarOutbox.remove('k-logout')")


def test_a_post_whose_answer_was_lost_is_replayed_and_counted_once(
    phone: BrowserContext, site: Site
) -> None:
    """Lie-fi: the node gets the comment, the phone never hears back, queues it and sends it again
    later: the comment is there once."""
    page = phone.new_page()
    register(page, "Lieke Lifi", "lieke.lifi@example.org")
    controlled(page)
    school = f"/gesprekken/{site.discussions[SCHOOL]}"
    page.goto(school)
    text = "Een bibliotheek erin, zegt Lieke."
    reached: list[int] = []

    def lose_the_answer(route: Any) -> None:
        if reached:  # the replay (Background Sync may fire at once) goes through
            route.continue_()
            return
        reached.append(route.fetch(max_redirects=0).status)  # the node handles the post
        route.abort()  # but the answer never arrives

    posted = f"POST {school}/reacties"
    before = site.log.read_text(errors="replace").count(posted)
    phone.route(re.compile(r".*/reacties$"), lose_the_answer)
    comments = page.get_by_role("region", name=re.compile(r"reacties?$"))
    comments.get_by_label("Uw reactie").fill(text)
    comments.get_by_role("button", name="Plaats reactie").click()
    deadline = time.monotonic() + 10
    while not reached:  # the route runs in this thread: let Playwright dispatch it
        assert time.monotonic() < deadline, "the post never left the phone"
        page.wait_for_timeout(100)
    assert reached == [200], reached  # htmx's post: the comments, not a redirect
    phone.unroute(re.compile(r".*/reacties$"))

    # Background Sync fires at once (the network is there) and the page reloads once it is sent
    outbox_empty(page)
    after = site.log.read_text(errors="replace").count(posted)
    assert after == before + 2, "posted, then replayed"
    page.goto(school)
    expect(page.get_by_text(text)).to_have_count(1)


def test_an_action_the_node_refuses_is_shown_and_can_be_removed(
    phone: BrowserContext, site: Site
) -> None:
    page = phone.new_page()
    register(page, "Ruud Refus", "ruud.refus@example.org")
    controlled(page)
    school = f"/gesprekken/{site.discussions[SCHOOL]}"
    page.goto(school)
    empty = {"key": "k-empty", "url": f"{school}/reacties", "body": "body=&idempotency_key=k-empty",
             "label": "Lege reactie", "user": None, "createdAt": 1, "attempts": 0,
             "state": "queued", "lastError": None}  # fmt: skip
    page.evaluate("(item) => mekaarOutbox.put(item)", empty)
    page.reload()  # the page asks the worker to send it; the node refuses an empty comment

    item = page.locator("#wachtrij li")
    expect(item).to_contain_text("Lege reactie · niet gelukt")
    ((stored,),) = [outbox(page)]
    assert stored["state"] == "rejected" and stored["lastError"] == 400
    assert axe_violations(page) == []
    item.get_by_role("button", name="Verwijderen").click()
    expect(page.locator("#wachtrij")).to_be_hidden()
    assert outbox(page) == []


def test_without_background_sync_the_page_sends_the_outbox_when_back_online(
    phone: BrowserContext, site: Site
) -> None:
    """Firefox and Safari have no Background Sync: the page's `online` event sends instead."""
    phone.add_init_script("window.mekaarNoBackgroundSync = true")
    page = phone.new_page()
    register(page, "Noor Nosync", "noor.nosync@example.org")
    controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("?nosync")
    traffic = f"/gesprekken/{site.discussions[TRAFFIC]}"
    page.goto(traffic)
    text = "Een zebrapad bij de bakker, zegt Noor."

    phone.set_offline(True)
    comments = page.get_by_role("region", name=re.compile(r"reacties?$"))
    comments.get_by_label("Uw reactie").fill(text)
    comments.get_by_role("button", name="Plaats reactie").click()
    expect(page.locator("#wachtrij li")).to_have_count(1)
    phone.set_offline(False)

    outbox_empty(page)
    page.goto(traffic)
    expect(page.get_by_text(text)).to_have_count(1)


def test_a_vote_cast_offline_waits_and_counts_once(phone: BrowserContext, site: Site) -> None:
    """The fifth action of the outbox: a vote on the demo's poll, cast without network, goes
    out when the network returns, and a second replay of it changes nothing."""
    page = phone.new_page()
    watch = Watch(page)
    register(page, "Vera Stemmer", "vera.stemmer@example.org")
    controlled(page)
    poll = f"/peilingen/{site.poll}"
    page.goto(poll)  # kept by the service worker
    before = page.request.get(f"/api{poll.replace('peilingen', 'polls')}").json()

    phone.set_offline(True)
    page.reload()
    expect(page.locator("#offline-kopie")).to_be_visible()
    page.get_by_label("Ateliers").check()
    page.get_by_label("Waarom?").fill("Kunstenaars zoeken ruimte")
    page.get_by_role("button", name="Stem").click()
    expect(page.locator("#wachtrij")).to_contain_text("wacht op verbinding")
    queued = outbox(page)
    assert [item["url"] for item in queued] == [poll + "/stem"]

    with page.expect_navigation():
        phone.set_offline(False)
        page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    outbox_empty(page)
    assert replay_again(page, queued) == [303]
    after = page.request.get(f"/api{poll.replace('peilingen', 'polls')}").json()
    assert after["voter_count"] == before["voter_count"] + 1
    expect(page.get_by_label("Ateliers")).to_be_checked()
    expect(page.get_by_role("heading", name="Je stem aanpassen")).to_be_visible()
    assert watch.errors == []


def test_a_new_version_of_the_worker_keeps_what_waits_in_the_outbox(
    phone: BrowserContext, site: Site
) -> None:
    """The node is updated while an action waits (here: for a login that expired): the new
    worker replaces the old one and its static cache, and the action still goes out, once."""
    page = phone.new_page()
    watch = Watch(page)
    email = "bram.bijwerken@example.org"
    register(page, "Bram Bijwerken", email)
    controlled(page)
    choir = f"/initiatieven/{site.initiatives[CHOIR]}"
    page.goto(choir)

    phone.set_offline(True)
    allies(page).get_by_role("button", name="Ik steun dit").click()
    expect(page.locator("#wachtrij li")).to_have_count(1)
    phone.clear_cookies(name="mekaar_session")  # so that it keeps waiting once online
    phone.set_offline(False)
    expect(page.locator("#wachtrij li").get_by_role("link", name="log opnieuw in")).to_be_visible()
    old_caches: list[str] = page.evaluate("caches.keys()")
    old_static = [name for name in old_caches if name.startswith("mekaar-static-")]
    assert len(old_static) == 1

    probe = STATIC / "js" / "zz-update-probe.txt"  # any static file changes the worker's version
    probe.write_text("a newer version of the node\n")
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        until(
            page,
            f"""caches.keys().then((names) =>
                names.some((n) => n.startsWith("mekaar-static-") && n !== "{old_static[0]}")
                && !names.includes("{old_static[0]}"))""",
            timeout=20,
        )
    finally:
        probe.unlink()
    (item,) = outbox(page)
    assert item["state"] == "needs-login"

    log_in(page, email)
    outbox_empty(page)
    page.goto(choir)
    expect(allies(page).get_by_role("link", name="Bram Bijwerken")).to_have_count(1)
    assert watch.errors == []
