from typing import Any

import pytest

from app.classification.sequence import classify_series
from tests.unit.classification.factories import CORONAL, SAGITTAL, make_header

IR = ("SE", "IR")

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
