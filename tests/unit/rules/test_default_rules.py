import pytest

from app.classification.question import QuestionClassification
from app.classification.region import RegionClassification
from app.classification.sequence import SeriesClassification
from app.rules.dsl import load_default_rules
from app.rules.facts import facts_from, route_referral

DEFAULT_RULES = load_default_rules()


@pytest.mark.parametrize(
    ("modality", "description", "question", "subspecialty"),
    [
        ("MR", "MRI BRAIN W WO", "headache", "NEURO"),
        ("MR", "MRI IAC", "hearing loss", "NEURO"),
        ("MR", "MRI LUMBAR SPINE", "LBP", "NEURO"),
        ("MR", "MRI LUMBAR SPINE", "facet arthropathy, no radicular symptoms", "MSK"),
        ("MR", "MRI LUMBAR SPINE", "facet arthropathy with L5 radiculopathy", "NEURO"),
        ("MR", "MRI C SPINE", "s/p MVC, neuro intact, ligament clearance", "MSK"),
        ("MR", "MRI C SPINE", "MVC with new arm weakness", "NEURO"),
        ("MR", "MRI LUMBAR SPINE", "paraspinal muscle edema", "MSK"),
        ("MR", "MRI LUMBAR SPINE", "insufficiency fracture, marrow edema", "MSK"),
        ("MR", "MRI LUMBAR SPINE", "sacroiliitis", "MSK"),
        ("MR", "MRI LUMBAR SPINE", "spondylolysis", "MSK"),
        ("MR", "MRI LUMBAR SPINE", "pathologic fracture, known myeloma", "NEURO"),
        ("MR", "MRI KNEE", "ACL tear", "MSK"),
        ("MR", "MRI FEMUR", "soft tissue mass, r/o sarcoma", "MSK"),
        ("MR", "MRI ABDOMEN", "liver lesion", "BODY"),
        ("MR", "MRI PELVIS", "cervical cancer staging", "BODY"),
        ("MR", "MRI PELVIS", "hip pain, r/o AVN", "MSK"),
        ("MR", "MRI PELVIS", "athletic pubalgia", "MSK"),
        ("CT", "CTA CHEST", "r/o PE", "CHEST"),
        ("MR", "MRI CARDIAC", "cardiomyopathy", "CHEST"),
        ("MR", "MRI BREAST", "BRCA screening", "BREAST"),
        ("MG", "SCREENING MAMMOGRAM", "", "BREAST"),
        ("DX", "XR CHEST PORTABLE", "PICC placement", "GENERAL"),
        ("DX", "XR SKELETAL SURVEY", "", "GENERAL"),
        ("OT", "DEXA", "", "GENERAL"),
        ("RF", "BARIUM SWALLOW", "dysphagia", "GENERAL"),
        ("US", "", "", "GENERAL"),
    ],
)
def test_default_rules_split_work_like_an_academic_department(
    modality: str, description: str, question: str, subspecialty: str
) -> None:
    routed = route_referral(
        DEFAULT_RULES, modality=modality, study_description=description, clinical_question=question
    )

    assert routed.decision.subspecialty == subspecialty, routed.to_json()["reasons"]


def test_facts_from_collects_series_types_categories_and_text() -> None:
    series = [
        SeriesClassification("DWI", "AX", None, False, ()),
        SeriesClassification("T1_POST", "SAG", True, True, ()),
    ]
    question = QuestionClassification(("STROKE",), "STAT", ())

    facts = facts_from(
        modalities=["mr", ""],
        region=RegionClassification("BRAIN", ()),
        series=series,
        question=question,
        question_text="Code Stroke",
        study_description="MRI BRAIN",
        source_ae=" ER_MR1 ",
    )

    assert facts.modalities == frozenset({"MR"})
    assert facts.sequences == frozenset({"DWI", "T1_POST"})
    assert (facts.categories, facts.urgency) == (frozenset({"STROKE"}), "STAT")
    assert "code stroke" in facts.text
    assert "mri brain" in facts.text
    assert facts.source_ae == "ER_MR1"


def test_facts_without_a_question_are_routine() -> None:
    facts = facts_from(modalities=["CT"], region=RegionClassification("CHEST", ()))

    assert (facts.categories, facts.urgency) == (frozenset(), "ROUTINE")
