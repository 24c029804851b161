# ruff: noqa: E501
# fmt: off
"""Held-out referral cases for clinical acuity: (modality, body_part, study_description, question,
region, categories, subspecialty, urgency, contested). Written in our own words from the clinical
scenarios of published imaging appropriateness criteria (acute and chronic back pain, suspected
spine infection, myelopathy, acute knee and shoulder injury, vision loss, headache, shunt and
hardware failure), labelled by hand before the acuity rules were tuned on the acuity dev cases,
and never tuned on."""

CASES = [
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "back pain with leg weakness getting worse over 3 days, reduced ankle reflex", "LSPINE", ["RADICULOPATHY"], "NEURO", "URGENT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "bilateral sciatica, new perineal numbness and difficulty passing urine", "LSPINE", ["CAUDA_EQUINA"], "NEURO", "STAT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE W WO", "on dialysis, fevers and rigors, severe back pain, raised CRP, ?discitis", "LSPINE", ["INFECTION"], "NEURO", "URGENT", False),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "low back pain for 2 years, no red flags, physio not helping", "LSPINE", [], "NEURO", "ROUTINE", True),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "chronic L5 radiculopathy, stable, planning for injection", "LSPINE", ["RADICULOPATHY"], "NEURO", "ROUTINE", False),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "rapidly progressive hand weakness and unsteady gait over 1 week, ?cord compression", "CSPINE", ["MYELOPATHY"], "NEURO", "STAT", False),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "known cervical spondylosis, stable mild myelopathy, annual review", "CSPINE", ["MYELOPATHY"], "NEURO", "ROUTINE", False),
    ("MR", "TSPINE", "MRI THORACIC SPINE W WO", "prostate cancer, new thoracic back pain and band-like numbness of the trunk", "TSPINE", ["TUMOR"], "NEURO", "URGENT", True),
    ("MR", "TSPINE", "MRI THORACIC SPINE W WO", "lymphoma on chemotherapy, fever and focal thoracic spine tenderness, r/o osteomyelitis", "TSPINE", ["INFECTION"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "sudden painless loss of vision left eye this morning", "BRAIN", [], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI ORBITS W WO", "painful vision loss right eye over 2 days, ?optic neuritis", "HEAD_NECK", ["DEMYELINATION"], "NEURO", "URGENT", False),
    ("CT", "HEAD", "CT HEAD WO", "VP shunt, vomiting and drowsy since yesterday, ?shunt malfunction", "BRAIN", [], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN WO", "headache for years, unchanged, normal examination", "BRAIN", ["HEADACHE"], "NEURO", "ROUTINE", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "new headache in 72 year old on apixaban", "BRAIN", ["HEADACHE"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "HIV positive, new confusion and fever, r/o toxoplasmosis or abscess", "BRAIN", ["INFECTION"], "NEURO", "URGENT", False),
    ("MR", "BRAIN", "MRI BRAIN WO", "first seizure yesterday, now back to baseline", "BRAIN", ["SEIZURE"], "NEURO", "URGENT", True),
    ("MR", "BRAIN", "MRI BRAIN WO", "epilepsy, seizure control unchanged, surveillance of known cavernoma", "BRAIN", ["SEIZURE"], "NEURO", "ROUTINE", False),
    ("MR", "BRAIN", "MRI BRAIN W WO", "meningioma follow up, stable on last scan", "BRAIN", ["TUMOR"], "NEURO", "ROUTINE", False),
    ("MR", "KNEE", "MRI KNEE WO", "twisting injury skiing yesterday, unable to bear weight, ?tibial plateau fracture", "KNEE", ["FRACTURE"], "MSK", "URGENT", False),
    ("MR", "KNEE", "MRI KNEE WO", "knee pain for 6 months, intermittent swelling", "KNEE", [], "MSK", "ROUTINE", False),
    ("MR", "KNEE", "MRI KNEE WO", "acute knee dislocation reduced in ED, assess ligaments and popliteal artery", "KNEE", ["TRAUMA_LIGAMENT"], "MSK", "URGENT", False),
    ("MR", "SHOULDER", "MRI SHOULDER WO", "acute shoulder injury 5 days ago, cannot lift arm, ?rotator cuff tear", "SHOULDER", ["SPORTS_INJURY"], "MSK", "URGENT", True),
    ("MR", "HIP", "MRI HIP WO", "hip pain and fever, immunosuppressed transplant patient, r/o septic arthritis", "HIP", ["INFECTION"], "MSK", "URGENT", False),
    ("MR", "HIP", "MRI HIP WO", "hip osteoarthritis, pre-op assessment", "HIP", ["OSTEOARTHRITIS"], "MSK", "ROUTINE", False),
    ("CT", "LSPINE", "CT LUMBAR SPINE WO", "post L4-5 fusion, new severe pain, ?hardware failure or screw loosening", "LSPINE", [], "MSK", "URGENT", True),
    ("MR", "ANKLE", "MRI ANKLE WO", "diabetic, red hot swollen foot with fever, r/o osteomyelitis", "ANKLE_FOOT", ["INFECTION"], "MSK", "URGENT", False),
    ("MR", "ANKLE", "MRI ANKLE WO", "chronic ankle instability, old sprain", "ANKLE_FOOT", ["SPORTS_INJURY"], "MSK", "ROUTINE", False),
    ("CT", "CHEST", "CT PULMONARY ANGIOGRAM", "sudden breathlessness, tachycardic, recent long-haul flight, ?PE", "CHEST", ["PULMONARY_EMBOLISM"], "CHEST", "STAT", False),
    ("MR", "CSPINE", "MRI CERVICAL SPINE WO", "neck pain, neuro intact, no trauma, chronic", "CSPINE", [], "NEURO", "ROUTINE", True),
    ("MR", "LSPINE", "MRI LUMBAR SPINE WO", "IV drug user with fever and new leg weakness", "LSPINE", ["INFECTION"], "NEURO", "STAT", False),
]
