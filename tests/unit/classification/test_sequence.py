from typing import Any

import pytest

from app.classification.sequence import classify_series
from tests.unit.classification.factories import CORONAL, SAGITTAL, make_header

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


T1 = {"repetition_time": 600, "echo_time": 10}
FLAIR = {"scanning_sequence": IR, "repetition_time": 9000, "echo_time": 85, "inversion_time": 2500}


@pytest.mark.parametrize(
    ("fields", "sequence", "contrast"),
    [
        ({**T1, "contrast_bolus_agent": "Gadavist"}, "T1_POST", True),
        ({**T1, "series_description": "T1 AX +C"}, "T1_POST", True),
        (
            {**T1, "contrast_bolus_agent": "Gadavist", "series_description": "T1 AX PRE"},
            "T1",
            False,
        ),
        ({**T1, "contrast_bolus_agent": "NONE"}, "T1", False),
        (
            {**T1, "contrast_bolus_agent": "Gd", "image_type": ("DERIVED", "SECONDARY", "MPR")},
            "T1_POST",
            True,
        ),
        ({**T1, "image_type": ("DERIVED", "PRIMARY", "SUB")}, "T1_POST", True),
        (
            {
                **T1,
                "contrast_bolus_agent": "Gd intra-articular",
                "series_description": "T1 FS arthro",
            },
            "T1_POST",
            True,
        ),
        ({**FLAIR, "contrast_bolus_agent": "Dotarem"}, "FLAIR", True),
        (
            {"repetition_time": 4000, "echo_time": 90, "series_description": "T2 post gad"},
            "T2",
            True,
        ),
    ],
)
def test_t1_post_only_for_t1_after_gadolinium(
    fields: dict[str, Any], sequence: str, contrast: bool
) -> None:
    result = classify_series(make_header(**fields))

    assert (result.sequence, result.contrast) == (sequence, contrast)


@pytest.mark.parametrize(
    ("fields", "fat_sat"),
    [
        ({**T1, "scan_options": ("FS",)}, True),
        ({**T1, "scan_options": ("PFP",), "series_description": "T1 FS"}, False),
        ({**T1, "manufacturer": "Philips", "series_description": "T1W_SPIR"}, True),
        ({**T1, "manufacturer": "Philips", "series_description": "T1 SPAIR"}, True),
        ({**T1, "manufacturer": "Philips", "series_description": "T1 WE"}, True),
        ({**T1, "image_type": ("DERIVED", "PRIMARY", "DIXON", "WATER")}, True),
        ({**T1, "image_type": ("DERIVED", "PRIMARY", "DIXON", "IN_PHASE")}, False),
        (
            {
                "scanning_sequence": IR,
                "repetition_time": 4000,
                "echo_time": 50,
                "inversion_time": 160,
            },
            True,
        ),
        ({**T1, "series_description": "T1 AX"}, False),
        ({"image_type": ("DERIVED", "PRIMARY", "ADC")}, None),
        ({"modality": "CT"}, None),
    ],
)
def test_fat_sat_from_scan_options_dixon_stir_and_names(
    fields: dict[str, Any], fat_sat: bool | None
) -> None:
    assert classify_series(make_header(**fields)).fat_sat is fat_sat


@pytest.mark.parametrize(
    ("fields", "plane"),
    [
        ({}, "AX"),
        ({"image_orientation_patient": SAGITTAL}, "SAG"),
        ({"image_orientation_patient": CORONAL}, "COR"),
        ({"image_orientation_patient": (0.94, 0.34, 0.0, 0.0, 0.0, -1.0)}, "COR"),
        ({"mr_acquisition_type": "3D", "slice_thickness": 1.0}, "3D"),
        ({"mr_acquisition_type": "3D", "slice_thickness": 3.0}, "AX"),
        (
            {
                "mr_acquisition_type": "3D",
                "slice_thickness": 1.0,
                "image_type": ("DERIVED", "MPR"),
                "image_orientation_patient": CORONAL,
            },
            "COR",
        ),
        ({"image_type": ("DERIVED", "PRIMARY", "MIP")}, "3D"),
        ({"image_type": ("ORIGINAL", "PRIMARY", "LOCALIZER")}, "unknown"),
        ({"image_orientation_patient": None, "series_description": "sag t2"}, "SAG"),
        ({"image_orientation_patient": None}, "unknown"),
    ],
)
def test_plane_from_orientation_with_3d_and_localizer_conventions(
    fields: dict[str, Any], plane: str
) -> None:
    assert classify_series(make_header(**fields)).plane == plane


CT = {"modality": "CT", "sequence_name": "", "scanning_sequence": ()}


@pytest.mark.parametrize(
    ("fields", "sequence"),
    [
        ({**CT, "series_description": "Head 5.0 H30s"}, "CT_NONCONTRAST"),
        (
            {**CT, "contrast_bolus_agent": "Omnipaque", "series_description": "Portal venous 3mm"},
            "CT_CONTRAST",
        ),
        (
            {**CT, "contrast_bolus_agent": "Omnipaque", "series_description": "Thorax 2mm"},
            "CT_CONTRAST",
        ),
        (
            {**CT, "contrast_bolus_agent": "Omnipaque", "series_description": "CTA 0.75 Bv36"},
            "CT_ANGIO",
        ),
        (
            {
                **CT,
                "contrast_bolus_agent": "Omnipaque",
                "series_description": "Arterial 0.6",
                "study_description": "CTA HEAD AND NECK",
            },
            "CT_ANGIO",
        ),
        (
            {
                **CT,
                "contrast_bolus_agent": "Omnipaque",
                "series_description": "Late arterial liver",
            },
            "CT_CONTRAST",
        ),
        (
            {
                **CT,
                "contrast_bolus_agent": "Ultravist",
                "image_type": ("DERIVED", "PRIMARY", "VNC"),
            },
            "CT_NONCONTRAST",
        ),
        ({**CT, "series_description": "Chest C+ 2mm"}, "CT_CONTRAST"),
        ({**CT, "image_type": ("ORIGINAL", "PRIMARY", "LOCALIZER")}, "LOCALIZER"),
        ({**CT, "series_description": "Dose Report"}, "OTHER"),
    ],
)
def test_ct_phase_from_agent_description_and_image_type(
    fields: dict[str, Any], sequence: str
) -> None:
    assert classify_series(make_header(**fields)).sequence == sequence


def test_other_modalities_are_other_without_fat_sat() -> None:
    result = classify_series(make_header(modality="DX"))

    assert (result.sequence, result.fat_sat, result.contrast) == ("OTHER", None, False)


def test_reasons_name_the_deciding_tags() -> None:
    result = classify_series(
        make_header(repetition_time=600, echo_time=10, series_description="T2 AX")
    )

    assert any("TR 600" in reason and "TE 10" in reason for reason in result.reasons)
    assert any("overrule" in reason for reason in result.reasons)
    assert result.to_json()["reasons"] == list(result.reasons)
