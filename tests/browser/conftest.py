"""Browser tests: Playwright driving Debian's Chromium against the live Django server, with axe.

Chromium is never downloaded: it must be /usr/bin/chromium (`make test` installs Debian's package
when run as root). Without it the tests are skipped locally with a loud reason, and fail on CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("IOMHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Session:
    """One browser tab against the live server, collecting console errors and failed requests."""

    page: object
    base: str
    problems: list[str] = field(default_factory=list)

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.go("/sign-in/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.follow("button:has-text('Sign in')")

    def sign_out(self) -> None:
        self.follow("button:has-text('Sign out')")

    def follow(self, selector: str) -> None:
        """Click a link or submit button and wait until the page it leads to has loaded.

        A bare click returns as soon as the click is dispatched, and `wait_for_load_state()` then
        sees the *old* page already loaded, so the next read can race the navigation (seen on CI:
        an error summary looked for before the re-rendered form arrived). Waiting for the
        navigation itself removes the race."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def assert_accessible(self, label: str = "") -> None:
        """axe finds no violations, and the page raised no console errors or failed requests."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        violations = results.response["violations"]
        details = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in violations]
        assert not details, f"axe violations on {label or self.page.url}:\n" + "\n".join(details)
        assert not self.problems, f"console errors or failed requests on {label or self.page.url}: {self.problems}"


@pytest.fixture
def session(browser, live_server) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)  # a limit, never a wait: the first page of a worker can be slow on a loaded 2-core machine
    s = Session(page=page, base=live_server.url)
    page.on(
        "console",
        lambda m: s.problems.append(f"console {m.type}: {m.text}") if m.type == "error" and "status of 40" not in m.text else None,
    )
    page.on("pageerror", lambda e: s.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: s.problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: s.problems.append(f"{r.status} for {r.url}") if r.status >= 400 and "/static/" in r.url else None)
    yield s
    context.close()
