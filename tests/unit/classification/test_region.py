import pytest

from app.classification.region import classify_region


@pytest.mark.parametrize(
    ("body_part", "description", "region"),
    [
        ("LSPINE", "MRI LUMBAR SPINE WO", "LSPINE"),
        ("", "MR C-SPINE W/WO", "CSPINE"),
        ("", "MRI T SPINE", "TSPINE"),
        ("", "MRI C/T/L SPINE", "SPINE"),
        ("", "MRI CERVICAL AND THORACIC SPINE", "SPINE"),
        ("", "MRI TOTAL SPINE", "SPINE"),
        ("", "CTA HEAD AND NECK", "HEAD_NECK"),
        ("", "MRI IAC W WO", "HEAD_NECK"),
        ("", "MR HEAD WO", "BRAIN"),
        ("", "MR ARTHROGRAM SHOULDER LT", "SHOULDER"),
        ("", "MRI PELVIS HIP", "HIP"),
        ("", "MRI FEMUR W WO", "EXTREMITY"),
        ("", "MRI SACRUM/SI JOINTS", "PELVIS"),
        ("", "CT ABDOMEN PELVIS W CONTRAST", "ABDOMEN"),
        ("", "CTA CHEST ABDOMEN PELVIS", "CHEST"),
        ("", "CT CORONARY CTA", "CARDIAC"),
        ("", "MAMMO DIAGNOSTIC", "BREAST"),
        ("", "XR SKELETAL SURVEY", "WHOLE_BODY"),
        ("", "DEXA BONE DENSITY", "OTHER"),
    ],
)
def test_region_from_study_description(body_part: str, description: str, region: str) -> None:
    assert classify_region(body_part, description).region == region


def test_description_overrules_a_wrong_body_part_and_says_so() -> None:
    result = classify_region("KNEE", "MRI LUMBAR SPINE WO")

    assert result.region == "LSPINE"
    assert any("BodyPartExamined says KNEE" in reason for reason in result.reasons)


def test_body_part_is_used_when_descriptions_name_no_anatomy() -> None:
    assert classify_region("L-SPINE", "MRI WO CONTRAST").region == "LSPINE"


def test_series_descriptions_vote_when_the_study_description_is_empty() -> None:
    series = ["t2_tse_sag_knee", "pd_fs_cor knee", "localizer"]

    assert classify_region("", "", series).region == "KNEE"


def test_question_is_the_last_resort() -> None:
    assert classify_region("", "", (), "pain in the left knee").region == "KNEE"


def test_no_anatomy_anywhere_is_other() -> None:
    result = classify_region("", "")

    assert result.region == "OTHER"
    assert result.reasons
