"""What the browser tests do and watch on a page: log in as a demo resident, and record dialogs,
script errors, CSP reports, page loads and requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, Request, expect

from node.demo.people import DEMO_PASSWORD, EMAIL_DOMAIN


def log_in(page: Page, who: str) -> None:
    """Log in through the form as the demo resident `who` (anna, henk, ...)."""
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(f"{who}@{EMAIL_DOMAIN}")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


@dataclass
class Watch:
    """Everything noteworthy that happens on one page from the moment it is watched."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Uncaught script errors and console errors (a missing favicon aside)."""
    csp_reports: list[str] = field(default_factory=list)
    """Console reports of something the Content Security Policy blocked."""
    loads: list[str] = field(default_factory=list)
    """Every page (document) request: a full load, never an htmx swap."""
    requests: list[Request] = field(default_factory=list)
    """Every request the page sent, static files included."""

    def __post_init__(self) -> None:
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", self._page_error)
        self.page.on("console", self._console)
        self.page.on("request", self._request)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_reports.append(message.text)
        elif message.type == "error" and not message.location.get("url", "").endswith(
            "/favicon.ico"
        ):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _request(self, request: Request) -> None:
        self.requests.append(request)
        if request.resource_type == "document":
            self.loads.append(f"{request.method} {request.url}")

    def restart(self) -> None:
        """Forget the page loads and requests so far (after logging in, say)."""
        self.loads.clear()
        self.requests.clear()

    def posts(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]
