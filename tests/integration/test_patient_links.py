"""Outside patient ids keep their issuer: priors stay within one issuer until an admin links
two patients, which is audited."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.vocabulary import Role
from tests.support.factories import make_study, make_task

Headers = dict[str, str]


def _prior_uids(client: TestClient, headers: Headers, task_id: int) -> list[str]:
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=headers).json()
    return [prior["study_instance_uid"] for prior in detail["priors"]]


def _link(outside: str, issuer: str, local: str) -> dict[str, object]:
    return {
        "patient": {"patient_id": outside, "issuer": issuer},
        "same_as": {"patient_id": local, "issuer": None},
        "reason": "the referral letter names both ids",
    }


def test_an_outside_study_is_no_prior_of_a_local_patient_with_the_same_id(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    local = make_study(session, patient_id="12345")
    other_clinic = make_study(session, patient_id="12345", patient_issuer="CLINIC-SUD")
    outside = make_study(session, patient_id="12345", patient_issuer="CLINIC-NORD")
    same_clinic = make_study(session, patient_id="12345", patient_issuer="CLINIC-NORD")
    local_task, outside_task = make_task(session, local), make_task(session, outside)
    session.commit()

    assert _prior_uids(client, admin_headers, local_task.id) == []
    assert other_clinic.study_instance_uid not in _prior_uids(
        client, admin_headers, outside_task.id
    )
    assert _prior_uids(client, admin_headers, outside_task.id) == [same_clinic.study_instance_uid]


def test_patients_an_admin_linked_share_their_priors_and_the_link_is_audited(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    local = make_study(session, patient_id="004417")
    outside = make_study(session, patient_id="SO-2291", patient_issuer="CLINIC-NORD")
    third = make_study(session, patient_id="X9", patient_issuer="CLINIC-SUD")
    task = make_task(session, outside)
    session.commit()

    first = client.post(
        "/api/v1/patients/links",
        json=_link("SO-2291", "CLINIC-NORD", "004417"),
        headers=admin_headers,
    )
    second = client.post(
        "/api/v1/patients/links", json=_link("X9", "CLINIC-SUD", "004417"), headers=admin_headers
    )

    assert first.status_code == 201, first.text
    assert first.json()["same_as"] == {"patient_id": "004417", "issuer": None}
    assert second.status_code == 201, second.text
    assert set(_prior_uids(client, admin_headers, task.id)) == {
        local.study_instance_uid,
        third.study_instance_uid,  # linked through the local patient
    }
    audited = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "patient_link").order_by(AuditEvent.id)
    ).all()
    assert [event.action for event in audited] == ["PatientRecord", "PatientRecord"]
    assert audited[0].details["reason"] == "the referral letter names both ids"


def test_a_link_to_an_unknown_patient_or_one_linked_already_is_refused(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    make_study(session, patient_id="004417")
    make_study(session, patient_id="SO-2291", patient_issuer="CLINIC-NORD")
    session.commit()
    link = _link("SO-2291", "CLINIC-NORD", "004417")

    unknown = client.post(
        "/api/v1/patients/links",
        json=_link("SO-2291", "CLINIC-SUD", "004417"),
        headers=admin_headers,
    )
    client.post("/api/v1/patients/links", json=link, headers=admin_headers)
    again = client.post("/api/v1/patients/links", json=link, headers=admin_headers)

    assert unknown.status_code == 404
    assert "patient: no study carries patient id SO-2291" in unknown.json()["detail"]
    assert again.status_code == 422
    assert "one patient already" in again.json()["detail"]


def test_only_an_admin_may_link_patients(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    headers = {"Authorization": f"Bearer {make_token(Role.INTEGRATION)}"}
    answer = client.post("/api/v1/patients/links", json=_link("A", "B", "C"), headers=headers)
    assert answer.status_code == 403
