"""A series' header is completed from every instance the listener receives, not the first."""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.classification.sequence import classify_series
from app.classification.series_header import SeriesHeader
from app.studies.models import Series
from dicom_listener.samples import AX, KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets


def stored_header(session: Session) -> SeriesHeader:
    return SeriesHeader.from_json(session.scalars(select(Series.header)).one())


def test_orientation_comes_from_a_later_instance_when_the_first_has_none(
    send: SendDatasets, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:3]
    del datasets[0].ImageOrientationPatient

    assert send(datasets) == Counter({"0x0000": 3})

    header = stored_header(session)
    assert header.image_orientation_patient is not None
    assert classify_series(header).plane != "unknown"


def test_a_3d_series_without_slice_thickness_gets_its_partition_step_from_positions(
    send: SendDatasets, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:4]
    for number, dataset in enumerate(datasets, start=1):
        del dataset.SliceThickness
        dataset.MRAcquisitionType = "3D"
        dataset.InstanceNumber = number
        dataset.ImageOrientationPatient = list(AX)
        dataset.ImagePositionPatient = [0.0, 0.0, 0.8 * number]

    assert send(datasets) == Counter({"0x0000": 4})

    header = stored_header(session)
    assert header.partition_step == 0.8
    assert classify_series(header).plane == "3D"


def test_an_image_type_seen_only_on_a_later_instance_reaches_the_header(
    send: SendDatasets, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:3]
    datasets[2].ImageType = ["ORIGINAL", "PRIMARY", "PHASE MAP", "P"]

    assert send(datasets) == Counter({"0x0000": 3})

    assert {"PHASE MAP", "P"} <= set(stored_header(session).image_type)
    assert classify_series(stored_header(session)).sequence == "OTHER"
