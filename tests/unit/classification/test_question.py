import pytest

from app.classification.question import classify_question, spell_out


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("LBP radiating down L leg, r/o HNP", "RADICULOPATHY"),
        ("r/o HNP", "DEGENERATIVE_DISC"),
        ("gait instability, hyperreflexia", "MYELOPATHY"),
        ("saddle anesthesia", "CAUDA_EQUINA"),
        ("syrinx follow up", "CORD_LESION"),
        ("known MS", "DEMYELINATION"),
        ("hx breast ca, r/o mets", "TUMOR"),
        ("r/o epidural abscess", "INFECTION"),
        ("eval ligamentous injury", "TRAUMA_LIGAMENT"),
        ("insufficiency fx", "FRACTURE"),
        ("facet arthropathy", "FACET_ARTHROPATHY"),
        ("paraspinal muscle edema", "MUSCLE"),
        ("marrow edema", "MARROW_EDEMA"),
        ("sacroiliitis", "INFLAMMATORY_ARTHRITIS"),
        ("pars defect", "SPONDYLOLYSIS"),
        ("r/o ACL tear", "SPORTS_INJURY"),
        ("code stroke", "STROKE"),
        ("chronic headaches", "HEADACHE"),
        ("new onset seizure", "SEIZURE"),
        ("enlarging thigh mass, r/o sarcoma", "MSK_TUMOR"),
        ("PICC placement", "LINES_TUBES"),
    ],
)
def test_categories_from_words_and_abbreviations(text: str, category: str) -> None:
    assert category in classify_question(text).categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("radiculapathy L5", "RADICULOPATHY"),
        ("cervical myelopthy", "MYELOPATHY"),
        ("siezure", "SEIZURE"),
        ("spondylolisthessis", "SPONDYLOLYSIS"),
        ("sacroilliitis", "INFLAMMATORY_ARTHRITIS"),
    ],
)
def test_common_and_near_misspellings_are_understood(text: str, category: str) -> None:
    assert category in classify_question(text).categories


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("M54.12", "RADICULOPATHY"),
        ("M47.812", "FACET_ARTHROPATHY"),
        ("G35", "DEMYELINATION"),
        ("S13.4XXA", "TRAUMA_LIGAMENT"),
        ("M50.01", "MYELOPATHY"),
        ("C79.51", "TUMOR"),
    ],
)
def test_icd10_codes_map_to_categories_in_text_or_given(code: str, category: str) -> None:
    assert category in classify_question(f"see code {code}").categories
    assert category in classify_question("", codes=[code]).categories


def test_negated_findings_are_not_categories() -> None:
    result = classify_question("neck pain, no radiculopathy, no myelopathy. no trauma")

    assert not {"RADICULOPATHY", "MYELOPATHY", "TRAUMA"} & set(result.categories)
    assert any("negated" in reason for reason in result.reasons)


def test_trauma_in_a_neurologically_intact_patient_has_no_deficit_category() -> None:
    result = classify_question("s/p MVC with weakness, neuro intact, eval ligaments")

    assert "TRAUMA_LIGAMENT" in result.categories
    assert "TRAUMA_NEURO_DEFICIT" not in result.categories


def test_trauma_with_a_new_deficit_is_trauma_neuro_deficit() -> None:
    result = classify_question("MVC with new bilateral hand weakness")

    assert "TRAUMA_NEURO_DEFICIT" in result.categories
    assert result.urgency == "STAT"


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("code stroke, LKW 1 hr ago", "STAT"),
        ("r/o cauda equina", "STAT"),
        ("metastatic ca, r/o cord compression", "STAT"),
        ("r/o epidural abscess", "STAT"),
        ("SOB, r/o PE", "STAT"),
        ("r/o vertebral artery dissection", "STAT"),
        ("fall from ladder", "STAT"),
        ("ED pt with new foot drop", "URGENT"),
        ("inpatient, back pain", "URGENT"),
        ("chronic LBP, DDD", "ROUTINE"),
        ("hx of stroke 2019, now chronic headache", "ROUTINE"),
        ("fell skiing 3 wks ago, neck pain", "ROUTINE"),
        ("back pain, no trauma", "ROUTINE"),
        ("known type B dissection follow up", "ROUTINE"),
    ],
)
def test_urgency_cues_respect_negation_and_history(text: str, urgency: str) -> None:
    assert classify_question(text).urgency == urgency


def test_acute_spine_trauma_code_is_stat_but_a_later_encounter_is_not() -> None:
    assert classify_question("", codes=["S13.4XXA"]).urgency == "STAT"
    assert classify_question("", codes=["S13.4XXD"]).urgency == "ROUTINE"


def test_empty_question_is_routine_with_a_reason() -> None:
    result = classify_question("")

    assert (result.categories, result.urgency) == ((), "ROUTINE")
    assert result.reasons


def test_spell_out_expands_abbreviations_only_as_whole_words() -> None:
    assert spell_out("r/o HNP, s/p fusion") == "rule out herniated disc, status post fusion"
    assert spell_out("caudal") == "caudal"


def test_a_patients_age_is_not_a_lasting_problem() -> None:
    shift = classify_question("new headache in 72 year old on apixaban").acuity

    assert shift.steps == 1
    assert "new" in shift.cue
    assert classify_question("back pain for 3 years").acuity.steps == -1


def test_an_infection_with_a_new_deficit_is_stat_and_a_lasting_one_is_not() -> None:
    abscess = classify_question("IV drug user with fever and new leg weakness")
    known = classify_question("discitis follow-up, known leg weakness")

    assert (abscess.categories, abscess.urgency) == (("INFECTION",), "STAT")
    assert (known.categories, known.urgency) == (("INFECTION",), "ROUTINE")
