"""Study body region from descriptions, anatomy words and BodyPartExamined, with reasons."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from app.classification.confidence import Confidence
from app.classification.text import all_matches, first_match, normalise, terms
from app.classification.vocabulary import SPINE_REGIONS, Region

# Ordered: multi-part and specific anatomy before the words that contain them.
REGION_TERMS = terms(
    [
        (
            "OTHER",
            r"\bdexa|\bdxa|bone density|fluoro|barium|upper gi|esophagra|swallow|\bfl ",
            "a DEXA or fluoroscopy study",
        ),
        (
            "WHOLE_BODY",
            r"whole body|skeletal survey|bone survey|metastatic survey|\bwb\b",
            "a whole-body study",
        ),
        (
            "SPINE",
            r"total spine|whole spine|complete spine|entire spine|\bc t l\b|screening spine",
            "the whole spine",
        ),
        ("CSPINE", r"\bc ?spine|cervical spine|cervical|\bcsp\b", "the cervical spine"),
        ("TSPINE", r"\bt ?spine|thoracic spine|dorsal spine|\btsp\b", "the thoracic spine"),
        ("LSPINE", r"\bl ?spine|lumbar|lumbosacral|\bls spine|\blsp\b", "the lumbar spine"),
        ("SPINE", r"\bspine|spinal", "the spine"),
        ("BREAST", r"breast|mammo|tomosynth", "the breast"),
        ("CARDIAC", r"cardiac|heart|coronar|calcium scor", "the heart"),
        (
            "HEAD_NECK",
            r"\biac|internal auditory|orbit|sinus|\bneck|temporal bone|parotid|thyroid|laryn"
            r"|skull base|\btmj|\bface|facial|carotid|mandible",
            "head and neck anatomy",
        ),
        (
            "BRAIN",
            r"brain|\bhead|sella|pituitar|\bcow\b|circle of willis|\bskull|cranial",
            "the brain",
        ),
        ("SHOULDER", r"shoulder|clavic|scapul|\bac joint|rotator", "the shoulder"),
        ("ELBOW", r"elbow", "the elbow"),
        ("WRIST_HAND", r"wrist|\bhand|finger|thumb|scaphoid|carpal", "the wrist or hand"),
        ("HIP", r"\bhip|acetabul", "the hip"),
        ("KNEE", r"knee|patell", "the knee"),
        ("ANKLE_FOOT", r"ankle|\bfoot|forefoot|hindfoot|\btoe|calcane|\bheel", "the ankle or foot"),
        (
            "EXTREMITY",
            r"femur|thigh|tibia|fibula|\bleg\b|forearm|humer|\barm\b|extremit|\bcalf",
            "a limb",
        ),
        ("CHEST", r"chest|thora|\blung|pulmonary|ctpa|aort|mediastin|\brib", "the chest"),
        (
            "ABDOMEN",
            r"abdom|\babd|liver|hepat|pancrea|kidney|renal|mrcp|enterograph|\ba p\b|adrenal"
            r"|urogra|biliary",
            "the abdomen",
        ),
        (
            "PELVIS",
            r"pelvi|prostat|rectum|rectal|uter|sacrum|sacroil|\bsi joint|ovar|adnex|bladder"
            r"|perianal|coccy",
            "the pelvis",
        ),
    ]
)
BODY_PART_REGIONS: dict[str, Region] = {
    "BRAIN": "BRAIN",
    "HEAD": "BRAIN",
    "SKULL": "BRAIN",
    "SELLA": "BRAIN",
    "NECK": "HEAD_NECK",
    "HEADNECK": "HEAD_NECK",
    "IAC": "HEAD_NECK",
    "ORBIT": "HEAD_NECK",
    "SINUS": "HEAD_NECK",
    "CSPINE": "CSPINE",
    "TSPINE": "TSPINE",
    "LSPINE": "LSPINE",
    "SSPINE": "PELVIS",
    "SPINE": "SPINE",
    "WHOLESPINE": "SPINE",
    "CTSPINE": "SPINE",
    "TLSPINE": "SPINE",
    "SHOULDER": "SHOULDER",
    "ELBOW": "ELBOW",
    "WRIST": "WRIST_HAND",
    "HAND": "WRIST_HAND",
    "HIP": "HIP",
    "KNEE": "KNEE",
    "ANKLE": "ANKLE_FOOT",
    "FOOT": "ANKLE_FOOT",
    "LEG": "EXTREMITY",
    "ARM": "EXTREMITY",
    "THIGH": "EXTREMITY",
    "FOREARM": "EXTREMITY",
    "HUMERUS": "EXTREMITY",
    "FEMUR": "EXTREMITY",
    "TIBIA": "EXTREMITY",
    "EXTREMITY": "EXTREMITY",
    "LOWEXM": "EXTREMITY",
    "UPRXM": "EXTREMITY",
    "CHEST": "CHEST",
    "THORAX": "CHEST",
    "LUNG": "CHEST",
    "HEART": "CARDIAC",
    "ABDOMEN": "ABDOMEN",
    "LIVER": "ABDOMEN",
    "KIDNEY": "ABDOMEN",
    "PANCREAS": "ABDOMEN",
    "PELVIS": "PELVIS",
    "PROSTATE": "PELVIS",
    "SIJOINT": "PELVIS",
    "BREAST": "BREAST",
    "WHOLEBODY": "WHOLE_BODY",
}
REGIONS_BY_LABEL: dict[str, Region] = {region: region for region in BODY_PART_REGIONS.values()}
REGIONS_BY_LABEL.update({"SPINE": "SPINE", "OTHER": "OTHER", "WHOLE_BODY": "WHOLE_BODY"})


@dataclass(frozen=True, slots=True)
class RegionClassification:
    """The body region of a study and why."""

    region: Region
    reasons: tuple[str, ...]
    confidence: Confidence = "medium"


def classify_region(
    body_part: str = "",
    study_description: str = "",
    series_descriptions: Iterable[str] = (),
    question: str = "",
) -> RegionClassification:
    """Descriptions overrule BodyPartExamined, which is wrong in about one study in seven."""
    tagged = BODY_PART_REGIONS.get(_body_part_key(body_part))
    described = _region_in(study_description)
    if described is not None:
        return _with_body_part(described, f"StudyDescription names {described[1]}", tagged)
    from_series = Counter(
        found for text in series_descriptions if (found := _region_in(text)) is not None
    ).most_common(1)
    if from_series:
        found = from_series[0][0]
        return _with_body_part(found, f"series descriptions name {found[1]}", tagged)
    if tagged is not None:
        return RegionClassification(tagged, (f"BodyPartExamined is {body_part.strip()}",))
    hinted = _region_in(question)
    if hinted is not None:
        reason = f"the clinical question names {hinted[1]}"
        return RegionClassification(hinted[0], (reason,), "low")
    reason = "no anatomy in the descriptions or BodyPartExamined"
    return RegionClassification("OTHER", (reason,), "low")


def _body_part_key(body_part: str) -> str:
    return "".join(character for character in body_part.upper() if character.isalnum())


def _region_in(text: str) -> tuple[Region, str] | None:
    normalised = normalise(text)
    matches = all_matches(REGION_TERMS, normalised)
    levels = {term.label for term in matches if term.label in SPINE_REGIONS - {"SPINE"}}
    if len(levels) > 1:
        return "SPINE", "more than one spinal level"
    term = first_match(REGION_TERMS, normalised)
    return (REGIONS_BY_LABEL[term.label], term.words) if term is not None else None


def _with_body_part(
    found: tuple[Region, str], reason: str, tagged: Region | None
) -> RegionClassification:
    region = found[0]
    if tagged is not None and tagged != region:
        overruled = f"BodyPartExamined says {tagged}, overruled by the description"
        return RegionClassification(region, (reason, overruled), "low")
    return RegionClassification(region, (reason,), "high" if tagged == region else "medium")
