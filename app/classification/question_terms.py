"""Vocabulary of referral text: abbreviations, misspellings and the words of each category.

Patterns run on text that has been lower-cased and had its abbreviations spelled out.
"""

from app.classification.text import terms

ABBREVIATIONS: dict[str, str] = {
    "r/o": "rule out",
    "eval": "evaluate",
    "hx": "history",
    "h/o": "history of",
    "s/p": "status post",
    "b/l": "bilateral",
    "bilat": "bilateral",
    "lbp": "low back pain",
    "hnp": "herniated disc",
    "ddd": "degenerative disc disease",
    "fx": "fracture",
    "mvc": "motor vehicle collision",
    "mva": "motor vehicle accident",
    "sx": "symptoms",
    "pt": "patient",
    "w/": "with",
    "w/o": "without",
    "ms": "multiple sclerosis",
    "ca": "cancer",
    "mets": "metastases",
    "ich": "intracranial hemorrhage",
    "sah": "subarachnoid hemorrhage",
    "tia": "transient ischemic attack",
    "cva": "stroke",
    "lkw": "last known well",
    "pe": "pulmonary embolism",
    "ces": "cauda equina syndrome",
    "csm": "cervical spondylotic myelopathy",
    "oa": "osteoarthritis",
    "ra": "rheumatoid arthritis",
    "avn": "avascular necrosis",
    "fai": "femoroacetabular impingement",
    "ed": "emergency department",
    "er": "emergency department",
    "inpt": "inpatient",
    "ams": "altered mental status",
    "nat": "non accidental trauma",
    "plc": "posterior ligamentous complex",
    "lvo": "large vessel occlusion",
    "ett": "endotracheal tube",
    "ngt": "nasogastric tube",
    "ng": "nasogastric",
    "nl": "normal",
    "f/u": "follow up",
    "gsw": "gunshot wound",
    "mmt": "medial meniscus tear",
    "le": "lower extremity",
    "ue": "upper extremity",
}
MISSPELLINGS: dict[str, str] = {
    "radiculapathy": "radiculopathy",
    "radiculopthy": "radiculopathy",
    "myelopthy": "myelopathy",
    "mylopathy": "myelopathy",
    "siezure": "seizure",
    "seisure": "seizure",
    "stenossis": "stenosis",
    "hernation": "herniation",
    "herniaton": "herniation",
    "sciatia": "sciatica",
    "headahce": "headache",
    "fractrue": "fracture",
    "compresion": "compression",
    "abcess": "abscess",
    "sacroilitis": "sacroiliitis",
    "spondylolisis": "spondylolysis",
    "diskitis": "discitis",
}
# Long words a typo is corrected towards when it is close enough.
FUZZY_VOCABULARY: tuple[str, ...] = (
    "radiculopathy",
    "myelopathy",
    "herniation",
    "stenosis",
    "fracture",
    "compression",
    "abscess",
    "sacroiliitis",
    "spondylolysis",
    "demyelinating",
    "seizure",
    "headache",
    "metastases",
    "osteomyelitis",
    "discitis",
    "ligamentous",
    "meningitis",
    "encephalitis",
    "sciatica",
    "spondyloarthritis",
    "spondylolisthesis",
    "insufficiency",
    "osteonecrosis",
    "myelitis",
)

CATEGORY_TERMS = terms(
    [
        (
            "CAUDA_EQUINA",
            r"cauda equina|saddle an(a)?esthesia|urinary (retention|incontinence)|(bowel"
            r"|bladder) (incontinence|dysfunction|control)|numb buttocks|perine(al|um) numb"
            r"|difficulty passing urine",
            "cauda equina",
        ),
        (
            "MYELOPATHY",
            r"myelopath|hyperreflexia|hoffmann|gait (instability|disturbance)|sensory level"
            r"|spastic|cord compression|clumsiness",
            "myelopathy",
        ),
        (
            "RADICULOPATHY",
            r"radicul|sciatica|radiating|dermatom|nerve root|\bc\d distribution|foot drop"
            r"|foot weakness|toe extension|ankle reflex"
            r"|\b[lcs]\d radicul",
            "radiculopathy",
        ),
        ("CORD_LESION", r"syrinx|cord lesion|intramedullary|cord signal|myelitis", "a cord lesion"),
        (
            "DEMYELINATION",
            r"multiple sclerosis|demyelinat|optic neuritis|transverse myelitis|\bnmo\b|\badem\b",
            "demyelination",
        ),
        (
            "MSK_TUMOR",
            r"sarcoma|enchondroma|osteochondroma|lipoma|soft tissue mass|bone lesion"
            r"|lytic lesion|bone tumou?r|giant cell",
            "a bone or soft-tissue tumour",
        ),
        (
            "TUMOR",
            r"tumou?r|\bmass\b|cancer|carcinoma|malignan|metasta|lymphoma|myeloma|glioma|\bgbm\b"
            r"|glioblastoma|meningioma|schwannoma|neuroma|adenoma|neoplasm|staging"
            r"|medulloblastoma|leptomeningeal|nodule|\blesion|pi-?rads|li-?rads|ipmn|\bpsa\b"
            r"|brca|melanoma|lump",
            "a tumour",
        ),
        (
            "INFECTION",
            r"infect|abscess|osteomyelitis|discitis|septic|meningitis|encephalitis|cellulitis"
            r"|bacter(a)?emia|mrsa|fistula|prob(e|ing) to bone"
            r"|\b(iv|intravenous) drug (use|user|abuse)\b|\bivdu\b|\bpwid\b",
            "infection",
        ),
        (
            "TRAUMA",
            r"trauma|motor vehicle|\bfall\b|\bfell\b|accident|gunshot|assault|head strike"
            r"|hit head|rollover|whiplash",
            "trauma",
        ),
        (
            "TRAUMA_LIGAMENT",
            r"ligament|clearance|posterior ligamentous|whiplash|atlantoaxial instability",
            "ligament injury",
        ),
        (
            "FRACTURE",
            r"fracture|compression deformity|stress reaction|insufficiency|\bsonk\b",
            "a fracture",
        ),
        ("SPONDYLOLYSIS", r"spondylolys|pars defect|\bpars\b|spondylolisthesis", "spondylolysis"),
        (
            "DEGENERATIVE_DISC",
            r"disc (herniation|protrusion|bulge|extrusion|disease|disorder)|herniated disc"
            r"|degenerative disc|stenosis|spondylosis|claudication|lumbago|\bpreop",
            "degenerative disc disease",
        ),
        ("FACET_ARTHROPATHY", r"facet|synovial cyst|medial branch|zygapophys", "facet arthropathy"),
        ("MUSCLE", r"muscle|paraspin|paraspinous|myositis|muscular|\bstrain\b", "a muscle injury"),
        ("MARROW_EDEMA", r"marrow|bone bruise|bone contusion", "marrow edema"),
        (
            "INFLAMMATORY_ARTHRITIS",
            r"sacroiliitis|sacroiliac|spondyloarthr|ankylosing|hla-?b27|inflammatory back"
            r"|psoriatic|rheumatoid|synovitis|erosion|\bsi joint",
            "inflammatory arthritis",
        ),
        (
            "SPORTS_INJURY",
            r"\bacl\b|\bpcl\b|\bmcl\b|\blcl\b|\bucl\b|\batfl\b|menisc|labr(um|al)|\bslap\b"
            r"|bankart|rotator cuff|supraspinatus|cuff tear|dislocation|sports hernia"
            r"|athletic pubalgia|hamstring|adductor|femoroacetabular|impingement|peroneal"
            r"|playing|football|soccer|basketball|hockey|volleyball|pitcher|gymnast|runner"
            r"|marathon|sprinter|skiing|sport|osteochondral|\bocd\b",
            "a sports injury",
        ),
        ("OSTEOARTHRITIS", r"osteoarthritis|chondral|arthrosis|\btka\b|\bdjd\b", "osteoarthritis"),
        ("AVASCULAR_NECROSIS", r"avascular necrosis|osteonecrosis", "avascular necrosis"),
        (
            "STROKE",
            r"stroke|transient ischemic|large vessel|\bmca\b|aphasia|facial droop|hemiparesis"
            r"|last known well|\btpa\b|infarct",
            "stroke",
        ),
        (
            "VASCULAR",
            r"dissection|aneurysm|subarachnoid|\bavm\b|horner|vasculitis|sinus thrombosis",
            "a vascular lesion",
        ),
        ("HEADACHE", r"headache|migraine|thunderclap", "headache"),
        ("SEIZURE", r"seizure|epilep|convuls", "seizure"),
        ("COGNITIVE", r"memory|dementia|cognitive|alzheimer|\bnph\b", "cognitive decline"),
        ("PULMONARY_EMBOLISM", r"pulmonary embol|d-?dimer", "pulmonary embolism"),
        (
            "LINES_TUBES",
            r"picc|line (placement|position)|central line|nasogastric|\bog tube|endotracheal"
            r"|dobhoff|feeding tube|chest tube|tube (placement|position)",
            "a line or tube check",
        ),
        ("SURVEY", r"skeletal survey|bone survey|metastatic survey", "a skeletal survey"),
        (
            "BONE_DENSITY",
            r"\bdexa|\bdxa|bone density|bone mineral|osteoporosis screening",
            "bone density",
        ),
    ]
)
