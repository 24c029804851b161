"""A rule set save means exactly what it says: what GET answers can be sent back, and a save
names the version it replaces, so one admin never overwrites another's save unawares."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.models import RuleSetVersion
from app.vocabulary import Role
from tests.support.readers import bearer
from tests.support.rules import BRAIN_TO_BODY, current_rules, with_first_rule

Headers = dict[str, str]


def _versions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RuleSetVersion)) or 0


def test_what_get_answers_is_saved_back_as_it_is(
    client: TestClient, admin_headers: Headers
) -> None:
    answer = client.get("/api/v1/rules", headers=admin_headers).json()

    saved = client.put("/api/v1/rules", json=answer, headers=admin_headers)

    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 2
    assert saved.json()["rules"] == answer["rules"]
    assert saved.headers["ETag"] == '"rules-2"'


def test_get_answer_with_an_unknown_field_is_still_refused_naming_it(
    client: TestClient, admin_headers: Headers, session: Session
) -> None:
    answer = client.get("/api/v1/rules", headers=admin_headers).json()

    refused = client.put("/api/v1/rules", json=answer | {"colour": "red"}, headers=admin_headers)

    assert refused.status_code == 422
    assert ["body", "colour"] in [error["loc"] for error in refused.json()["errors"]]
    assert _versions(session) == 1


def test_a_save_naming_no_version_is_428_and_saves_nothing(
    client: TestClient, admin_headers: Headers, session: Session
) -> None:
    rules = current_rules(client, admin_headers)["rules"]

    refused = client.put("/api/v1/rules", json={"rules": rules}, headers=admin_headers)

    assert refused.status_code == 428
    assert refused.headers["content-type"] == "application/problem+json"
    assert "If-Match" in refused.json()["detail"]
    assert _versions(session) == 1


def test_base_version_in_the_body_names_the_version_replaced(
    client: TestClient, admin_headers: Headers
) -> None:
    rules = current_rules(client, admin_headers)["rules"]
    body = {"rules": with_first_rule(rules, BRAIN_TO_BODY), "base_version": 1}

    assert client.put("/api/v1/rules", json=body, headers=admin_headers).status_code == 201
    assert client.put("/api/v1/rules", json=body, headers=admin_headers).status_code == 409


def test_if_match_and_body_naming_different_versions_is_422(
    client: TestClient, admin_headers: Headers
) -> None:
    current = current_rules(client, admin_headers)
    body = {"rules": current["rules"], "base_version": 2}

    refused = client.put(
        "/api/v1/rules", json=body, headers=admin_headers | {"If-Match": '"rules-1"'}
    )

    assert refused.status_code == 422
    assert "If-Match" in refused.json()["detail"]


def test_an_if_match_that_is_no_rules_etag_is_422(
    client: TestClient, admin_headers: Headers
) -> None:
    rules = current_rules(client, admin_headers)["rules"]

    refused = client.put(
        "/api/v1/rules", json={"rules": rules}, headers=admin_headers | {"If-Match": "*"}
    )

    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("If-Match")


def test_two_admins_the_later_save_on_a_stale_version_is_409_with_who_when_and_what(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    first = bearer(make_token(Role.ADMIN, name="first admin"))
    second = bearer(make_token(Role.ADMIN, name="second admin"))
    seen_by_first, seen_by_second = current_rules(client, first), current_rules(client, second)
    first_body = {"rules": with_first_rule(seen_by_first["rules"], BRAIN_TO_BODY)}
    knee = {"id": "knee", "when": {"region": ["KNEE"]}, "then": {"subspecialty": "MSK"}}
    second_body = {"rules": with_first_rule(seen_by_second["rules"], knee)}

    saved = client.put(
        "/api/v1/rules", json=first_body, headers=first | {"If-Match": seen_by_first["etag"]}
    )
    stale = client.put(
        "/api/v1/rules", json=second_body, headers=second | {"If-Match": seen_by_second["etag"]}
    )

    assert saved.status_code == 201
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    problem = stale.json()
    assert (problem["base_version"], problem["current"]["version"]) == (1, 2)
    assert problem["current"]["author"] == saved.json()["author"]
    assert problem["current"]["created_at"] == saved.json()["created_at"]
    assert problem["diff"]["added"] == ["brain-to-body"]
    assert saved.json()["author"] in problem["detail"]
    assert _versions(session) == 2
    assert current_rules(client, second)["rules"][0]["id"] == "brain-to-body"
