"""An admin builds a rule in the browser, sees its dry run name the study it moves, saves it with
a comment, and the next study pushed over DICOM lands in the rule's pool."""

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets, settle
from tests.integration.web.test_rules_editor_page import spine_questions_to_neuro
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.web import make_account

pytestmark = pytest.mark.browser
FACET_QUESTION = {"ReasonForStudy": "Neck pain, suspected facet arthropathy",
                  "RequestAttributesSequence": []}  # fmt: skip


def _push_neck_study(send: SendDatasets, listener: Settings, database_url: str) -> str:
    datasets = list(study_datasets(CERVICAL_SPINE_MR, matrix=32, **FACET_QUESTION))
    assert set(send(datasets)) == {"0x0000"}
    settle(listener, database_url)
    for job in all_jobs(listener):
        run_once(job, database_url, listener)
    return str(datasets[0].StudyInstanceUID)


def _pool_of(session: Session, study_uid: str) -> str:
    session.expire_all()
    task = session.scalars(
        select(ReadingTask).join(Study).where(Study.study_instance_uid == study_uid)
    ).one()
    return task.subspecialty


def _build_the_neck_facet_rule(page: Page) -> None:
    page.goto("/admin/rules")
    page.get_by_role("link", name="Add a rule or edit the JSON").click()
    page.get_by_label("Rule id").fill("msk-neck-facets")
    page.get_by_label("Name", exact=True).fill("Neck facet questions")
    page.get_by_label("Position (1 is first)").fill("1")
    page.get_by_role("group", name="Body region: one of").get_by_label("CSPINE").check()
    categories = page.get_by_role("group", name="Question categories (any of): one of")
    categories.get_by_label("FACET_ARTHROPATHY").check()
    page.get_by_label("Send to pool").select_option("MSK")
    page.get_by_role("button", name="Put the rule in and dry-run").click()


def test_a_rule_built_in_the_form_moves_the_next_pushed_study_to_msk(
    new_page: NewPage, send: SendDatasets, listener: Settings, session: Session,
    database_url: str, client: TestClient, admin_headers: dict[str, str],
) -> None:  # fmt: skip
    spine_questions_to_neuro(client, admin_headers)
    first = _push_neck_study(send, listener, database_url)
    assert _pool_of(session, first) == "NEURO"
    make_account(database_url, "ms-admin", Role.ADMIN)
    page = new_page()
    sign_in(page, "ms-admin")
    _build_the_neck_facet_rule(page)

    moved = page.get_by_role("table", name="Studies that would move")
    expect(moved.get_by_role("row").filter(has_text=first)).to_contain_text("MSK")
    expect(page.get_by_role("status").first).to_contain_text("1 of 1 studies would move")
    screenshot(page, "admin-rule-dry-run")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Comment").fill("neck facet questions to MSK")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("heading", name="Version 3 saved")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 open task re-routed.")
    assert _pool_of(session, first) == "MSK"

    second = _push_neck_study(send, listener, database_url)
    assert _pool_of(session, second) == "MSK"
    page.goto("/admin/rules")
    expect(page.get_by_role("table", name="Rules in order")).to_contain_text(
        "Cervical spine and a facet question → MSK"
    )
    screenshot(page, "admin-rules")
    assert serious_accessibility_violations(page) == []
