from datetime import date, time
from pathlib import Path

import pytest
from pydicom import Dataset

from dicom_listener.metadata import (
    UnusableDataset,
    identify,
    question_sources,
    read_header,
    received_instance,
)
from dicom_listener.samples import HEAD_CT, KNEE_MR, study_datasets, write_datasets
from tests.support.broken_dicom import write_file_with_a_broken_sequence


def _instance(**tags: object) -> Dataset:
    dataset = next(study_datasets(KNEE_MR))
    for keyword, value in tags.items():
        setattr(dataset, keyword, value)
    return dataset


def _coded(value: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "I10", meaning
    return item


def test_every_question_tag_is_kept_by_keyword_and_combined_once() -> None:
    request = Dataset()
    request.ReasonForTheRequestedProcedure = "knee pain"
    request.ReasonForRequestedProcedureCodeSequence = [_coded("M25.561", "Pain in right knee")]
    dataset = _instance(
        ReasonForStudy="knee pain",
        RequestedProcedureComments="r/o meniscal tear",
        AdditionalPatientHistory="football injury",
        RequestAttributesSequence=[request],
    )

    sources = question_sources(dataset)
    study = received_instance(dataset).study

    assert sources["RequestAttributesSequence[0].ReasonForRequestedProcedureCodeSequence"] == (
        "I10:M25.561 Pain in right knee"
    )
    assert sources["RequestedProcedureComments"] == "r/o meniscal tear"
    assert study.clinical_question == (
        "knee pain; r/o meniscal tear; football injury; I10:M25.561 Pain in right knee"
    )


def test_study_facts_are_typed() -> None:
    dataset = _instance(StudyDate="20261124", StudyTime="0931", PatientBirthDate="19800229")
    study = received_instance(dataset).study
    assert (study.study_date, study.study_time) == (date(2026, 11, 24), time(9, 31))
    assert study.patient_birth_date == date(1980, 2, 29)


@pytest.mark.filterwarnings("ignore:Invalid value for VR")
def test_malformed_dates_and_times_are_dropped_not_fatal() -> None:
    study = received_instance(_instance(StudyDate="2026-13", StudyTime="99")).study
    assert (study.study_date, study.study_time) == (None, None)


def test_requested_priority_maps_onto_ours() -> None:
    assert received_instance(next(study_datasets(HEAD_CT))).study.requested_priority == "STAT"
    high = _instance(RequestedProcedurePriority="HIGH")
    assert received_instance(high).study.requested_priority == "URGENT"


@pytest.mark.parametrize("keyword", ["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"])
def test_missing_uid_makes_the_dataset_unusable(keyword: str) -> None:
    dataset = _instance()
    delattr(dataset, keyword)
    with pytest.raises(UnusableDataset, match=keyword):
        identify(dataset)


@pytest.mark.filterwarnings("ignore:Invalid value for VR UI")
def test_a_uid_that_could_escape_the_storage_folder_is_refused() -> None:
    with pytest.raises(UnusableDataset, match="SeriesInstanceUID"):
        identify(_instance(SeriesInstanceUID="../../etc"))


def test_series_header_is_the_classifiers_record() -> None:
    series = received_instance(_instance()).series
    assert series.header["series_description"] == "SAG PD FS"
    assert series.header["scan_options"] == ["FS"]


@pytest.mark.parametrize(
    ("charset", "name"),
    [("ISO_IR 100", "Müller^Jürgen"), ("ISO_IR 192", "Yamada^Tarou=山田^太郎")],
)
def test_names_are_decoded_with_the_specific_character_set(
    tmp_path: Path, charset: str, name: str
) -> None:
    (path,) = write_datasets(
        iter([_instance(SpecificCharacterSet=charset, PatientName=name)]), tmp_path
    )
    assert received_instance(read_header(path)).study.patient_name == name


def test_a_file_that_is_not_dicom_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "noise.dcm"
    path.write_bytes(b"\x00" * 200)
    with pytest.raises(UnusableDataset, match="cannot"):
        identify(read_header(path))


def test_a_broken_sequence_is_unusable_not_a_disk_error(tmp_path: Path) -> None:
    broken = write_file_with_a_broken_sequence(tmp_path / "broken.dcm")
    with pytest.raises(UnusableDataset, match="cannot parse dataset"):
        read_header(broken)
