from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydicom import Dataset
from pydicom.uid import ExplicitVRLittleEndian
from pynetdicom import AE, _config
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.classification.series_header import SeriesHeader
from app.settings import Settings
from app.studies.models import Instance, Series, Study
from app.studies.records import ReceivedInstance
from dicom_listener import handlers
from dicom_listener.metadata import received_instance
from dicom_listener.samples import AX, CERVICAL_SPINE_MR, COR, KNEE_MR, SAG, study_datasets
from tests.integration.listener.conftest import SendDatasets, audit_rows, settle
from tests.support.broken_dicom import MR_IMAGE_STORAGE, write_file_with_a_broken_sequence


def test_multi_series_mr_is_stored_with_its_metadata(
    send: SendDatasets, listener: Settings, database_url: str, session: Session
) -> None:
    datasets = list(study_datasets(CERVICAL_SPINE_MR))

    assert send(datasets) == Counter({"0x0000": len(datasets)})
    settle(listener, database_url)

    study = session.scalars(select(Study)).one()
    assert study.instance_count == len(datasets)
    assert study.modalities == ["MR"]
    assert study.source_ae_title == "MODALITY"
    assert study.requested_priority == "ROUTINE"
    assert study.question_sources["ReasonForStudy"].startswith("Neck pain")
    assert "C6 radiculopathy" in (study.clinical_question or "")
    series = session.scalars(select(Series).order_by(Series.series_number)).all()
    assert [s.series_description for s in series] == [
        "SAG T1 TSE",
        "SAG T2 TSE",
        "SAG STIR",
        "AX T2 TSE",
        "AX T2 GRE MEDIC",
    ]
    assert sum(s.instance_count for s in series) == len(datasets)
    assert SeriesHeader.from_json(series[2].header).inversion_time == 150
    for instance in session.scalars(select(Instance)):
        assert (listener.storage_dir / instance.storage_path).is_file()


def test_re_sent_instance_succeeds_once_and_keeps_the_original(
    send: SendDatasets, listener: Settings, session: Session
) -> None:
    original = next(study_datasets(KNEE_MR))
    send([original])
    stored = listener.storage_dir / session.scalars(select(Instance.storage_path)).one()
    before = stored.read_bytes()
    original.SeriesDescription = "CHANGED ON RE-SEND"

    assert send([original]) == Counter({"0x0000": 1})

    assert session.scalar(select(func.count()).select_from(Instance)) == 1
    assert session.scalars(select(Study.instance_count)).one() == 1
    assert stored.read_bytes() == before


def test_a_known_instance_under_another_series_keeps_only_the_original_file(
    send: SendDatasets, listener: Settings, session: Session
) -> None:
    first, second = list(study_datasets(KNEE_MR))[:2]
    send([first, second])
    moved = first.copy()
    moved.SeriesInstanceUID = second.SeriesInstanceUID = "1.2.826.0.1.3680043.9.7.1"

    assert send([second, moved]) == Counter({"0x0000": 2})

    recorded = session.scalars(
        select(Instance.storage_path).where(Instance.sop_instance_uid == first.SOPInstanceUID)
    ).one()
    files = sorted(listener.storage_dir.glob(f"*/*/{first.SOPInstanceUID}.dcm"))
    assert files == [listener.storage_dir / recorded]


def test_dataset_without_uids_is_refused_and_quarantined(
    send: SendDatasets, listener: Settings, session: Session
) -> None:
    dataset = next(study_datasets(KNEE_MR))
    del dataset.StudyInstanceUID

    statuses = send([dataset])

    assert statuses == Counter({"0xC001": 1})
    assert session.scalar(select(func.count()).select_from(Instance)) == 0
    reasons = list(listener.quarantine_dir.glob("*.reason.txt"))
    assert [reason.read_text().strip() for reason in reasons] == [
        "missing or invalid StudyInstanceUID"
    ]
    assert reasons[0].with_name(reasons[0].name.replace(".reason.txt", ".dcm")).is_file()


@pytest.mark.filterwarnings("ignore:Invalid value for VR UI")
def test_next_association_after_a_refusal_works(send: SendDatasets, session: Session) -> None:
    broken, good = list(study_datasets(KNEE_MR))[:2]
    broken.SOPInstanceUID = "not-a-uid"
    send([broken])

    assert send([good]) == Counter({"0x0000": 1})


def test_each_association_leaves_one_audit_row_with_its_counts(
    send: SendDatasets, database_url: str
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:5]
    send(datasets)

    # This association's row is the one that counts its five instances.
    (event,) = audit_rows(
        database_url, "DICOMInstancesTransferred", where=lambda row: row.details["stored"] == 5
    )
    assert event.actor == "ae:MODALITY"


@pytest.mark.filterwarnings("ignore:Invalid value for VR UI")
def test_refused_instances_are_counted_by_status_in_the_association_audit(
    send: SendDatasets, database_url: str
) -> None:
    broken, good = list(study_datasets(KNEE_MR))[:2]
    broken.SOPInstanceUID = "not-a-uid"
    statuses = send([broken, good])

    refused = {status: count for status, count in statuses.items() if status != "0x0000"}
    assert sum(refused.values()) == 1
    (event,) = audit_rows(
        database_url, "DICOMInstancesTransferred", where=lambda row: row.details["failed"] == 1
    )
    assert event.details["failures"] == refused


def test_character_sets_are_decoded(send: SendDatasets, session: Session) -> None:
    latin, utf8 = list(study_datasets(KNEE_MR))[0], list(study_datasets(KNEE_MR))[0]
    latin.SpecificCharacterSet = "ISO_IR 100"
    latin.PatientName = "Müller^Jürgen"
    utf8.SpecificCharacterSet = "ISO_IR 192"
    utf8.PatientName = "Yamada^Tarou=山田^太郎"

    send([latin, utf8])

    names = set(session.scalars(select(Study.patient_name)))
    assert names == {"Müller^Jürgen", "Yamada^Tarou=山田^太郎"}


def test_three_plane_localizer_counts_its_orientations(
    send: SendDatasets, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:3]
    for dataset, orientation in zip(datasets, (SAG, COR, AX), strict=True):
        dataset.ImageOrientationPatient = list(orientation)

    assert send(datasets) == Counter({"0x0000": 3})

    header = SeriesHeader.from_json(session.scalars(select(Series.header)).one())
    assert header.distinct_orientations == 3


def test_unparseable_dataset_is_refused_and_quarantined(
    tmp_path: Path, listener: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write_file_with_a_broken_sequence(tmp_path / "broken.dcm")
    monkeypatch.setattr(_config, "STORE_SEND_CHUNKED_DATASET", True)  # send the bytes unparsed
    ae = AE(ae_title="MODALITY")
    ae.add_requested_context(MR_IMAGE_STORAGE, ExplicitVRLittleEndian)
    assoc = ae.associate("127.0.0.1", listener.dicom_port, ae_title=listener.ae_title)
    try:
        answer = assoc.send_c_store(broken)
    finally:
        assoc.release()

    assert f"0x{answer.Status:04X}" == "0xC000"
    assert session.scalar(select(func.count()).select_from(Instance)) == 0
    (reason,) = listener.quarantine_dir.glob("*.reason.txt")
    assert reason.read_text().startswith("cannot parse dataset")


def test_a_new_series_over_parallel_associations_is_recorded_from_one_header(
    send: SendDatasets, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded_from: list[str] = []

    def counted(header: Dataset) -> ReceivedInstance:
        recorded_from.append(header.SOPInstanceUID)
        return received_instance(header)

    monkeypatch.setattr(handlers, "received_instance", counted)
    series = [dataset for dataset in study_datasets(KNEE_MR) if dataset.SeriesNumber == 1]
    with ThreadPoolExecutor(4) as senders:
        statuses = sum(senders.map(send, [series[index::4] for index in range(4)]), Counter())

    assert statuses == Counter({"0x0000": len(series)})
    assert len(recorded_from) == 1
    assert session.scalar(select(func.count()).select_from(Series)) == 1
    assert session.scalar(select(func.count()).select_from(Instance)) == len(series)
