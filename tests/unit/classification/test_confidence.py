"""How sure each answer is: two cues agreeing high, one strong cue medium, weaker low."""

from app.classification.confidence import urgency_confidence
from app.classification.question import classify_question
from app.classification.region import classify_region
from app.classification.sequence import classify_series
from tests.unit.classification.factories import make_header

SPIN_ECHO_T2 = {"repetition_time": 4000.0, "echo_time": 100.0, "sequence_name": ""}


def test_physics_and_description_agreeing_are_high_physics_alone_medium() -> None:
    agreeing = classify_series(make_header(series_description="t2_tse_tra", **SPIN_ECHO_T2))
    alone = classify_series(make_header(series_description="series 3", **SPIN_ECHO_T2))

    assert (agreeing.sequence, agreeing.confidence["sequence"]) == ("T2", "high")
    assert (alone.sequence, alone.confidence["sequence"]) == ("T2", "medium")
    assert agreeing.confidence["plane"] == "high"


def test_a_description_alone_or_against_the_physics_is_low() -> None:
    bare = make_header(
        series_description="AX FLAIR", scanning_sequence=(), sequence_name="", manufacturer=""
    )
    against = make_header(series_description="T1 AX", **SPIN_ECHO_T2)
    unoriented = make_header(series_description="SAG T2", image_orientation_patient=None)

    assert classify_series(bare).confidence["sequence"] == "low"
    assert classify_series(against).confidence["sequence"] == "low"
    assert classify_series(unoriented).confidence["plane"] == "low"


def test_fat_suppression_has_a_confidence_only_where_it_applies() -> None:
    stir = classify_series(make_header(series_description="STIR", inversion_time=150.0))
    dwi = classify_series(make_header(series_description="DWI", diffusion_b_value=1000.0))

    assert stir.confidence["fat_sat"] == "high"
    assert dwi.confidence["fat_sat"] is None


def test_region_confidence_follows_the_agreement_of_description_and_body_part() -> None:
    assert classify_region("BRAIN", "MRI BRAIN WO").confidence == "high"
    assert classify_region("", "MRI BRAIN WO").confidence == "medium"
    assert classify_region("KNEE", "MRI BRAIN WO").confidence == "low"
    assert classify_region("", "", question="knee pain").confidence == "low"


def test_an_unreadable_question_and_mixed_modifiers_are_low() -> None:
    assert classify_question("see the letter").categories_confidence == "low"
    assert classify_question("").categories_confidence == "high"
    mixed = classify_question("new seizure, known epilepsy")
    assert mixed.acuity.mixed
    assert not classify_question("new seizure").acuity.mixed


def test_urgency_is_sure_from_an_order_or_a_cue_less_so_from_a_modifier() -> None:
    assert urgency_confidence(True, (), 0, False) == "high"
    assert urgency_confidence(False, ("SEIZURE",), 0, False) == "high"
    assert urgency_confidence(False, ("SEIZURE",), 1, False) == "medium"
    assert urgency_confidence(False, ("SEIZURE",), 0, True) == "low"
    assert urgency_confidence(False, (), 0, False) == "low"
