"""The acuity of each question category is data in the rule set: saved with it, tried by the
dry run."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.tasks.models import ReadingTask
from app.workflow.on_stable import on_study_stable
from tests.integration.routing.studies import make_stable_brain_study

Headers = dict[str, str]


def test_the_dry_run_applies_a_proposed_acuity_table(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    on_study_stable(session, make_stable_brain_study(session, question="headache"), settings)
    session.commit()
    current = client.get("/api/v1/rules", headers=admin_headers).json()
    proposed = {"rules": current["rules"], "acuity": {**current["acuity"]}}
    proposed["acuity"]["HEADACHE"] = {"usual": "URGENT"}

    response = client.post(
        "/api/v1/rules/dry-run", json={**proposed, "last": 1}, headers=admin_headers
    )

    assert response.status_code == 200, response.text
    [change] = response.json()["changes"]
    assert (change["from"]["priority"], change["to"]["priority"]) == ("ROUTINE", "URGENT")


def test_an_acuity_table_is_saved_and_read_back_with_the_rules(
    client: TestClient, admin_headers: Headers
) -> None:
    current = client.get("/api/v1/rules", headers=admin_headers).json()
    edited = {
        "rules": current["rules"],
        "acuity": {"HEADACHE": {"usual": "URGENT"}},
        "base_version": current["version"],
    }

    saved = client.put("/api/v1/rules", json=edited, headers=admin_headers)

    assert saved.status_code == 201, saved.text
    shown = client.get("/api/v1/rules", headers=admin_headers).json()
    assert shown["acuity"] == {"HEADACHE": {"usual": "URGENT"}}


def test_an_unknown_category_in_the_acuity_table_is_refused_by_name(
    client: TestClient, admin_headers: Headers
) -> None:
    current = client.get("/api/v1/rules", headers=admin_headers).json()
    edited = {
        "rules": current["rules"],
        "acuity": {"HEADACHES": {"usual": "URGENT"}},
        "base_version": current["version"],
    }

    refused = client.put("/api/v1/rules", json=edited, headers=admin_headers)

    assert refused.status_code == 422
    assert "acuity" in refused.text


def test_a_stable_study_is_routed_with_the_stored_acuity_and_its_reason(
    session: Session, settings: Settings
) -> None:
    study_id = make_stable_brain_study(session, question="transplant patient, fever, ?meningitis")

    on_study_stable(session, study_id, settings)

    task = session.scalars(select(ReadingTask).where(ReadingTask.study_id == study_id)).one()
    assert task.priority == "URGENT"
    assert any("INFECTION is URGENT when acute" in reason for reason in task.route_reasons)
