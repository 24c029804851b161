"""Every common transfer syntax is accepted and stored as received: no transcoding."""

from collections import Counter

import pydicom
import pytest
from pydicom import Dataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLosslessSV1,
    RLELossless,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets

NATIVE = [ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian]
ENCAPSULATED = [JPEGBaseline8Bit, JPEGLosslessSV1, JPEG2000Lossless, RLELossless]


def _in_transfer_syntax(dataset: Dataset, transfer_syntax: UID) -> Dataset:
    dataset.file_meta.TransferSyntaxUID = transfer_syntax
    if transfer_syntax.is_encapsulated:
        # Not a real codestream: the listener must keep the bytes, never decode them.
        dataset.PixelData = encapsulate([b"\xff\xd8 frame bytes as sent \xff\xd9"])
    return dataset


@pytest.mark.parametrize("transfer_syntax", NATIVE + ENCAPSULATED, ids=lambda uid: uid.name)
def test_stored_in_the_transfer_syntax_it_came_in(
    transfer_syntax: UID, send: SendDatasets, listener: Settings, session: Session
) -> None:
    sent = _in_transfer_syntax(next(study_datasets(KNEE_MR)), transfer_syntax)

    assert send([sent]) == Counter({"0x0000": 1})

    path = session.scalars(select(Instance.storage_path)).one()
    stored = pydicom.dcmread(listener.storage_dir / path)
    assert stored.file_meta.TransferSyntaxUID == transfer_syntax
    assert stored.SOPInstanceUID == sent.SOPInstanceUID
    assert stored.PixelData == sent.PixelData
    assert session.scalars(select(Instance.transfer_syntax_uid)).one() == transfer_syntax
