"""Rule admin in a real browser: a second admin's stale save refused with the diff, versions
compared and restored after the dry run, the rule test, and every rules page refused to a
radiologist; axe-core finds nothing serious on each page."""

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.factories import make_radiologist
from tests.support.rules import BRAIN_TO_BODY, save_first_rule
from tests.support.web import make_account

pytestmark = pytest.mark.browser
ADMIN_PAGES = ("/admin/rules", "/admin/rules/edit", "/admin/rules/test",
               "/admin/rules/versions/1/restore")  # fmt: skip


def _admin(new_page: NewPage, database_url: str, name: str) -> Page:
    make_account(database_url, name, Role.ADMIN)
    page = new_page()
    sign_in(page, name)
    return page


def _try_neck_rule(page: Page) -> None:
    page.goto("/admin/rules/edit")
    page.get_by_label("Rule id").fill("msk-neck")
    page.get_by_role("group", name="Body region: one of").get_by_label("CSPINE").check()
    page.get_by_label("Send to pool").select_option("MSK")
    page.get_by_role("button", name="Put the rule in and dry-run").click()
    page.get_by_label("Comment").fill("neck to MSK")


def test_a_second_admins_stale_save_is_refused_with_who_saved_and_the_diff(
    new_page: NewPage, database_url: str
) -> None:
    first = _admin(new_page, database_url, "ms-one")
    second = _admin(new_page, database_url, "mr-two")
    _try_neck_rule(first)
    _try_neck_rule(second)
    first.get_by_role("button", name="Save as a new version").click()
    expect(first.get_by_role("heading", name="Version 2 saved")).to_be_visible()
    second.get_by_role("button", name="Save as a new version").click()
    expect(second.get_by_role("heading", name="Someone saved first")).to_be_visible()
    expect(second.get_by_role("alert")).to_contain_text("version 2 was saved by user:")
    expect(second.get_by_role("alert")).to_contain_text("ms-one")
    expect(second.get_by_text("Added 'msk-neck': Cervical spine → MSK")).to_be_visible()
    screenshot(second, "admin-rules-stale-save")
    assert serious_accessibility_violations(second) == []


def test_versions_are_compared_then_one_restored_after_its_dry_run(
    new_page: NewPage, database_url: str, client: TestClient, admin_headers: dict[str, str]
) -> None:
    save_first_rule(client, admin_headers, BRAIN_TO_BODY, comment="brains to body")
    page = _admin(new_page, database_url, "ms-admin")
    page.goto("/admin/rules")
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("with version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Added 'brain-to-body': Brain → BODY")).to_be_visible()
    page.get_by_text("As JSON").click()
    expect(page.locator("pre")).to_contain_text('"added": [')
    screenshot(page, "admin-rules-diff")
    page.get_by_role("link", name="Restore version 1…").click()
    expect(page.get_by_role("heading", name="Restore version 1")).to_be_visible()
    expect(page.get_by_text("Removed 'brain-to-body'")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_role("heading", name="Version 3 saved")).to_be_visible()
    page.goto("/admin/rules")
    expect(page.get_by_role("table", name="Versions, newest first")).to_contain_text(
        "restore of version 1"
    )


def test_the_rule_test_names_the_rule_for_typed_facts(new_page: NewPage, database_url: str) -> None:
    page = _admin(new_page, database_url, "ms-admin")
    page.goto("/admin/rules/test")
    page.get_by_label("Body part").fill("KNEE")
    page.get_by_label("Study description").fill("MRI KNEE")
    page.get_by_label("Clinical question").fill("meniscal tear")
    page.get_by_role("button", name="Test these facts").click()
    expect(page.get_by_role("heading", name="Rule msk-extremities matches")).to_be_visible()
    screenshot(page, "admin-rules-test")
    assert serious_accessibility_violations(page) == []


def test_a_radiologist_is_refused_every_rules_page(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session)
    session.commit()
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, reader.id)
    page = new_page()
    sign_in(page, "dr-lee")
    for path in ADMIN_PAGES:
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
