"""The intake page in a real browser: a radiologist drops outside studies (a zip of a CD, loose
files), watches the upload progress, and reads what was stored (each study by its patient, date,
modality and description) and what was refused, why."""

import base64
import io
import zipfile

import pytest
from playwright.sync_api import Page, expect
from pydicom import Dataset
from sqlalchemy.orm import Session

from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.dicomweb import part10
from tests.support.factories import make_radiologist
from tests.support.outside_studies import clinic_knee_mr
from tests.support.web import make_account

pytestmark = pytest.mark.browser

# The values the progress bar took, recorded as the page sets them.
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  const bar = document.getElementById("upload-progress");
  new MutationObserver(() => window.progressSeen.push(Number(bar.value)))
    .observe(bar, {attributes: true, attributeFilter: ["value"]});
}"""

DROP_FILES = """(zone, files) => {
  const transfer = new DataTransfer();
  for (const [name, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, {type: "application/dicom"}));
  }
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
}"""


def _cd_zip() -> tuple[bytes, list[Dataset]]:
    """Three instances of one series from a clinic, beside a README and a cut-short file."""
    datasets = list(clinic_knee_mr())[:3]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, dataset in enumerate(datasets, start=1):
            archive.writestr(f"DICOM/ST1/IM{number:04d}", part10(dataset))
        archive.writestr("README.TXT", b"Viewer for Windows inside")
        archive.writestr("DICOM/ST1/IM9999", part10(datasets[0])[:400])
    return buffer.getvalue(), datasets


def _signed_in_radiologist(new_page: NewPage, session: Session, database_url: str) -> Page:
    reader = make_radiologist(session, ("MSK",))
    session.commit()
    make_account(database_url, "dr-intake", Role.RADIOLOGIST, radiologist_id=reader.id)
    page = new_page()
    sign_in(page, "dr-intake")
    page.get_by_role("link", name="Outside studies").click()
    expect(page.get_by_role("heading", name="Outside studies", level=1)).to_be_visible()
    page.wait_for_load_state()  # the heading shows before the page's script listens for files
    return page


# pydicom's, about the cut-short file the zip holds on purpose
@pytest.mark.filterwarnings("ignore:End of file reached before delimiter:UserWarning")
def test_a_radiologist_uploads_a_cd_zip_and_reads_what_was_stored_and_refused(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    page = _signed_in_radiologist(new_page, session, database_url)
    archive, datasets = _cd_zip()
    instances = len(datasets)
    page.evaluate(WATCH_PROGRESS)

    page.get_by_label("Choose files or zips").set_input_files(
        {"name": "patient-cd.zip", "mimeType": "application/zip", "buffer": archive}
    )

    expect(page.get_by_role("status")).to_have_text("Done.")
    expect(page.get_by_text(f"{instances} instances stored.")).to_be_visible()
    rows = page.get_by_role("table", name="Stored series").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the one series
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        [
            "ROSSI, ANNA",
            "CLIN-4471 (LAKESIDE CLINIC)",
            "2026-11-20",
            "MR",
            "MRI KNEE RIGHT WO CONTRAST",
            datasets[0].StudyInstanceUID,
            datasets[0].SeriesInstanceUID,
            str(instances),
        ]
    )
    expect(page.get_by_role("list", name="Skipped files")).to_contain_text(
        "patient-cd.zip/README.TXT: not a DICOM file"
    )
    expect(page.get_by_role("list", name="Refused files")).to_contain_text(
        "patient-cd.zip/DICOM/ST1/IM9999"
    )
    seen = page.evaluate("window.progressSeen")
    assert seen[-1] == 100
    assert any(value > 0 for value in seen)
    screenshot(page, "intake-uploaded")
    assert serious_accessibility_violations(page) == []


def test_files_dropped_on_the_page_are_stored(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    page = _signed_in_radiologist(new_page, session, database_url)
    datasets = list(study_datasets(KNEE_MR))[:2]
    files = [
        (f"IM{number}", base64.b64encode(part10(dataset)).decode())
        for number, dataset in enumerate(datasets)
    ]

    zone = page.get_by_role("region", name="Drop files, folders or zips here")
    zone.evaluate(DROP_FILES, files)

    expect(page.get_by_text("2 instances stored.")).to_be_visible()
    expect(page.get_by_role("list", name="Refused files")).to_have_text("none")


def test_an_upload_refused_because_the_session_ended_says_so(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    page = _signed_in_radiologist(new_page, session, database_url)
    page.context.clear_cookies()  # signed out meanwhile, in another tab

    page.get_by_label("Choose files or zips").set_input_files(
        {"name": "IM1", "mimeType": "application/dicom", "buffer": b"x" * 200}
    )

    expect(page.get_by_role("alert")).to_contain_text("The upload was refused (401)")
    expect(page.get_by_role("status")).to_have_text("Nothing stored.")
