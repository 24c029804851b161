# ruff: noqa: E501
# fmt: off
"""Development referral cases for clinical acuity, in the shape of questions_dev_cases.py.
Written in our own words from the clinical scenarios of published imaging appropriateness
criteria; the acuity rules are tuned on these, never on the acuity held-out cases."""

CASES = [
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "progressive foot weakness over 48 hours with back pain", "LSPINE", ["RADICULOPATHY"], "NEURO", "URGENT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "sciatica 3 months, no deficit, failed conservative care", "LSPINE", ["RADICULOPATHY"], "NEURO", "ROUTINE", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "acute radicular pain L leg with new weakness of great toe extension", "LSPINE", ["RADICULOPATHY"], "NEURO", "URGENT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE W WO", "febrile, back pain, bacteraemia with staph aureus, ?spinal infection", "LSPINE", ["INFECTION"], "NEURO", "URGENT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "long-standing back pain, degenerative disc disease on x-ray", "LSPINE", ["DEGENERATIVE_DISC"], "NEURO", "ROUTINE", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "loss of bladder control and numb buttocks since this morning", "LSPINE", ["CAUDA_EQUINA"], "NEURO", "STAT", False),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "worsening clumsiness of both hands and falls, ?myelopathy", "CSPINE", ["MYELOPATHY"], "NEURO", "URGENT", True),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "stable cervical radiculopathy, follow up", "CSPINE", ["RADICULOPATHY"], "NEURO", "ROUTINE", False),
    ("MR", "TSPINE", "MRI THORACIC SPINE W WO", "breast cancer with bone metastases, new leg weakness, r/o cord compression", "TSPINE", ["TUMOR"], "NEURO", "STAT", False),
    ("MR", "TSPINE", "MRI THORACIC SPINE W WO", "known vertebral haemangioma, unchanged symptoms", "TSPINE", ["TUMOR"], "NEURO", "ROUTINE", False),
    ("MR", "BRAIN", "MRI BRAIN WO", "sudden onset of double vision and vertigo today", "BRAIN", [], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "kidney transplant on tacrolimus, new headache and fever", "BRAIN", ["HEADACHE"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN WO", "migraine with aura, long standing, no change", "BRAIN", ["HEADACHE"], "NEURO", "ROUTINE", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "new onset seizures in a patient with melanoma", "BRAIN", ["SEIZURE", "TUMOR"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "acute confusion, febrile, ?encephalitis", "BRAIN", ["INFECTION"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "pituitary microadenoma, annual surveillance", "BRAIN", ["TUMOR"], "NEURO", "ROUTINE", False),
    ("CT", "HEAD", "CT HEAD WO", "shunted hydrocephalus, worsening headache and vomiting, ?blocked shunt", "BRAIN", ["HEADACHE"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN WO", "sudden visual loss in the right eye, ?ischaemic optic neuropathy", "BRAIN", [], "NEURO", "URGENT", False),
    ("MR", "KNEE", "MRI KNEE WO", "acute knee injury playing football 3 days ago, locked knee, ?bucket handle tear", "KNEE", ["SPORTS_INJURY"], "MSK", "URGENT", True),
    ("MR", "KNEE", "MRI KNEE WO", "chronic anterior knee pain, patellofemoral", "KNEE", [], "MSK", "ROUTINE", False),
    ("MR", "KNEE", "MRI KNEE WO", "septic arthritis?, hot swollen knee, fever, on steroids", "KNEE", ["INFECTION"], "MSK", "URGENT", False),
    ("MR", "WRIST", "MRI WRIST WO", "scaphoid tenderness after injury yesterday, x-ray normal, ?occult fracture", "WRIST_HAND", ["FRACTURE"], "MSK", "URGENT", False),
    ("MR", "HIP", "MRI HIP WO", "elderly, unable to weight bear after a stumble, x-ray equivocal, ?occult neck of femur fracture", "HIP", ["FRACTURE"], "MSK", "URGENT", False),
    ("MR", "SHOULDER", "MRI SHOULDER WO", "longstanding shoulder impingement", "SHOULDER", [], "MSK", "ROUTINE", False),
    ("CT", "LSPINE", "CT LUMBAR SPINE WO", "spinal cord stimulator lead migration? sudden loss of effect", "LSPINE", [], "MSK", "URGENT", True),
    ("MR", "ANKLE", "MRI FOOT W WO", "diabetic foot ulcer probing to bone, febrile", "ANKLE_FOOT", ["INFECTION"], "MSK", "URGENT", False),
    ("MR", "ANKLE", "MRI ANKLE WO", "Achilles tendinopathy for a year", "ANKLE_FOOT", [], "MSK", "ROUTINE", False),
    ("CT", "CHEST", "CT PULMONARY ANGIOGRAM", "pleuritic pain and haemoptysis, on the pill, ?PE", "CHEST", ["PULMONARY_EMBOLISM"], "CHEST", "STAT", False),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "whiplash 6 months ago, persistent neck pain, neuro intact", "CSPINE", [], "NEURO", "ROUTINE", True),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "back pain in 80 year old on warfarin, new leg numbness, ?epidural haematoma", "LSPINE", [], "NEURO", "STAT", False),
]
