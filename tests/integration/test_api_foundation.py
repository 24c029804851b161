from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import ApiToken
from app.vocabulary import Role

PROBLEM_JSON = "application/problem+json"


def test_healthz_answers_without_a_token(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_schema_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/v1/me" in client.get("/openapi.json").json()["paths"]


def test_metrics_expose_request_counts_by_route_template(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert 'worklist_http_requests_total{method="GET",route="/healthz",status="200"}' in body


def test_request_without_token_gets_401_problem(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "a bearer token is required"


def test_unknown_token_gets_401(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer wl_nonsense"})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_valid_token_identifies_the_caller(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    token = make_token(Role.INTEGRATION, name="ris")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["role"] == "integration"
    assert response.json()["name"] == "ris"


def test_revoked_and_expired_tokens_get_401(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    revoked, expired = make_token(Role.ADMIN, "revoked"), make_token(Role.ADMIN, "expired")
    now = datetime.now(UTC)
    session.execute(update(ApiToken).where(ApiToken.name == "revoked").values(revoked_at=now))
    session.execute(
        update(ApiToken)
        .where(ApiToken.name == "expired")
        .values(expires_at=now - timedelta(seconds=1))
    )
    session.commit()
    for token in (revoked, expired):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_responses_carry_a_request_id(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"


def test_malformed_json_gets_400_saying_where(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    token = make_token(Role.ADMIN, name="ops")
    response = client.post(
        "/api/v1/subspecialties",
        content=b'{"code": "PEDS",\n "name": }',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["detail"].startswith("the request body is not valid JSON")
    assert "line 2, column 10" in problem["detail"]
    assert (problem["line"], problem["column"]) == (2, 10)
