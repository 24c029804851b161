"""Debian's chromium driven by Playwright, against the API served by uvicorn in this process.

Skipped where chromium is absent, except in CI, where its absence fails (as DCMTK's does). The
browser is never downloaded: Playwright is pointed at the system's own.
"""

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from app.api.main import create_app
from app.settings import Settings
from app.vocabulary import Role
from app.web.rendering import STATIC_DIR
from tests.support.live_api import serving
from tests.support.web import PASSWORD, make_account

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = Path(__file__).parents[2] / "test-output" / "screenshots"
AXE = next((STATIC_DIR / "vendor").glob("axe-core-*/axe.min.js")).relative_to(STATIC_DIR)
SERIOUS = ("serious", "critical")

NewPage = Callable[[], Page]
# The machine running the suite may be busy: a page gets longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_url(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as url:
        yield url


@pytest.fixture
def new_page(browser: Browser, live_url: str) -> Iterator[NewPage]:
    """`new_page()`: a page in a browser context of its own, as a second person would have."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def signed_in_admin(new_page: NewPage, database_url: str, name: str = "ms-admin") -> Page:
    """A new admin account, signed in on a page of its own."""
    make_account(database_url, name, Role.ADMIN)
    page = new_page()
    sign_in(page, name)
    return page


def open_rules_editor(new_page: NewPage, database_url: str) -> Page:
    page = signed_in_admin(new_page, database_url)
    page.goto("/admin/rules/edit")
    return page


def dry_run_and_save(page: Page, dry_run_button: str, comment: str) -> None:
    """Dry-run the rules as the editor holds them, then save them as a new version."""
    page.get_by_role("button", name=dry_run_button).click()
    expect(page.get_by_role("heading", name="Dry run over the last")).to_be_visible()
    page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("heading", name="saved")).to_be_visible()


def rules_in_json_view(page: Page) -> list[dict[str, Any]]:
    """The rule set, in order, as the editor's JSON view holds it."""
    document = json.loads(page.get_by_label("Rule set (JSON)").input_value())
    rules: list[dict[str, Any]] = document["rules"]
    return rules


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(url=f"/static/{AXE}")
    found = page.evaluate("async () => (await axe.run()).violations")
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in found
        if violation["impact"] in SERIOUS
    ]
