"""Rule set versions over the API: read, save, list, diff, restore, and what a save re-routes."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.rules.models import RuleSetVersion
from app.settings import Settings
from app.workflow.on_stable import on_study_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.rules import BRAIN_TO_BODY, current_rules, save_first_rule, with_first_rule


def _version_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RuleSetVersion)) or 0


def test_first_read_gives_the_shipped_rules_as_version_1(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    current = current_rules(client, admin_headers)

    assert current["version"] == 1
    assert current["rules"][-1].get("when") is None
    assert {"author", "comment", "created_at"} <= set(current)


def test_put_saves_version_2_and_audits_it(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    saved = save_first_rule(client, admin_headers, BRAIN_TO_BODY, "brain to body")

    assert (saved["version"], saved["comment"]) == (2, "brain to body")
    assert current_rules(client, admin_headers)["rules"][0]["id"] == "brain-to-body"
    audited = session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.object_type == "rule_set")
    ).all()
    assert audited == ["2"]


def test_versions_list_read_diff_and_restore(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    original = current_rules(client, admin_headers)["rules"]
    save_first_rule(client, admin_headers, BRAIN_TO_BODY)

    versions = client.get("/api/v1/rules/versions", headers=admin_headers).json()
    diff = client.get("/api/v1/rules/versions/2/diff", headers=admin_headers).json()
    restored = client.post("/api/v1/rules/versions/1/restore", headers=admin_headers)

    assert [version["version"] for version in versions] == [2, 1]
    assert (diff["added"], diff["removed"], diff["changed"]) == (["brain-to-body"], [], [])
    assert restored.status_code == 201
    assert restored.json()["version"] == 3
    assert restored.json()["rules"] == original
    assert client.get("/api/v1/rules/versions/1", headers=admin_headers).json()["rules"] == original
    assert client.get("/api/v1/rules/versions/9", headers=admin_headers).status_code == 404


def test_invalid_rule_set_is_422_at_the_exact_place_and_changes_nothing(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    rules = current_rules(client, admin_headers)["rules"]
    misspelt = with_first_rule(
        rules,
        {"id": "bad", "when": {"all": [{"regoin": ["BRAIN"]}]}, "then": {"subspecialty": "BODY"}},
    )

    body = {"rules": misspelt, "base_version": 1}
    response = client.put("/api/v1/rules", json=body, headers=admin_headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    locations = [error["loc"] for error in response.json()["errors"]]
    assert ["body", "rules", 0, "when", "all", 0, "regoin"] in locations
    assert _version_count(session) == 1


def test_unknown_pool_is_422_naming_the_rule_field(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    rules = with_first_rule(
        current_rules(client, admin_headers)["rules"],
        {"id": "to-nowhere", "when": {"region": ["BRAIN"]}, "then": {"subspecialty": "NOWHERE"}},
    )

    body = {"rules": rules, "base_version": 1}
    response = client.put("/api/v1/rules", json=body, headers=admin_headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "rules", 0, "then", "subspecialty"]
    assert response.json()["detail"].startswith("body.rules.0.then.subspecialty")
    assert _version_count(session) == 1


def test_dry_run_counts_changes_against_the_current_rules_and_saves_nothing(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
) -> None:
    for _ in range(3):
        on_study_stable(session, make_stable_brain_study(session, question="headache"), settings)
    session.commit()
    rules = with_first_rule(current_rules(client, admin_headers)["rules"], BRAIN_TO_BODY)

    response = client.post(
        "/api/v1/rules/dry-run", json={"rules": rules, "last": 2}, headers=admin_headers
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["studies"], body["changed"]) == (2, 2)
    sample = body["changes"][0]
    assert (sample["from"]["subspecialty"], sample["to"]["subspecialty"]) == ("NEURO", "BODY")
    assert sample["rule"] == "brain-to-body"
    assert _version_count(session) == 1
