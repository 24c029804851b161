"""A study pushed over DICOM shows on a reader's open worklist page without a reload."""

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.vocabulary import Role
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets
from tests.support.browser import NewPage, screenshot, sign_in
from tests.support.factories import make_radiologist
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def test_a_pushed_study_shows_as_new_on_an_open_worklist(
    new_page: NewPage, send: SendDatasets, listener: Settings, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session, subspecialties=("NEURO",), name="dr-lee")
    session.commit()
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, reader.id)
    page = new_page()
    sign_in(page, "dr-lee")
    page.goto("/?tab=mine")
    expect(page.get_by_text("No cases here.")).to_be_visible()
    expect(page.locator("#stream-state")).to_have_text("Live updates on")
    assert set(send(list(study_datasets(CERVICAL_SPINE_MR)))) == {"0x0000"}
    time.sleep(listener.stable_after + 0.1)
    for job in all_jobs(listener):
        run_once(job, database_url, listener)
    expect(page.locator("#new-cases")).to_be_visible()
    expect(page.locator("#new-cases")).to_contain_text("1 new")
    expect(page.get_by_text("No cases here.")).to_be_visible()  # rows do not move under the pointer
    screenshot(page, "worklist-new-case")
    page.get_by_role("link", name="show them").click()
    expect(page.get_by_role("row")).to_have_count(2)
