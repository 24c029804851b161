"""Vocabulary of referral text: abbreviations, misspellings, category words, urgency cues, ICD-10.

Patterns run on text that has been lower-cased and had its abbreviations spelled out.
"""

from app.classification.text import terms

ABBREVIATIONS: dict[str, str] = {
    "r/o": "rule out", "eval": "evaluate", "hx": "history", "h/o": "history of",
    "s/p": "status post", "b/l": "bilateral", "bilat": "bilateral", "lbp": "low back pain",
    "hnp": "herniated disc", "ddd": "degenerative disc disease", "fx": "fracture",
    "mvc": "motor vehicle collision", "mva": "motor vehicle accident", "sx": "symptoms",
    "pt": "patient", "w/": "with", "w/o": "without", "ms": "multiple sclerosis",
    "ca": "cancer", "mets": "metastases", "ich": "intracranial hemorrhage",
    "sah": "subarachnoid hemorrhage", "tia": "transient ischemic attack", "cva": "stroke",
    "lkw": "last known well", "pe": "pulmonary embolism", "ces": "cauda equina syndrome",
    "csm": "cervical spondylotic myelopathy", "oa": "osteoarthritis",
    "ra": "rheumatoid arthritis", "avn": "avascular necrosis",
    "fai": "femoroacetabular impingement", "ed": "emergency department",
    "er": "emergency department", "inpt": "inpatient", "ams": "altered mental status",
    "nat": "non accidental trauma", "plc": "posterior ligamentous complex",
    "lvo": "large vessel occlusion", "ett": "endotracheal tube", "ngt": "nasogastric tube",
    "ng": "nasogastric", "nl": "normal", "f/u": "follow up", "gsw": "gunshot wound",
    "mmt": "medial meniscus tear", "le": "lower extremity", "ue": "upper extremity",
}
MISSPELLINGS: dict[str, str] = {
    "radiculapathy": "radiculopathy", "radiculopthy": "radiculopathy",
    "myelopthy": "myelopathy", "mylopathy": "myelopathy", "siezure": "seizure",
    "seisure": "seizure", "stenossis": "stenosis", "hernation": "herniation",
    "herniaton": "herniation", "sciatia": "sciatica", "headahce": "headache",
    "fractrue": "fracture", "compresion": "compression", "abcess": "abscess",
    "sacroilitis": "sacroiliitis", "spondylolisis": "spondylolysis", "diskitis": "discitis",
}
# Long words a typo is corrected towards when it is close enough.
FUZZY_VOCABULARY: tuple[str, ...] = (
    "radiculopathy", "myelopathy", "herniation", "stenosis", "fracture", "compression",
    "abscess", "sacroiliitis", "spondylolysis", "demyelinating", "seizure", "headache",
    "metastases", "osteomyelitis", "discitis", "ligamentous", "meningitis", "encephalitis",
    "sciatica", "spondyloarthritis", "insufficiency", "osteonecrosis", "myelitis",
)

CATEGORY_TERMS = terms(
    [
        ("CAUDA_EQUINA", r"cauda equina|saddle an(a)?esthesia|urinary (retention|incontinence)|(bowel|bladder) (incontinence|dysfunction)", "cauda equina"),
        ("MYELOPATHY", r"myelopath|hyperreflexia|hoffmann|gait (instability|disturbance)|sensory level|spastic|cord compression|clumsiness", "myelopathy"),
        ("RADICULOPATHY", r"radicul|sciatica|radiating|dermatom|nerve root|\bc\d distribution|foot drop|\b[lcs]\d radicul", "radiculopathy"),
        ("CORD_LESION", r"syrinx|cord lesion|intramedullary|cord signal|myelitis", "a cord lesion"),
        ("DEMYELINATION", r"multiple sclerosis|demyelinat|optic neuritis|transverse myelitis|\bnmo\b|\badem\b", "demyelination"),
        ("MSK_TUMOR", r"sarcoma|enchondroma|osteochondroma|lipoma|soft tissue mass|bone lesion|lytic lesion|bone tumou?r|giant cell", "a bone or soft-tissue tumour"),
        ("TUMOR", r"tumou?r|\bmass\b|cancer|carcinoma|malignan|metasta|lymphoma|myeloma|glioma|\bgbm\b|glioblastoma|meningioma|schwannoma|neuroma|adenoma|neoplasm|staging|medulloblastoma|leptomeningeal|nodule|\blesion|pi-?rads|li-?rads|ipmn|\bpsa\b|brca|melanoma|lump", "a tumour"),
        ("INFECTION", r"infect|abscess|osteomyelitis|discitis|septic|meningitis|encephalitis|cellulitis|bacteremia|mrsa|fistula", "infection"),
        ("TRAUMA", r"trauma|motor vehicle|\bfall\b|\bfell\b|accident|gunshot|assault|head strike|hit head|rollover|whiplash", "trauma"),
        ("TRAUMA_LIGAMENT", r"ligament|clearance|posterior ligamentous|whiplash|atlantoaxial instability", "ligament injury"),
        ("FRACTURE", r"fracture|compression deformity|stress reaction|insufficiency|\bsonk\b", "a fracture"),
        ("SPONDYLOLYSIS", r"spondylolys|pars defect|\bpars\b|spondylolisthesis", "spondylolysis"),
        ("DEGENERATIVE_DISC", r"disc (herniation|protrusion|bulge|extrusion|disease|disorder)|herniated disc|degenerative disc|stenosis|spondylosis|claudication|lumbago|\bpreop", "degenerative disc disease"),
        ("FACET_ARTHROPATHY", r"facet|synovial cyst|medial branch|zygapophys", "facet arthropathy"),
        ("MUSCLE", r"muscle|paraspin|paraspinous|myositis|muscular|\bstrain\b", "a muscle injury"),
        ("MARROW_EDEMA", r"marrow|bone bruise|bone contusion", "marrow edema"),
        ("INFLAMMATORY_ARTHRITIS", r"sacroiliitis|sacroiliac|spondyloarthr|ankylosing|hla-?b27|inflammatory back|psoriatic|rheumatoid|synovitis|erosion|\bsi joint", "inflammatory arthritis"),
        ("SPORTS_INJURY", r"\bacl\b|\bpcl\b|\bmcl\b|\blcl\b|\bucl\b|\batfl\b|menisc|labr(um|al)|\bslap\b|bankart|rotator cuff|supraspinatus|cuff tear|dislocation|sports hernia|athletic pubalgia|hamstring|adductor|femoroacetabular|impingement|peroneal|playing|football|soccer|basketball|hockey|volleyball|pitcher|gymnast|runner|marathon|sprinter|skiing|sport|osteochondral|\bocd\b", "a sports injury"),
        ("OSTEOARTHRITIS", r"osteoarthritis|chondral|arthrosis|\btka\b|\bdjd\b", "osteoarthritis"),
        ("AVASCULAR_NECROSIS", r"avascular necrosis|osteonecrosis", "avascular necrosis"),
        ("STROKE", r"stroke|transient ischemic|large vessel|\bmca\b|aphasia|facial droop|hemiparesis|last known well|\btpa\b|infarct", "stroke"),
        ("VASCULAR", r"dissection|aneurysm|subarachnoid|\bavm\b|horner|vasculitis|sinus thrombosis", "a vascular lesion"),
        ("HEADACHE", r"headache|migraine|thunderclap", "headache"),
        ("SEIZURE", r"seizure|epilep|convuls", "seizure"),
        ("COGNITIVE", r"memory|dementia|cognitive|alzheimer|\bnph\b", "cognitive decline"),
        ("PULMONARY_EMBOLISM", r"pulmonary embol|d-?dimer", "pulmonary embolism"),
        ("LINES_TUBES", r"picc|line (placement|position)|central line|nasogastric|\bog tube|endotracheal|dobhoff|feeding tube|chest tube|tube (placement|position)", "a line or tube check"),
        ("SURVEY", r"skeletal survey|bone survey|metastatic survey", "a skeletal survey"),
        ("BONE_DENSITY", r"\bdexa|\bdxa|bone density|bone mineral|osteoporosis screening", "bone density"),
    ]
)
NEURO_INTACT_TERMS = terms(
    [("INTACT", r"neuro(logically|logic|logical)? (exam )?(intact|normal|negative)|normal neuro|moves all (4|four)|no (focal )?(neuro(logic(al)?)? )?deficits?|intact neurologically|neuro exam normal", "neurologically intact")]
)
DEFICIT_TERMS = terms(
    [("DEFICIT", r"weakness|paresis|plegia|cord (injury|contusion)|quadripar|parapar|foot drop", "a neurological deficit")]
)
STAT_TERMS = terms(
    [
        ("STAT", r"code stroke|stroke alert|stroke|last known well|\btpa\b|large vessel occlusion|hemiparesis|aphasia", "acute stroke"),
        ("STAT", r"cauda equina|saddle an(a)?esthesia|urinary (retention|incontinence)", "cauda equina"),
        ("STAT", r"cord compression|cord (injury|contusion)", "spinal cord compression or injury"),
        ("STAT", r"epidural abscess", "epidural abscess"),
        ("STAT", r"pulmonary embol", "pulmonary embolism"),
        ("STAT", r"dissection", "dissection"),
        ("STAT", r"subarachnoid|intracranial hemorrhage|worst headache|thunderclap", "possible haemorrhage"),
        ("STAT", r"trauma|motor vehicle|\bfall\b|\bfell\b|accident|gunshot|assault|head strike|hit head|rollover", "acute trauma"),
    ]
)
URGENT_TERMS = terms(
    [
        ("URGENT", r"\bnew\b[^,.;]*(weakness|deficit|foot drop|paresis|seizure)|new onset|progressive[^,.;]*weakness|sudden weakness", "a new neurological deficit"),
        ("URGENT", r"inpatient|hospitali[sz]ed|admitted|emergency|\bicu\b", "inpatient or emergency work-up"),
        ("URGENT", r"abscess|(line|tube) (placement|position)|placement confirmation|tube position|picc placement|tube placement", "an urgent question"),
    ]
)
NEGATION_CUES = terms(
    [("NEG", r"\b(no|not|denies|denied|without|negative for|neg for|absent|free of|never)\b", "negation")]
)
HISTORY_CUES = terms(
    [("HISTORY", r"\bhistory\b|\bprior\b|\bremote\b|\bprevious\b|\bold\b|\bknown\b|\d+ ?(weeks?|wks?|months?|mos?|years?|yrs?) ago|\bin (19|20)\d\d|\b(19|20)\d\d\b|follow up|\bf u\b|surveillance", "history")]
)
ICD10_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("M54.1", "RADICULOPATHY"), ("M54.3", "RADICULOPATHY"), ("M54.4", "RADICULOPATHY"),
    ("M50.0", "MYELOPATHY"), ("M50.1", "RADICULOPATHY"), ("M50.2", "DEGENERATIVE_DISC"),
    ("M50.3", "DEGENERATIVE_DISC"), ("M51.0", "MYELOPATHY"), ("M51.1", "RADICULOPATHY"),
    ("M51.2", "DEGENERATIVE_DISC"), ("M51.3", "DEGENERATIVE_DISC"), ("M47.1", "MYELOPATHY"),
    ("M47.2", "RADICULOPATHY"), ("M47.81", "FACET_ARTHROPATHY"), ("M47.89", "FACET_ARTHROPATHY"),
    ("M48.0", "DEGENERATIVE_DISC"), ("M43.0", "SPONDYLOLYSIS"), ("M43.1", "SPONDYLOLYSIS"),
    ("M45", "INFLAMMATORY_ARTHRITIS"), ("M46.1", "INFLAMMATORY_ARTHRITIS"),
    ("M46.2", "INFECTION"), ("M46.3", "INFECTION"), ("M46.4", "INFECTION"),
    ("M46.5", "INFECTION"), ("M86", "INFECTION"), ("G06", "INFECTION"),
    ("G35", "DEMYELINATION"), ("G36", "DEMYELINATION"), ("G37", "DEMYELINATION"),
    ("H46", "DEMYELINATION"), ("G95", "CORD_LESION"), ("G99.2", "MYELOPATHY"),
    ("G83.4", "CAUDA_EQUINA"), ("C", "TUMOR"), ("D32", "TUMOR"), ("D33", "TUMOR"),
    ("D43", "TUMOR"), ("S12", "FRACTURE"), ("S22.0", "FRACTURE"), ("S32.0", "FRACTURE"),
    ("S13.4", "TRAUMA_LIGAMENT"), ("S23.3", "TRAUMA_LIGAMENT"), ("S33.5", "TRAUMA_LIGAMENT"),
    ("S14.1", "TRAUMA_NEURO_DEFICIT"), ("S24.1", "TRAUMA_NEURO_DEFICIT"),
    ("S34.1", "TRAUMA_NEURO_DEFICIT"), ("S06", "TRAUMA"), ("M80", "FRACTURE"),
    ("M84.3", "FRACTURE"), ("M84.4", "FRACTURE"), ("M62.8", "MUSCLE"), ("M60", "MUSCLE"),
    ("M79.1", "MUSCLE"), ("M23", "SPORTS_INJURY"), ("S83", "SPORTS_INJURY"),
    ("S43", "SPORTS_INJURY"), ("M75.1", "SPORTS_INJURY"), ("M16", "OSTEOARTHRITIS"),
    ("M17", "OSTEOARTHRITIS"), ("M19", "OSTEOARTHRITIS"), ("M87", "AVASCULAR_NECROSIS"),
    ("I63", "STROKE"), ("G45", "STROKE"), ("G46", "STROKE"), ("I60", "VASCULAR"),
    ("I61", "VASCULAR"), ("I62", "VASCULAR"), ("I67.0", "VASCULAR"), ("I72", "VASCULAR"),
    ("R51", "HEADACHE"), ("G43", "HEADACHE"), ("G44", "HEADACHE"), ("R56", "SEIZURE"),
    ("G40", "SEIZURE"), ("F03", "COGNITIVE"), ("G30", "COGNITIVE"), ("G31", "COGNITIVE"),
    ("R41", "COGNITIVE"), ("I26", "PULMONARY_EMBOLISM"), ("M05", "INFLAMMATORY_ARTHRITIS"),
    ("M06", "INFLAMMATORY_ARTHRITIS"), ("L40.5", "INFLAMMATORY_ARTHRITIS"),
)
# Codes that alone make a study STAT: acute spinal/head trauma (initial encounter) and emergencies.
ICD10_STAT_PREFIXES: tuple[str, ...] = (
    "S06", "S12", "S13", "S14", "S22", "S23", "S24", "S32", "S33", "S34",
    "G06", "G83.4", "I63", "I26", "I60",
)
