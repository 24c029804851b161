"""A vendor's private storage SOP class is stored like any other, and left out of classification."""

import itertools
import subprocess
from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import UID
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Series
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.integration.listener.conftest import settle

PHILIPS_PRIVATE_MR = UID("1.3.46.670589.11.0.0.12.2")
# DCMTK's storescu proposes a SOP class it does not know only from a configuration profile.
STORESCU_PROFILE = """\
[[TransferSyntaxes]]
[Explicit]
TransferSyntax1 = LittleEndianExplicit

[[PresentationContexts]]
[PrivateClasses]
PresentationContext1 = {sop_class}\\Explicit
PresentationContext2 = 1.2.840.10008.5.1.4.1.1.4\\Explicit

[[Profiles]]
[Private]
PresentationContexts = PrivateClasses
"""


@pytest.mark.dcmtk
def test_storescu_sending_a_private_sop_class_has_it_stored_and_not_classified(
    dcmtk: Callable[[str], str],
    listener: Settings,
    database_url: str,
    tmp_path: Path,
    session: Session,
) -> None:
    private = next(study_datasets(KNEE_MR))
    private.SOPClassUID = private.file_meta.MediaStorageSOPClassUID = PHILIPS_PRIVATE_MR
    (sent,) = write_datasets(iter([private]), tmp_path / "private")

    result = _send_with_private_class(dcmtk, listener, tmp_path, [sent])

    assert result.returncode == 0, result.stderr
    assert "Received Store Response (Success)" in result.stdout + result.stderr
    stored = session.scalars(select(Instance)).one()
    assert stored.sop_class_uid == PHILIPS_PRIVATE_MR
    kept = pydicom.dcmread(listener.storage_dir / stored.storage_path)
    assert (kept.SOPClassUID, kept.SOPInstanceUID) == (PHILIPS_PRIVATE_MR, private.SOPInstanceUID)
    assert settle(listener, database_url) == 1
    session.expire_all()
    series = session.scalars(select(Series)).one()
    assert (series.sequence, series.plane) == ("OTHER", "unknown")
    assert series.classification_reasons == [
        f"SOP class {PHILIPS_PRIVATE_MR} holds no images: left out of classification"
    ]


@pytest.mark.dcmtk
def test_a_series_sent_from_its_private_object_first_is_classified_from_its_images(
    dcmtk: Callable[[str], str],
    listener: Settings,
    database_url: str,
    tmp_path: Path,
    session: Session,
) -> None:
    private, *images = itertools.islice(study_datasets(KNEE_MR), 3)
    private.SOPClassUID = private.file_meta.MediaStorageSOPClassUID = PHILIPS_PRIVATE_MR
    del private.ImageOrientationPatient, private.ImageType
    sent = write_datasets(iter([private, *images]), tmp_path / "series")

    result = _send_with_private_class(dcmtk, listener, tmp_path, sent)

    assert result.returncode == 0, result.stderr
    assert settle(listener, database_url) == 1
    session.expire_all()
    series = session.scalars(select(Series)).one()
    assert series.header["sop_class_uid"] == images[0].SOPClassUID
    assert series.header["image_orientation_patient"] == list(images[0].ImageOrientationPatient)
    assert not any("holds no images" in reason for reason in series.classification_reasons)


def _send_with_private_class(
    dcmtk: Callable[[str], str], listener: Settings, tmp_path: Path, files: list[Path]
) -> subprocess.CompletedProcess[str]:
    """storescu sends `files` in their order on one association."""
    profile = tmp_path / "storescu.cfg"
    profile.write_text(STORESCU_PROFILE.format(sop_class=PHILIPS_PRIVATE_MR))
    return subprocess.run(
        [dcmtk("storescu"), "-v", "-xf", str(profile), "Private", "-aet", "MODALITY"]
        + ["-aec", listener.ae_title, "127.0.0.1", str(listener.dicom_port)]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=60,
    )
