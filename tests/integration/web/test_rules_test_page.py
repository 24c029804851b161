"""`/admin/rules/test`: a stored study found by accession by POST, or typed facts, routed by the
current rules with the reasons and the reader the engine would choose now."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.vocabulary import Role
from tests.support.factories import make_radiologist, make_study
from tests.support.web import make_account, sign_in


def test_a_stored_study_found_by_accession_shows_its_rule_and_reader(
    client: TestClient, session: Session, database_url: str
) -> None:
    make_radiologist(session, ("MSK",), name="Dr Bone")
    study = make_study(
        session, study_description="MRI CERVICAL SPINE", body_part_examined="CSPINE",
        accession_number="ACC-77", clinical_question="facet arthropathy", region="CSPINE",
        question_categories=["FACET_ARTHROPATHY"], stable_at=datetime.now(UTC),
    )  # fmt: skip
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    csrf = sign_in(client, "ms-admin")
    answer = client.post("/admin/rules/test", data={"csrf_token": csrf, "lookup": "ACC-77"})
    assert answer.status_code == 200, answer.text
    assert "msk-spine-bone-joint-question" in answer.text
    assert study.study_instance_uid in answer.text
    assert "Dr Bone" in answer.text
    assert "lowest open workload in the MSK pool" in answer.text
    audited = session.scalars(select(AuditEvent.object_id).where(AuditEvent.object_type == "study"))
    assert list(audited) == [study.study_instance_uid]


def test_typed_facts_are_classified_then_routed(client: TestClient, database_url: str) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    csrf = sign_in(client, "ms-admin")
    answer = client.post(
        "/admin/rules/test",
        data={"csrf_token": csrf, "modality": "MR", "body_part": "BRAIN",
              "study_description": "MRI BRAIN", "clinical_question": "new seizure"},
    )  # fmt: skip
    assert "neuro-brain-head-neck" in answer.text
    assert "nobody: the task would wait in the pool" in answer.text


def test_an_unknown_accession_is_404_with_a_message(client: TestClient, database_url: str) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    csrf = sign_in(client, "ms-admin")
    answer = client.post("/admin/rules/test", data={"csrf_token": csrf, "lookup": "NOPE"})
    assert answer.status_code == 404
    assert "No study has that accession number" in answer.text
