"""Closed vocabularies shared by the classifiers and the rule DSL."""

from typing import Literal, get_args

Sequence = Literal[
    "T1",
    "T2",
    "PD",
    "FLAIR",
    "STIR",
    "T2STAR_GRE",
    "SWI",
    "DWI",
    "ADC",
    "T1_POST",
    "MRA",
    "MRV",
    "PERFUSION",
    "LOCALIZER",
    "CT_NONCONTRAST",
    "CT_CONTRAST",
    "CT_ANGIO",
    "OTHER",
]
Plane = Literal["AX", "SAG", "COR", "3D", "unknown"]
Region = Literal[
    "BRAIN",
    "HEAD_NECK",
    "CSPINE",
    "TSPINE",
    "LSPINE",
    "SPINE",
    "SHOULDER",
    "ELBOW",
    "WRIST_HAND",
    "HIP",
    "KNEE",
    "ANKLE_FOOT",
    "EXTREMITY",
    "CHEST",
    "CARDIAC",
    "ABDOMEN",
    "PELVIS",
    "BREAST",
    "WHOLE_BODY",
    "OTHER",
]
Category = Literal[
    "MYELOPATHY",
    "RADICULOPATHY",
    "CAUDA_EQUINA",
    "CORD_LESION",
    "DEMYELINATION",
    "TUMOR",
    "MSK_TUMOR",
    "INFECTION",
    "TRAUMA_NEURO_DEFICIT",
    "TRAUMA_LIGAMENT",
    "TRAUMA",
    "FRACTURE",
    "DEGENERATIVE_DISC",
    "FACET_ARTHROPATHY",
    "MUSCLE",
    "MARROW_EDEMA",
    "INFLAMMATORY_ARTHRITIS",
    "SPONDYLOLYSIS",
    "SPORTS_INJURY",
    "OSTEOARTHRITIS",
    "AVASCULAR_NECROSIS",
    "STROKE",
    "VASCULAR",
    "HEADACHE",
    "SEIZURE",
    "COGNITIVE",
    "PULMONARY_EMBOLISM",
    "LINES_TUBES",
    "SURVEY",
    "BONE_DENSITY",
]
Urgency = Literal["STAT", "URGENT", "ROUTINE"]

SEQUENCES: frozenset[str] = frozenset(get_args(Sequence))
REGIONS: frozenset[str] = frozenset(get_args(Region))
CATEGORIES: frozenset[str] = frozenset(get_args(Category))
URGENCY_ORDER: tuple[Urgency, ...] = ("ROUTINE", "URGENT", "STAT")
SPINE_REGIONS: frozenset[Region] = frozenset({"CSPINE", "TSPINE", "LSPINE", "SPINE"})

# Look-ups from a plain string (a table label) to the typed vocabulary word.
SEQUENCE_BY_NAME: dict[str, Sequence] = {name: name for name in get_args(Sequence)}
PLANE_BY_NAME: dict[str, Plane] = {name: name for name in get_args(Plane)}
CATEGORY_BY_NAME: dict[str, Category] = {name: name for name in get_args(Category)}
URGENCY_BY_NAME: dict[str, Urgency] = {name: name for name in get_args(Urgency)}
