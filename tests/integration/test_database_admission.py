"""More requests at once than the pool has connections: all are served, none time out."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.db.session import POOL_CAPACITY
from app.settings import Settings
from app.vocabulary import Role
from tests.support.api_server import running_api
from tests.support.readers import bearer

CLIENTS = POOL_CAPACITY * 8
REQUESTS_EACH = 5


def test_far_more_concurrent_requests_than_connections_all_succeed(
    database_url: str, tmp_path: Path, make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token(Role.ADMIN))

    def ask(url: str) -> set[int]:
        with httpx.Client(headers=headers, timeout=60) as http:
            return {http.get(f"{url}/api/v1/me").status_code for _ in range(REQUESTS_EACH)}

    with running_api(database_url, tmp_path) as api, ThreadPoolExecutor(CLIENTS) as pool:
        statuses = set().union(*pool.map(ask, [api.url] * CLIENTS))
    assert statuses == {200}


def test_one_app_serves_one_test_client_after_another(
    settings: Settings, database_url: str, admin_headers: dict[str, str]
) -> None:
    app = create_app(settings, database_url)
    for _ in range(2):
        with TestClient(app) as client:
            assert client.get("/api/v1/me", headers=admin_headers).status_code == 200
