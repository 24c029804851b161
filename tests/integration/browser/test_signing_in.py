"""Signing in and out in a real browser; a form without its token and an admin page refused."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.factories import make_radiologist
from tests.support.web import PASSWORD, make_account

pytestmark = pytest.mark.browser


def _reader(session: Session, database_url: str, name: str = "dr-lee") -> None:
    radiologist = make_radiologist(session)
    session.commit()
    make_account(database_url, name, Role.RADIOLOGIST, radiologist.id)


def test_sign_in_then_sign_out(new_page: NewPage, session: Session, database_url: str) -> None:
    _reader(session, database_url)
    page = new_page()
    page.goto("/?tab=pools")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    screenshot(page, "sign-in")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Name").fill("dr-lee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/\?tab=pools$"))
    expect(page.get_by_role("link", name="My pools")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_a_wrong_password_is_said_next_to_the_form(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url)
    page = new_page()
    page.goto("/sign-in")
    page.get_by_label("Name").fill("dr-lee")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("the name or the password is wrong")


def test_a_form_without_its_csrf_token_is_refused(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url)
    page = new_page()
    sign_in(page, "dr-lee")
    page.locator('form.sign-out input[name="csrf_token"]').evaluate("input => input.remove()")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert page.request.post("/sign-out").status == 403
    page.goto("/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_radiologist_is_refused_the_admin_page(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url)
    page = new_page()
    sign_in(page, "dr-lee")
    answer = page.goto("/admin/users")
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    screenshot(page, "refused")
    assert serious_accessibility_violations(page) == []


def test_an_admin_creates_an_account_whose_link_sets_the_password(
    new_page: NewPage, database_url: str
) -> None:
    make_account(database_url, "ops", Role.ADMIN)
    admin = new_page()
    sign_in(admin, "ops")
    admin.get_by_role("link", name="Accounts").click()
    admin.get_by_label("Name").fill("lead")
    admin.get_by_label("Role").select_option("admin")
    admin.get_by_role("button", name="Create and show the link").click()
    link = admin.locator("#created code").inner_text()
    screenshot(admin, "people")
    assert serious_accessibility_violations(admin) == []
    newcomer = new_page()
    newcomer.goto(link[link.index("/set-password/") :])
    assert serious_accessibility_violations(newcomer) == []
    newcomer.get_by_label("New password").fill("password1234")
    newcomer.get_by_role("button", name="Set password").click()
    expect(newcomer.locator("#password-error")).to_contain_text("common passwords")
    screenshot(newcomer, "set-password")
    newcomer.get_by_label("New password").fill(PASSWORD)
    newcomer.get_by_role("button", name="Set password").click()
    sign_in(newcomer, "lead")


def test_the_api_reference_loads_nothing_from_elsewhere(new_page: NewPage, live_url: str) -> None:
    page = new_page()
    loaded: list[str] = []
    # ReDoc's "powered by" badge points at its CDN: an image our content policy blocks anyway.
    page.on(
        "request",
        lambda request: None if request.resource_type == "image" else loaded.append(request.url),
    )
    page.goto("/docs")
    expect(page.get_by_text("Reading Worklist").first).to_be_visible()
    page.goto("/redoc")
    expect(page.get_by_text("Reading Worklist").first).to_be_visible()
    screenshot(page, "redoc", full_page=False)
    assert [url for url in loaded if url.startswith("http") and not url.startswith(live_url)] == []
