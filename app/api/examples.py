"""An example of every request and answer body, by the name of its schema in the OpenAPI document.

`app/api/openapi.py` shows each beside the operations that take or return that schema; a test
checks each against the model it illustrates, so an example cannot drift from what the API does.
"""

import json
from typing import Any

from app.dicomweb.native_xml import native_xml

STUDY_UID = "1.2.826.0.1.3680043.8.498.10749"
SERIES_UID = "1.2.826.0.1.3680043.8.498.10749.3"
WHEN = "2026-12-06T08:15:00Z"

TASK_ITEM: dict[str, Any] = {
    "id": 4711,
    "kind": "PRIMARY",
    "primary_task_id": None,
    "study_instance_uid": STUDY_UID,
    "state": "IN_PROGRESS",
    "subspecialty": "NEURO",
    "priority": "URGENT",
    "assignee_id": 3,
    "assignee_name": "Dr Lee",
    "due_at": "2026-12-06T12:15:00Z",
    "overdue": False,
    "version": 3,
    "change_seq": 91822,
    "lease_expires_at": "2026-12-06T08:45:00Z",
    "radpeer": None,
    "patient_name": "DOE^JANE",
    "patient_display_name": "DOE, JANE",
    "patient_id": "MRN-20931",
    "patient_age": "054Y",
    "patient_sex": "F",
    "accession_number": "ACC-77812",
    "study_description": "MR CERVICAL SPINE W/O",
    "modalities": ["MR"],
    "region": "SPINE",
    "institution": "General Hospital",
    "series_count": 6,
    "sequence_summary": "T1 SAG, T2 SAG, STIR SAG, T2 AX",
    "question_summary": "neck pain radiating to the left arm, radiculopathy?",
    "created_at": WHEN,
}
SERIES = {
    "series_instance_uid": SERIES_UID,
    "series_number": 3,
    "modality": "MR",
    "series_description": "T2 SAG",
    "body_part_examined": "CSPINE",
    "instance_count": 15,
    "sequence": "T2",
    "plane": "SAG",
    "fat_sat": False,
    "contrast": False,
    "classification_reasons": [
        "TE 102 ms and TR 3500 ms: T2-weighted",
        "slice normal along x: SAG",
    ],
    "confidence": {"sequence": "high", "plane": "high", "fat_sat": "medium"},
}
STUDY_SUMMARY: dict[str, Any] = {
    "study_instance_uid": STUDY_UID,
    "patient_id": "MRN-20931",
    "patient_issuer": None,
    "patient_name": "DOE^JANE",
    "patient_display_name": "DOE, JANE",
    "accession_number": "ACC-77812",
    "study_date": "2026-12-06",
    "study_description": "MR CERVICAL SPINE W/O",
    "modalities": ["MR"],
    "institution_name": "General Hospital",
    "stable_at": WHEN,
}
STUDY_VIEW = STUDY_SUMMARY | {
    "patient_birth_date": "1972-03-14",
    "patient_sex": "F",
    "body_part_examined": "CSPINE",
    "referring_physician": "SMITH^ANNA",
    "clinical_question": "neck pain radiating to the left arm, radiculopathy?",
    "requested_priority": "ROUTINE",
    "source_ae_title": "MR_SCANNER_1",
    "instance_count": 90,
    "region": "SPINE",
    "question_categories": ["RADICULOPATHY"],
    "urgency": "URGENT",
    "classification_reasons": ["body part CSPINE: SPINE"],
    "confidence": {"region": "high", "categories": "high", "urgency": "medium"},
    "series": [SERIES],
}
REPORT = {
    "kind": "FINAL",
    "findings": "C5-C6 disc protrusion narrowing the left neural foramen.",
    "impression": "Left C5-C6 foraminal stenosis, matching the symptoms.",
    "critical": False,
    "author_id": 3,
    "created_at": WHEN,
}
RULES = [
    {
        "id": "neuro-spine",
        "name": "Spine MR to neuroradiology",
        "when": {"all": [{"modality": ["MR"]}, {"region": ["SPINE"]}]},
        "then": {"subspecialty": "NEURO"},
    },
    {"id": "default", "name": "Everything else", "then": {"subspecialty": "GENERAL"}},
]
RULE_SET_VERSION = {
    "version": 7,
    "rules": RULES,
    "author": "ops",
    "comment": "spine MR to neuro",
    "created_at": WHEN,
}
RADIOLOGIST = {
    "id": 3,
    "name": "Dr Lee",
    "active": True,
    "on_duty": True,
    "shift_windows": [{"start": "18:00:00", "end": "07:00:00", "days": ["FRI"]}],
    "max_open_tasks": 20,
    "subspecialties": ["NEURO"],
    "institutions": [],
    "states": [],
    "last_assigned_at": WHEN,
    "created_at": "2026-11-02T09:00:00Z",
    "updated_at": "2026-11-02T09:00:00Z",
}
TOKEN = {
    "id": 12,
    "name": "reading-room-3",
    "role": "radiologist",
    "token_prefix": "wl_Kx8f",
    "radiologist_id": 3,
    "created_at": WHEN,
    "expires_at": "2027-03-06T08:15:00Z",
    "revoked_at": None,
    "last_used_at": None,
}
AUDIT_EVENT = {
    "id": 5512,
    "occurred_at": WHEN,
    "actor": "reading-room-3",
    "role": "radiologist",
    "action": "claim",
    "object_type": "reading_task",
    "object_id": "4711",
    "outcome": "success",
    "source_address": "10.0.4.17",
    "details": {"action": "claim", "from_state": "ASSIGNED", "to_state": "IN_PROGRESS"},
}
TURNAROUND = {
    "group": "URGENT",
    "finalized": 42,
    "median_minutes": 95.0,
    "p90_minutes": 210.5,
    "finalized_late": 3,
}
CONCORDANCE = {
    "group": "NEURO",
    "total": 20,
    "scores": {"1": 17, "2a": 2, "3a": 1},
    "agreement_rate": 0.85,
    "needs_review": 1,
}

PATIENT_LINK = {
    "patient": {"patient_id": "SO-2291", "issuer": "CLINIC-NORD"},
    "same_as": {"patient_id": "004417", "issuer": None},
    "reason": "same name, birth date and sex; the patient's referral letter names both ids",
}
REQUESTS: dict[str, Any] = {
    "PatientLinkIn": PATIENT_LINK,
    "VersionIn": {"version": 2},
    "HeartbeatIn": {"version": 3},
    "ReportIn": {"version": 3, "findings": "C5-C6 disc protrusion.", "impression": "Preliminary"},
    "FinalizeIn": {
        "version": 4,
        "findings": "C5-C6 disc protrusion narrowing the left neural foramen.",
        "impression": "Left C5-C6 foraminal stenosis, matching the symptoms.",
        "critical": False,
    },
    "AssignIn": {"version": 1, "radiologist_id": 3},
    "CancelIn": {"version": 2, "reason": "ordered twice"},
    "StudyPatch": {"clinical_question": "sudden severe headache", "priority": "STAT"},
    "SecondOpinionIn": {"subspecialty": "NEURO", "radiologist_id": 5},
    "TokenCreate": {"name": "reading-room-3", "role": "radiologist", "radiologist_id": 3},
    "RadiologistCreate": {
        "name": "Dr Lee",
        "subspecialties": ["NEURO"],
        "on_duty": True,
        "max_open_tasks": 20,
    },
    "RadiologistUpdate": {"on_duty": False},
    "SubspecialtyCreate": {"code": "PEDS", "name": "Paediatrics"},
    "SeriesCorrectionIn": {"sequence": "STIR", "reason": "fat-suppressed T2 named as T2"},
    "StudyCorrectionIn": {"urgency": "URGENT", "reason": "new weakness since yesterday"},
    "UserCreate": {"name": "dr-lee", "role": "radiologist", "radiologist_id": 3},
    "UserPatch": {"active": False},
    "RuleSetSave": {"rules": RULES, "comment": "spine MR to neuro", "base_version": 6},
    "DryRunRequest": {"rules": RULES, "last": 1000},
    "SecondOpinionRequestIn": {
        "study_instance_uid": STUDY_UID,
        "requester": {
            "organisation": "Clinique du Lac",
            "contact_name": "Dr Anna Smith",
            "contact_email": "a.smith@clinique-du-lac.example",
        },
        "clinical_question": "Progressive arm weakness; cervical myelopathy?",
        "service_level": "24h",
        "outside_report": "Mild degenerative changes, no cord compression.",
        "subspecialty": "NEURO",
    },
}

SIGN_IN_ACCOUNT = {
    "id": 4,
    "name": "dr-lee",
    "role": "radiologist",
    "radiologist_id": 3,
    "active": True,
    "has_password": False,
    "link_expires_at": "2026-12-07T08:00:00Z",
    "created_at": WHEN,
}

ORDER = {
    "id": 812,
    "accession_number": "ACC-2026-00917",
    "placer_number": "PL-55120",
    "filler_number": "FL-99812",
    "study_instance_uid": STUDY_UID,
    "patient_id": "MRN-0042",
    "status": "ACTIVE",
    "last_control": "NW",
    "priority": "URGENT",
    "reason": "neck pain with bilateral hand numbness, r/o myelopathy",
    "reason_codes": ["M47.12"],
    "ordering_physician": "SMITH^ANNA",
    "patient_class": "E",
    "patient_location": "ED^BAY3",
    "requested_procedure": "MRI CERVICAL SPINE WO CONTRAST",
    "scheduled_at": WHEN,
    "source": "hl7:RIS",
    "study_id": 1088,
    "matched_at": WHEN,
    "created_at": WHEN,
    "updated_at": WHEN,
}
DELIVERY = {
    "id": 77,
    "destination": "ris.example.org:2576",
    "message_type": "ORU^R01",
    "control_id": "WL4711F1",
    "task_id": 4711,
    "report_id": 930,
    "state": "REJECTED",
    "attempts": 1,
    "next_attempt_at": WHEN,
    "ack_code": "AE",
    "last_error": "unknown accession number",
    "created_at": WHEN,
    "sent_at": WHEN,
}

SECOND_OPINION_REQUEST: dict[str, Any] = {
    "id": 42,
    "status": "final",
    "study_instance_uid": STUDY_UID,
    "requester": {
        "organisation": "Clinique du Lac",
        "contact_name": "Dr Anna Smith",
        "contact_email": "a.smith@clinique-du-lac.example",
    },
    "clinical_question": "Progressive arm weakness; cervical myelopathy?",
    "service_level": "24h",
    "subspecialty": "NEURO",
    "outside_report": "Mild degenerative changes, no cord compression.",
    "task_id": 4711,
    "due_at": "2026-12-07T08:15:00Z",
    "received_at": WHEN,
    "finalized_at": "2026-12-06T15:40:00Z",
    "created_at": WHEN,
    "report": {
        "findings": "C5-C6 disc protrusion with cord signal change.",
        "impression": "Cervical myelopathy at C5-C6.",
        "reader_name": "Dr Lee",
        "reader_subspecialty": "NEURO",
        "concordance": "major discrepancy",
        "signed_at": "2026-12-06T15:40:00Z",
        "addenda": [],
    },
}

ANSWERS: dict[str, Any] = {
    "SecondOpinionRequestView": SECOND_OPINION_REQUEST,
    "SecondOpinionRequestList": {"items": [SECOND_OPINION_REQUEST], "next_cursor": None},
    "PatientLinkOut": PATIENT_LINK | {"id": 3, "linked_by": "admin-ward", "created_at": WHEN},
    "OrderView": ORDER,
    "OrderList": {"items": [ORDER]},
    "DeliveryList": {"items": [DELIVERY]},
    "UploadAnswer": {
        "stored": 24,
        "studies": [
            STUDY_SUMMARY
            | {
                "patient_issuer": "LAKESIDE CLINIC",
                "stable_at": None,
                "series": [{"series_instance_uid": SERIES_UID, "instances": 24}],
            }
        ],
        "skipped": [{"name": "cd.zip/README.TXT", "reason": "not a DICOM file"}],
        "refused": [
            {"name": "cd.zip/IMG/0007", "reason": "cannot parse dataset: InvalidDicomError"}
        ],
    },
    "Me": {"token_id": 12, "name": "reading-room-3", "role": "radiologist", "radiologist_id": 3},
    "TaskItem": TASK_ITEM,
    "TaskPage": {"items": [TASK_ITEM], "next_cursor": "eyJrIjpbMCwiMjAyNi0xMi0wNiJdfQ"},
    "Changes": {
        "items": [TASK_ITEM],
        "second_opinion_requests": [
            {"id": 42, "status": "in review", "task_id": 4711, "study_instance_uid": STUDY_UID}
        ],
        "cursor": "812345.91822",
    },
    "TaskDetail": TASK_ITEM
    | {
        "rule_version": 7,
        "route_reasons": ["rule neuro-spine: modality MR and region SPINE"],
        "second_opinion_subspecialty": None,
        "radpeer_comment": None,
        "needs_review": False,
        "images_added_after_routing": None,
        "allowed_actions": ["heartbeat", "release", "preliminary", "finalize"],
        "study": STUDY_VIEW,
        "history": [
            {
                "action": "claim",
                "from_state": "ASSIGNED",
                "to_state": "IN_PROGRESS",
                "actor": "reading-room-3",
                "details": {},
                "occurred_at": WHEN,
            }
        ],
        "reports": [],
        "linked_tasks": [],
        "priors": [STUDY_SUMMARY | {"study_instance_uid": "1.2.826.0.1.3680043.8.498.511"}],
    },
    "TaskEligibility": {
        "task_id": 4711,
        "state": "UNASSIGNED",
        "subspecialty": "NEURO",
        "priority": "URGENT",
        "assignee_id": None,
        "would_choose": 3,
        "radiologists": [
            {
                "id": 3,
                "name": "Dr Lee",
                "eligible": True,
                "reasons": ["on duty", "in NEURO", "4 of 20 open tasks"],
                "open_tasks": 4,
                "open_workload": 8.0,
            }
        ],
    },
    "StudyView": STUDY_VIEW,
    "SeriesView": SERIES
    | {
        "sequence": "STIR",
        "confidence": {"sequence": "high", "plane": "high", "fat_sat": "medium"},
        "correction": {
            "sequence": "STIR",
            "reason": "fat-suppressed T2 named as T2",
            "corrected_by": "dr-lee",
            "corrected_at": WHEN,
        },
    },
    "StudyPage": {"items": [STUDY_SUMMARY], "next_cursor": "1088"},
    "RadiologistOut": RADIOLOGIST,
    "SubspecialtyOut": {"code": "NEURO", "name": "Neuroradiology"},
    "RuleSetVersionOut": RULE_SET_VERSION,
    "RuleSetSaved": RULE_SET_VERSION
    | {
        "rerouted": {
            "tasks": 3,
            "moves": [
                {
                    "from": {"subspecialty": "MSK", "priority": "ROUTINE"},
                    "to": {"subspecialty": "NEURO", "priority": "ROUTINE"},
                    "tasks": 3,
                }
            ],
        }
    },
    "RuleSetVersionSummary": {
        "version": 7,
        "author": "ops",
        "comment": "spine MR to neuro",
        "created_at": WHEN,
        "rule_count": 2,
    },
    "RuleSetDiff": {
        "from_version": 6,
        "to_version": 7,
        "added": ["neuro-spine"],
        "removed": [],
        "changed": [],
        "order_changed": False,
    },
    "DryRunResult": {
        "studies": 1000,
        "changed": 12,
        "changed_pool": 12,
        "changed_priority": 0,
        "current_version": 6,
        "moves": [
            {
                "from": {"subspecialty": "MSK", "priority": "ROUTINE"},
                "to": {"subspecialty": "NEURO", "priority": "ROUTINE"},
                "studies": 12,
                "tasks": 3,
            }
        ],
        "changes": [
            {
                "study_instance_uid": STUDY_UID,
                "from": {"subspecialty": "MSK", "priority": "ROUTINE", "rule": "msk-spine"},
                "to": {"subspecialty": "NEURO", "priority": "ROUTINE", "rule": "neuro-spine"},
                "rule": "neuro-spine",
                "task_id": 4711,
                "task_state": "ASSIGNED",
                "task_moves": True,
            }
        ],
        "next_cursor": None,
    },
    "UserOut": SIGN_IN_ACCOUNT,
    "UserWithLink": SIGN_IN_ACCOUNT
    | {
        "set_password_link": "http://127.0.0.1:8000/set-password/wl_Q3v9T0aKx7mB2cR8yLp4NwZ1eH6sJdU5"
    },
    "TokenOut": TOKEN,
    "TokenCreated": TOKEN | {"token": "wl_Kx8fQ2mZr9V0bT3yLw7pN1sHcE5uJ4aD"},
    "TokenPage": {"tokens": [TOKEN], "next_cursor": None},
    "QuarantineList": {
        "datasets": [
            {
                "name": "20261206T081500-3f9a0c1b2d4e.dcm",
                "reason": "missing or invalid StudyInstanceUID",
                "size": 528438,
                "quarantined_at": WHEN,
            }
        ]
    },
    "ReingestAnswer": {
        "name": "20261206T081500-3f9a0c1b2d4e.dcm",
        "status": "0x0000",
        "detail": "stored",
        "stored": True,
    },
    "AuditPage": {"events": [AUDIT_EVENT], "next_cursor": 5511},
    "ConcordanceReport": {
        "since": "2026-11-06T00:00:00Z",
        "by_subspecialty": [CONCORDANCE],
        "by_reader": [CONCORDANCE | {"group": "3", "reader": {"id": 3, "name": "Dr Lee"}}],
    },
    "TurnaroundReport": {
        "since": "2026-11-06T00:00:00Z",
        "by_priority": [TURNAROUND],
        "by_subspecialty": [TURNAROUND | {"group": "NEURO"}],
        "by_reader": [TURNAROUND | {"group": "3", "reader": {"id": 3, "name": "Dr Lee"}}],
        "overdue_open_by_priority": {"STAT": 0, "URGENT": 2, "ROUTINE": 5},
    },
    "IngestReport": {
        "since": "2026-12-05T08:30:00Z",
        "instances": 1240,
        "per_minute": [
            {"minute": "2026-12-05T09:14:00Z", "instances": 640},
            {"minute": "2026-12-05T09:15:00Z", "instances": 600},
        ],
        "per_hour": [{"hour": "2026-12-05T09:00:00Z", "instances": 1240, "busiest_minute": 640}],
        "failures_by_status": {"0xA700": 3, "0xC000": 1},
        "waiting_for_stability": 2,
    },
}

# Answers that are not JSON documents.
READY = {"status": "ready", "schema": "0003_change_xid"}
SCRAPE = 'worklist_http_requests_total{method="GET",route="/api/v1/tasks",status="200"} 1042.0\n'
EVENT_STREAM = (
    "id: 812345.91822\nevent: task\ndata: "
    + json.dumps({key: TASK_ITEM[key] for key in ("id", "change_seq", "kind", "state", "version")})
    + "\n\n"
)
AUDIT_LINES = json.dumps(AUDIT_EVENT) + "\n"

# FHIR resources, in `application/fhir+json`.
FHIR_SERVICE_REQUEST = {
    "resourceType": "ServiceRequest",
    "id": "812",
    "status": "active",
    "intent": "order",
    "priority": "urgent",
    "identifier": [
        {"type": {"coding": [{"code": "ACSN"}]}, "value": "ACC-2026-00917"},
    ],
    "code": {"text": "MRI CERVICAL SPINE WO CONTRAST"},
    "subject": {"identifier": {"value": "MRN-0042"}},
    "reasonCode": [{"text": "neck pain with bilateral hand numbness, r/o myelopathy"}],
}
FHIR_DIAGNOSTIC_REPORT = {
    "resourceType": "DiagnosticReport",
    "id": "4711",
    "status": "final",
    "code": {"text": "MRI CERVICAL SPINE WO CONTRAST"},
    "conclusion": "Multilevel degenerative disc disease without cord compression.",
    "performer": [{"display": "Dr Lee"}],
    "imagingStudy": [{"identifier": {"system": "urn:dicom:uid", "value": f"urn:oid:{STUDY_UID}"}}],
}
FHIR_TASK = {
    "resourceType": "Task",
    "id": "4711",
    "status": "in-progress",
    "intent": "order",
    "code": {"text": "read imaging study"},
    "owner": {"display": "Dr Lee"},
}
FHIR_CAPABILITY_STATEMENT = {
    "resourceType": "CapabilityStatement",
    "status": "active",
    "date": "2026-12-07T08:00:00+00:00",
    "kind": "instance",
    "fhirVersion": "4.0.1",
    "format": ["application/fhir+json", "json"],
    "rest": [
        {
            "mode": "server",
            "resource": [
                {
                    "type": "Task",
                    "interaction": [{"code": "read"}, {"code": "search-type"}],
                    "searchParam": [
                        {"name": "identifier", "type": "token"},
                        {"name": "_id", "type": "token"},
                    ],
                }
            ],
        }
    ],
}
OPERATION_OUTCOME = {
    "resourceType": "OperationOutcome",
    "issue": [
        {
            "severity": "error",
            "code": "invalid",
            "diagnostics": "an identifier of type ACSN (the accession number) is needed",
            "expression": ["ServiceRequest.identifier"],
        }
    ],
}


def search_set(resource: dict[str, Any]) -> dict[str, Any]:
    """A FHIR searchset Bundle of one resource, as a search answers."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [{"resource": resource}],
    }


STORED_INSTANCE_URL = f"https://worklist.example.org/dicomweb/studies/{STUDY_UID}/series/{SERIES_UID}/instances/{SERIES_UID}.1"
STORE_RESPONSE = {
    "00081190": {
        "vr": "UR",
        "Value": [f"https://worklist.example.org/dicomweb/studies/{STUDY_UID}"],
    },
    "00081199": {
        "vr": "SQ",
        "Value": [
            {
                "00081150": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.4"]},
                "00081155": {"vr": "UI", "Value": [f"{SERIES_UID}.1"]},
                "00081190": {"vr": "UR", "Value": [STORED_INSTANCE_URL]},
            }
        ],
    },
}
STORE_RESPONSE_XML = native_xml(STORE_RESPONSE).decode()
STORE_RESPONSE_PARTLY = STORE_RESPONSE | {
    "00081198": {"vr": "SQ", "Value": [{"00081197": {"vr": "US", "Value": [0xC000]}}]}
}
