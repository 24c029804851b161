from pydicom import Dataset
from pydicom.sequence import Sequence
from pydicom.tag import Tag

from app.classification.series_header import SeriesHeader, header_from_dataset
from tests.unit.classification.factories import AXIAL, make_dataset, make_header


def test_to_json_is_plain_json_and_round_trips() -> None:
    header = make_header(image_type=("DERIVED", "PRIMARY", "ADC"), repetition_time=4000.0)

    data = header.to_json()

    assert data["image_type"] == ["DERIVED", "PRIMARY", "ADC"]
    assert data["image_orientation_patient"] == list(AXIAL)
    assert SeriesHeader.from_json(data) == header


def test_from_json_ignores_unknown_keys_and_nulls() -> None:
    header = SeriesHeader.from_json({"modality": "CT", "future_field": 1, "echo_time": None})

    assert header == SeriesHeader(modality="CT")


def test_header_from_dataset_reads_standard_tags() -> None:
    dataset = make_dataset(
        SeriesDescription="t2_tse_tra",
        ScanningSequence=["SE", "IR"],
        ScanOptions="FS",
        RepetitionTime="9000",
        EchoTime="81",
        InversionTime="2500",
        ImageType=["ORIGINAL", "PRIMARY", "M"],
        ImageOrientationPatient=[1, 0, 0, 0, 1, 0],
        SeriesNumber="7",
        ContrastBolusAgent="Gadavist",
    )

    header = header_from_dataset(dataset)

    assert header.series_description == "t2_tse_tra"
    assert header.scanning_sequence == ("SE", "IR")
    assert header.scan_options == ("FS",)
    assert (header.repetition_time, header.echo_time, header.inversion_time) == (9000, 81, 2500)
    assert header.image_type == ("ORIGINAL", "PRIMARY", "M")
    assert header.image_orientation_patient == AXIAL
    assert header.series_number == 7
    assert header.contrast_bolus_agent == "Gadavist"


def test_header_from_dataset_tolerates_missing_and_odd_values() -> None:
    dataset = make_dataset(EchoTime="", ImageOrientationPatient=[1, 0, 0])

    header = header_from_dataset(dataset)

    assert header.echo_time is None
    assert header.image_orientation_patient is None
    assert header.scanning_sequence == ()
    assert header.series_description == ""


def test_header_from_dataset_reads_ge_private_pulse_sequence_and_b_value() -> None:
    dataset = make_dataset(Manufacturer="GE MEDICAL SYSTEMS")
    dataset.add_new(Tag(0x0019, 0x0010), "LO", "GEMS_ACQU_01")
    dataset.add_new(Tag(0x0019, 0x109C), "LO", "fse-xl")
    dataset.add_new(Tag(0x0043, 0x0010), "LO", "GEMS_PARM_01")
    dataset.add_new(Tag(0x0043, 0x1039), "IS", ["1000001000", "8", "0", "0"])

    header = header_from_dataset(dataset)

    assert header.pulse_sequence_name == "fse-xl"
    assert header.diffusion_b_value == 1000


def test_header_from_dataset_reads_philips_scanning_technique() -> None:
    dataset = make_dataset(Manufacturer="Philips Medical Systems")
    dataset.add_new(Tag(0x2001, 0x0010), "LO", "Philips Imaging DD 001")
    dataset.add_new(Tag(0x2001, 0x1020), "LO", "TSE")

    assert header_from_dataset(dataset).scanning_technique == "TSE"


def item(**elements: object) -> Dataset:
    dataset = Dataset()
    for keyword, value in elements.items():
        setattr(dataset, keyword, value)
    return dataset


def test_header_from_dataset_reads_enhanced_mr_functional_groups() -> None:
    dataset = make_dataset(MRAcquisitionType="2D")
    shared = item(
        MRTimingAndRelatedParametersSequence=Sequence(
            [item(RepetitionTime=9000, FlipAngle=90, EchoTrainLength=16)]
        ),
        MREchoSequence=Sequence([item(EffectiveEchoTime=120)]),
        MRModifierSequence=Sequence([item(InversionTimes=[2500])]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])]),
        PixelMeasuresSequence=Sequence([item(SliceThickness=4)]),
    )
    dataset.SharedFunctionalGroupsSequence = Sequence([shared])

    header = header_from_dataset(dataset)

    assert (header.repetition_time, header.echo_time, header.inversion_time) == (9000, 120, 2500)
    assert header.echo_train_length == 16
    assert header.image_orientation_patient == AXIAL
    assert header.slice_thickness == 4
