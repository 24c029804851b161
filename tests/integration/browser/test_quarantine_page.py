"""The quarantine in a real browser: an admin finds it from the department figures, re-ingests a
fixed dataset and deletes another; axe-core finds nothing serious. That a radiologist is refused
the page is checked with every admin page in test_admin_pages.py."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.storage.quarantine import quarantine
from app.storage.store import storage_of
from app.studies.models import Instance
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def _quarantined(settings: Settings, tmp_path: Path) -> tuple[str, str, str]:
    """Two datasets in quarantine: one fixed since (whole again), one to throw away; and the
    fixed one's SOP Instance UID."""
    fixed, unwanted = list(study_datasets(KNEE_MR))[:2]
    paths = write_datasets(iter([fixed, unwanted]), tmp_path / "kept")
    area = storage_of(settings).quarantine
    area.prepare()
    reason = "missing or invalid StudyInstanceUID"
    return (
        quarantine(area, paths[0], reason),
        quarantine(area, paths[1], reason),
        fixed.SOPInstanceUID,
    )


def test_an_admin_re_ingests_a_fixed_dataset_and_deletes_another(
    new_page: NewPage, settings: Settings, session: Session, database_url: str, tmp_path: Path
) -> None:
    fixed, unwanted, sop_instance_uid = _quarantined(settings, tmp_path)
    make_account(database_url, "ms-admin", Role.ADMIN)
    page = new_page()
    sign_in(page, "ms-admin")
    page.get_by_role("link", name="Figures").click()
    page.get_by_role("link", name="quarantine").click()
    table = page.get_by_role("table", name="Quarantined datasets")
    expect(table).to_contain_text(fixed)
    expect(table).to_contain_text("missing or invalid StudyInstanceUID")
    screenshot(page, "admin-quarantine")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name=f"Re-ingest {fixed}").click()
    expect(page.get_by_role("status")).to_have_text(f"{fixed} re-ingested and stored.")
    page.get_by_role("button", name=f"Delete {unwanted}").click()
    expect(page.get_by_role("status")).to_have_text(f"{unwanted} deleted.")

    expect(page.get_by_role("table", name="Quarantined datasets")).to_contain_text(
        "Nothing is quarantined."
    )
    assert session.scalars(select(Instance.sop_instance_uid)).all() == [sop_instance_uid]
