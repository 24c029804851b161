"""An order, however it came, written back as the ServiceRequest a FHIR client reads."""

from datetime import UTC, datetime
from typing import Any

from app.fhir.service_requests import service_request_of
from app.orders.models import Order

AUTHORED = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _order(**changes: Any) -> Order:
    facts: dict[str, Any] = {
        "id": 41,
        "accession_number": "ACC-9",
        "placer_number": "PL-1",
        "filler_number": None,
        "study_instance_uid": "1.2.3.4",
        "patient_id": "MRN-7",
        "patient_name": "DOE^JANE",
        "status": "ACTIVE",
        "last_control": "NW",
        "priority": "STAT",
        "reason": "r/o myelopathy",
        "reason_codes": ["I10:M47.1"],
        "ordering_physician": "CAMERON^ALLISON",
        "patient_class": "E",
        "patient_location": "ED 4",
        "requested_procedure": "MRI C-SPINE",
        "scheduled_at": None,
        "order_status": None,
        "source": "HL7",
        "created_at": AUTHORED,
        "updated_at": AUTHORED,
    }
    return Order(**(facts | changes))


def _written(**changes: Any) -> dict[str, Any]:
    resource = service_request_of(_order(**changes))
    return dict(resource.model_dump(mode="json", exclude_none=True, by_alias=True))


def test_what_was_read_from_an_order_is_written_back_as_kept() -> None:
    written = _written()

    assert (written["id"], written["status"], written["intent"]) == ("41", "active", "order")
    assert written["priority"] == "stat"
    typed = {
        identifier["type"]["coding"][0]["code"]: identifier["value"]
        for identifier in written["identifier"]
        if "type" in identifier
    }
    assert typed == {"ACSN": "ACC-9", "PLAC": "PL-1"}
    assert {"system": "urn:dicom:uid", "value": "urn:oid:1.2.3.4"} in written["identifier"]
    assert written["subject"] == {"identifier": {"value": "MRN-7"}, "display": "DOE^JANE"}
    assert written["requester"] == {"display": "CAMERON^ALLISON"}
    assert written["code"] == {"text": "MRI C-SPINE"}
    assert written["reasonCode"] == [{"coding": [{"code": "I10:M47.1"}], "text": "r/o myelopathy"}]
    assert written["authoredOn"].startswith("2026-12-07T08:00:00")


def test_the_encounter_is_contained_with_its_class_as_fhir_or_hl7_codes_it() -> None:
    emergency = _written()
    (encounter,) = emergency["contained"]
    assert emergency["encounter"] == {"reference": f"#{encounter['id']}"}
    assert encounter["class"]["code"] == "EMER"
    assert encounter["location"] == [{"location": {"display": "ED 4"}}]

    obstetrics = _written(patient_class="B")["contained"][0]["class"]
    assert obstetrics == {"system": "http://terminology.hl7.org/CodeSystem/v2-0004", "code": "B"}
    home = _written(patient_class="HH", source="FHIR")["contained"][0]["class"]
    assert home == {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"}
    assert "contained" not in _written(patient_class=None, patient_location=None)


def test_the_status_is_the_senders_and_revoked_once_cancelled() -> None:
    assert _written(order_status="on-hold", source="FHIR")["status"] == "on-hold"
    assert _written(order_status="IP")["status"] == "active"  # HL7 ORC-5: not a FHIR status
    assert _written(status="CANCELLED", order_status="CA")["status"] == "revoked"
    erroneous = _written(status="CANCELLED", order_status="entered-in-error", source="FHIR")
    assert erroneous["status"] == "entered-in-error"


def test_an_order_naming_no_patient_says_why_its_subject_is_empty() -> None:
    written = _written(patient_id=None, patient_name=None, reason=None, reason_codes=[])

    (absent,) = written["subject"]["extension"]
    assert absent["url"].endswith("/data-absent-reason")
    assert set(written["subject"]) == {"extension"}
    assert "reasonCode" not in written
