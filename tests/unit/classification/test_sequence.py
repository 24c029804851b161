from typing import Any

import pytest

from app.classification.sequence import classify_series
from tests.unit.classification.factories import make_header

IR = ("SE", "IR")
GR = ("GR",)
EP_SE = ("EP", "SE")

SEQUENCE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("long TR long TE spin echo is T2", {"repetition_time": 4000, "echo_time": 95}, "T2"),
    ("short TR short TE spin echo is T1", {"repetition_time": 550, "echo_time": 10}, "T1"),
    ("long TR short TE is PD", {"repetition_time": 3000, "echo_time": 30}, "PD"),
    (
        "PD named T2 is PD by TE",
        {"repetition_time": 3000, "echo_time": 32, "series_description": "T2 SAG"},
        "PD",
    ),
    (
        "T2 named PD is T2 by TE",
        {"repetition_time": 3000, "echo_time": 80, "series_description": "PD SAG"},
        "T2",
    ),
    (
        "intermediate TE follows the name",
        {"repetition_time": 3000, "echo_time": 45, "series_description": "PD COR"},
        "PD",
    ),
    (
        "short TI inversion recovery is STIR",
        {"scanning_sequence": IR, "repetition_time": 4000, "echo_time": 50, "inversion_time": 160},
        "STIR",
    ),
    (
        "long TI inversion recovery is FLAIR",
        {"scanning_sequence": IR, "repetition_time": 9000, "echo_time": 85, "inversion_time": 2500},
        "FLAIR",
    ),
    (
        "T1-FLAIR is T1",
        {
            "scanning_sequence": IR,
            "repetition_time": 2000,
            "echo_time": 9,
            "inversion_time": 860,
            "series_description": "T1 FLAIR",
        },
        "T1",
    ),
    (
        "fat-saturated T2 named STIR is T2",
        {
            "scan_options": ("FS",),
            "repetition_time": 4000,
            "echo_time": 70,
            "series_description": "STIR COR",
        },
        "T2",
    ),
    (
        "GE IR_GEMS with TI is read as inversion recovery",
        {
            "pulse_sequence_name": "fse-xl",
            "sequence_name": "",
            "scan_options": ("IR_GEMS",),
            "repetition_time": 3500,
            "echo_time": 40,
            "inversion_time": 150,
        },
        "STIR",
    ),
    (
        "MP-RAGE is T1",
        {
            "sequence_name": "*tfl3d1_16ns",
            "scanning_sequence": ("GR", "IR"),
            "repetition_time": 2300,
            "echo_time": 3,
            "inversion_time": 900,
        },
        "T1",
    ),
    (
        "long-TE gradient echo is T2* GRE",
        {
            "sequence_name": "*fl2d1",
            "scanning_sequence": GR,
            "repetition_time": 650,
            "echo_time": 20,
            "flip_angle": 20,
        },
        "T2STAR_GRE",
    ),
    (
        "MEDIC is T2* GRE",
        {"sequence_name": "*me2d1r3", "scanning_sequence": GR, "echo_time": 18},
        "T2STAR_GRE",
    ),
    (
        "SWI sequence is SWI",
        {"sequence_name": "*swi3d1r", "scanning_sequence": GR, "echo_time": 20},
        "SWI",
    ),
    (
        "GE SWAN is SWI",
        {"sequence_name": "", "pulse_sequence_name": "swan", "scanning_sequence": GR},
        "SWI",
    ),
    (
        "Philips SWIp named by description is SWI",
        {
            "sequence_name": "",
            "scanning_technique": "FFE",
            "scanning_sequence": GR,
            "echo_time": 7,
            "flip_angle": 17,
            "series_description": "SWIp",
        },
        "SWI",
    ),
    ("minIP ImageType is SWI", {"image_type": ("DERIVED", "PRIMARY", "MNIP")}, "SWI"),
    (
        "trace image is DWI",
        {
            "sequence_name": "*ep_b1000t",
            "scanning_sequence": EP_SE,
            "image_type": ("DERIVED", "PRIMARY", "DIFFUSION", "TRACEW"),
        },
        "DWI",
    ),
    (
        "b value alone makes DWI",
        {"sequence_name": "EPI2D", "scanning_sequence": EP_SE, "diffusion_b_value": 1000},
        "DWI",
    ),
    ("ADC map is ADC", {"image_type": ("DERIVED", "PRIMARY", "DIFFUSION", "ADC")}, "ADC"),
    ("eADC is OTHER", {"image_type": ("DERIVED", "PRIMARY", "DIFFUSION", "EXP")}, "OTHER"),
    ("FA map is OTHER", {"image_type": ("DERIVED", "PRIMARY", "DIFFUSION", "FA")}, "OTHER"),
    (
        "DSC perfusion is PERFUSION",
        {
            "sequence_name": "*ep2d_perf",
            "scanning_sequence": ("EP", "GR"),
            "contrast_bolus_agent": "Gadavist",
        },
        "PERFUSION",
    ),
    ("ASL is PERFUSION", {"sequence_name": "*tgse3d1_2800"}, "PERFUSION"),
    (
        "BOLD is OTHER",
        {
            "sequence_name": "*epfid2d1_64",
            "scanning_sequence": ("EP", "GR"),
            "series_description": "ep2d_bold_rest",
        },
        "OTHER",
    ),
    ("field map is OTHER", {"sequence_name": "*fm2d2r", "scanning_sequence": GR}, "OTHER"),
    (
        "calibration scan is OTHER",
        {"sequence_name": "", "series_description": "ASSET calibration", "scanning_sequence": GR},
        "OTHER",
    ),
    ("Dixon fat-only is OTHER", {"image_type": ("DERIVED", "PRIMARY", "DIXON", "FAT")}, "OTHER"),
    ("Philips Dixon F is OTHER", {"image_type": ("ORIGINAL", "PRIMARY", "F", "F")}, "OTHER"),
    ("time of flight is MRA", {"sequence_name": "*fl3d1r_t70", "scanning_sequence": GR}, "MRA"),
    (
        "venous time of flight is MRV",
        {
            "sequence_name": "*fl2d1r",
            "scanning_sequence": GR,
            "series_description": "tof_2d_venous",
        },
        "MRV",
    ),
    (
        "localizer ImageType is LOCALIZER",
        {"image_type": ("ORIGINAL", "PRIMARY", "LOCALIZER")},
        "LOCALIZER",
    ),
    (
        "three orientations make a localizer",
        {"sequence_name": "*fl2d1", "distinct_orientations": 3},
        "LOCALIZER",
    ),
    (
        "lying T2 description on a T1 is overruled",
        {"repetition_time": 600, "echo_time": 10, "series_description": "T2 FLAIR AX"},
        "T1",
    ),
    (
        "lying DWI description on a TSE is overruled",
        {"repetition_time": 4000, "echo_time": 90, "series_description": "DWI"},
        "T2",
    ),
    (
        "empty description is classified from physics",
        {
            "repetition_time": 9000,
            "echo_time": 85,
            "inversion_time": 2500,
            "scanning_sequence": IR,
            "series_description": "",
        },
        "FLAIR",
    ),
    (
        "no physics falls back on the description",
        {"sequence_name": "", "scanning_sequence": (), "series_description": "T2 SAG"},
        "T2",
    ),
    ("nothing to go on is OTHER", {"sequence_name": "", "scanning_sequence": ()}, "OTHER"),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [case[1:] for case in SEQUENCE_CASES],
    ids=[case[0] for case in SEQUENCE_CASES],
)
def test_sequence_type_follows_labelling_conventions(fields: dict[str, Any], expected: str) -> None:
    assert classify_series(make_header(**fields)).sequence == expected


@pytest.mark.parametrize(
    "sop_class_uid",
    ["1.3.46.670589.11.0.0.12.2", "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.66"],
    ids=["philips-private", "enhanced-sr", "raw-data"],
)
def test_a_series_of_a_class_without_images_is_left_out_of_classification(
    sop_class_uid: str,
) -> None:
    header = make_header(modality="MR", sop_class_uid=sop_class_uid, series_description="T2 TSE")

    result = classify_series(header)

    assert (result.sequence, result.plane) == ("OTHER", "unknown")
    assert result.reasons == (
        f"SOP class {sop_class_uid} holds no images: left out of classification",
    )


def test_an_image_class_is_classified_from_its_header() -> None:
    header = make_header(
        modality="MR", sop_class_uid="1.2.840.10008.5.1.4.1.1.4", series_description="AX T2 TSE"
    )

    assert classify_series(header).sequence == "T2"
