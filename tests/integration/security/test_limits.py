from collections.abc import Callable, Iterator

from fastapi.testclient import TestClient

from app.api.limits import PollingRateLimit
from app.vocabulary import Role

ME = ("GET", "/api/v1/me")


def test_declared_oversized_body_is_413_before_anything_reads_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = b"x" * (client.app.state.settings.max_body_bytes + 1)  # type: ignore[attr-defined]
    response = client.post("/api/v1/tokens", content=body, headers=admin_headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_streamed_oversized_body_is_413(client: TestClient, admin_headers: dict[str, str]) -> None:
    limit: int = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 1024 + 2):
            yield b"{" * 1024

    response = client.post("/api/v1/tokens", content=chunks(), headers=admin_headers)
    assert response.status_code == 413


def test_polling_past_the_burst_gets_429_with_retry_after(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    client.app.state.poll_limit = PollingRateLimit(  # type: ignore[attr-defined]
        per_minute=6, burst=3, routes=frozenset({ME})
    )
    fast, other = make_token(Role.ADMIN), make_token(Role.ADMIN)
    statuses = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {fast}"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {fast}"})
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
