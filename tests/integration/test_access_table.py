"""Every route of the API has an access decision, and the decision is enforced."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.api.access import ACCESS, PUBLIC_ROUTES
from app.vocabulary import Role
from app.web.routes import page_routes


def _api_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


def test_every_route_is_public_or_in_the_access_table(client: TestClient) -> None:
    undecided = _api_routes(client) - PUBLIC_ROUTES - set(ACCESS)
    assert undecided == set(), f"routes without an access rule: {sorted(undecided)}"


def test_access_table_names_no_route_that_does_not_exist(client: TestClient) -> None:
    assert set(ACCESS) - _api_routes(client) - page_routes() == set()


def test_role_outside_the_table_gets_403_problem(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    token = make_token(Role.INTEGRATION)
    ACCESS[("GET", "/api/v1/me")] = frozenset({Role.ADMIN})
    try:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        ACCESS[("GET", "/api/v1/me")] = frozenset(Role)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "integration" in response.json()["detail"]
