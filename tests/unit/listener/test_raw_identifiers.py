import random
from io import BytesIO

import pytest
from pydicom import Dataset
from pydicom.dataelem import DataElement
from pydicom.encaps import encapsulate
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
)

from dicom_listener.metadata import UnusableDataset, identify, read_header
from dicom_listener.raw_identifiers import identify_raw
from dicom_listener.samples import CERVICAL_SPINE_MR, HEAD_CT, KNEE_MR, StudySpec, study_datasets


def _part10(dataset: Dataset, transfer_syntax: str = ExplicitVRLittleEndian) -> bytes:
    dataset.file_meta.TransferSyntaxUID = UID(transfer_syntax)
    buffer = BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _instance(**tags: object) -> Dataset:
    dataset = next(study_datasets(KNEE_MR, matrix=16))
    for keyword, value in tags.items():
        setattr(dataset, keyword, value)
    return dataset


def _as_pydicom_reads_it(part10: bytes) -> object:
    return identify(read_header(part10))


def _with_undefined_length_sequence(dataset: Dataset) -> Dataset:
    """A Referenced Image Sequence (0008,1140) of undefined length, with a nested one inside."""
    nested = Dataset()
    nested.ReferencedSOPInstanceUID = "1.2.3.4"
    item = Dataset()
    item.ReferencedSOPClassUID = dataset.SOPClassUID
    item.ReferencedSOPInstanceUID = "1.2.3"
    item.SourceImageSequence = [nested]
    dataset.ReferencedImageSequence = [item, Dataset()]
    for sequence in (dataset["ReferencedImageSequence"], item["SourceImageSequence"]):
        sequence.is_undefined_length = True
        for each in sequence.value:
            each.is_undefined_length_sequence_item = True
    return dataset


@pytest.mark.parametrize("transfer_syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
@pytest.mark.parametrize("spec", [CERVICAL_SPINE_MR, KNEE_MR, HEAD_CT], ids=lambda s: s.modality)
def test_sample_instances_are_identified_as_pydicom_identifies_them(
    spec: StudySpec, transfer_syntax: str
) -> None:
    for dataset in list(study_datasets(spec, matrix=16))[::7]:
        part10 = _part10(dataset, transfer_syntax)
        identified = identify_raw(part10)
        assert identified is not None
        assert identified == _as_pydicom_reads_it(part10)
        assert identified.instance.transfer_syntax_uid == transfer_syntax


@pytest.mark.parametrize("transfer_syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
def test_sequences_of_undefined_length_are_walked_past(transfer_syntax: str) -> None:
    part10 = _part10(_with_undefined_length_sequence(_instance()), transfer_syntax)
    assert b"\xfe\xff\xdd\xe0" in part10  # the sequence delimiter: undefined length indeed

    identified = identify_raw(part10)

    assert identified is not None
    assert identified == _as_pydicom_reads_it(part10)


def test_an_unknown_element_of_undefined_length_is_walked_as_implicit_items() -> None:
    dataset = _with_undefined_length_sequence(_instance())
    sequence = dataset["ReferencedImageSequence"]
    alone = Dataset()
    alone.add(sequence)
    encoded = DicomBytesIO()
    encoded.is_little_endian, encoded.is_implicit_VR = True, True
    write_dataset(encoded, alone)
    # What a private sequence looks like to an SCU that does not know it (PS3.5 §6.2.2).
    unknown = DataElement(0x00091010, "UN", encoded.getvalue()[8:-8], is_undefined_length=True)
    del dataset[sequence.tag]
    dataset.add_new(0x00090010, "LO", "ACME")
    dataset.add(unknown)
    part10 = _part10(dataset)
    assert b"\x09\x00\x10\x10UN\x00\x00\xff\xff\xff\xff" in part10

    identified = identify_raw(part10)

    assert identified is not None
    assert identified == _as_pydicom_reads_it(part10)


def test_encapsulated_pixel_data_ends_the_walk() -> None:
    dataset = _instance()
    dataset.PixelData = encapsulate([b"not a real codestream"])
    dataset["PixelData"].is_undefined_length = True
    dataset["PixelData"].VR = "OB"
    part10 = _part10(dataset, JPEGBaseline8Bit)

    identified = identify_raw(part10)

    assert identified is not None
    assert identified.instance.transfer_syntax_uid == JPEGBaseline8Bit


@pytest.mark.parametrize(
    "transfer_syntax", [DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian], ids=["deflated", "BE"]
)
def test_data_sets_not_sent_as_little_endian_bytes_are_left_to_pydicom(
    transfer_syntax: str,
) -> None:
    part10 = _part10(_instance(), transfer_syntax)
    assert identify_raw(part10) is None
    assert _as_pydicom_reads_it(part10) is not None


@pytest.mark.filterwarnings("ignore:The value length:UserWarning")
@pytest.mark.filterwarnings("ignore:Invalid value for VR UI:UserWarning")
@pytest.mark.parametrize(
    "tags",
    [
        {"SOPInstanceUID": "1.2.abc"},
        {"StudyInstanceUID": "1." + "2" * 70},
        {"SeriesInstanceUID": ""},
        {"InstanceNumber": "5\\6"},
    ],
    ids=["bad-uid", "long-uid", "empty-uid", "two-numbers"],
)
def test_values_it_would_have_to_interpret_are_left_to_pydicom(tags: dict[str, object]) -> None:
    part10 = _part10(_instance(**tags))
    assert identify_raw(part10) is None


def test_an_orientation_that_is_not_numbers_is_left_to_pydicom() -> None:
    part10 = _part10(_instance(ImageOrientationPatient=[1, 0, 0, 0, 1, 0]))
    value = part10.index(b"\x20\x00\x37\x00DS") + 8
    assert identify_raw(part10[:value] + b"x" + part10[value + 1 :]) is None


def test_missing_identifiers_are_left_to_pydicom_to_report() -> None:
    dataset = _instance()
    del dataset.StudyInstanceUID
    part10 = _part10(dataset)

    assert identify_raw(part10) is None
    with pytest.raises(UnusableDataset, match="StudyInstanceUID"):
        _as_pydicom_reads_it(part10)


def test_an_instance_without_number_or_orientation_is_identified() -> None:
    dataset = _instance()
    del dataset.InstanceNumber, dataset.ImageOrientationPatient
    part10 = _part10(dataset)

    identified = identify_raw(part10)

    assert identified is not None
    assert (identified.instance.instance_number, identified.orientation) == (None, None)
    assert identified == _as_pydicom_reads_it(part10)


def test_a_header_cut_short_is_left_to_pydicom_unless_cut_between_elements() -> None:
    part10 = _part10(_instance())
    in_the_series_uid = part10.index(b"\x20\x00\x0e\x00") + 12
    assert identify_raw(part10[:in_the_series_uid]) is None
    for cut in range(140, part10.index(b"\xe0\x7f\x10\x00")):
        identified = identify_raw(part10[:cut])
        assert identified is None or identified == _as_pydicom_reads_it(part10[:cut])


def test_elements_out_of_order_are_left_to_pydicom() -> None:
    part10 = _part10(_instance())
    instance_number = part10.index(b"\x20\x00\x13\x00")
    swapped = part10[:instance_number] + b"\x20\x00\x01\x00" + part10[instance_number + 4 :]
    assert identify_raw(swapped) is None


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydicom's, about the corrupted values
def test_corrupted_bytes_never_raise_and_never_disagree_with_pydicom() -> None:
    original = _part10(_with_undefined_length_sequence(_instance()))
    randomness = random.Random(4)
    for _ in range(400):
        corrupted = bytearray(original)
        for _ in range(randomness.randint(1, 4)):
            corrupted[randomness.randrange(132, len(original))] = randomness.randrange(256)
        identified = identify_raw(bytes(corrupted))
        if identified is None:
            continue
        try:
            by_pydicom = _as_pydicom_reads_it(bytes(corrupted))
        except UnusableDataset:
            continue  # a broken element past those read: filed as it came
        assert identified == by_pydicom
