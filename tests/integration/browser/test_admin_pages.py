"""Every admin page: refused to a radiologist, and free of serious accessibility findings for an
admin; a token issued in the browser is shown once."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.api.access import ACCESS, ADMIN
from app.vocabulary import Role
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.factories import make_radiologist, make_task
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def _admin_pages(radiologist_id: int, task_id: int) -> list[str]:
    paths = sorted(
        path
        for (method, path), roles in ACCESS.items()
        if method == "GET" and path.startswith("/admin/") and roles == ADMIN
    )
    return [
        path.replace("{radiologist_id}", str(radiologist_id))
        .replace("{task_id}", str(task_id))
        .replace("{version}", "1")
        for path in paths
    ]


def test_a_radiologist_is_refused_every_admin_page_and_an_admin_finds_them_accessible(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session, name="Dr Lee")
    task = make_task(session)
    session.commit()
    pages = _admin_pages(reader.id, task.id)
    assert len(pages) >= 9
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, reader.id)
    make_account(database_url, "ms-admin", Role.ADMIN)
    refused, admin = new_page(), new_page()
    sign_in(refused, "dr-lee")
    sign_in(admin, "ms-admin")
    for path in pages:
        answer = refused.goto(path)
        assert answer is not None
        assert answer.status == 403, path
        answer = admin.goto(path)
        assert answer is not None
        assert answer.status == 200, path
        assert serious_accessibility_violations(admin) == [], path


def test_a_token_issued_in_the_browser_is_shown_once(new_page: NewPage, database_url: str) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    page = new_page()
    sign_in(page, "ms-admin")
    page.get_by_role("link", name="Tokens").click()
    page.get_by_label("Name").fill("ris-feed")
    page.get_by_role("button", name="Issue and show the token").click()
    secret = page.locator("#issued code").inner_text()
    assert re.match(r"^wl_", secret)
    screenshot(page, "admin-tokens")
    page.get_by_role("link", name="Tokens").click()
    expect(page.get_by_role("table", name="Tokens")).to_contain_text("ris-feed")
    assert secret not in page.content()
    page.get_by_role("link", name="Audit").click()
    page.get_by_label("Object type").fill("api_token")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table", name="Audit events, newest first")).to_contain_text(
        "token issued"
    )
    screenshot(page, "admin-audit")
