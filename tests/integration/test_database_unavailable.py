"""A request that finds the database unreachable is answered 503 with Retry-After: nothing was
done and asking again soon will work, so it is no internal error (500)."""

from pathlib import Path

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.settings import Settings
from tests.support.network import free_port


def test_a_request_while_the_database_is_unreachable_gets_503_with_retry_after(
    tmp_path: Path,
) -> None:
    nothing_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/worklist"
    settings = Settings(
        WORKLIST_HOME=tmp_path, DATABASE_URL=nothing_listens, WORKLIST_READY_DICOM_ADDRESS="off"
    )
    with TestClient(create_app(settings, nothing_listens), raise_server_exceptions=False) as http:
        answer = http.get("/api/v1/tasks", headers={"Authorization": "Bearer wl_anything"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "2"
    assert "try again" in answer.json()["detail"]
