"""Integration fixtures: one migrated Postgres database per test run, emptied before each test."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.auth.service import issue_token
from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.settings import Settings
from app.vocabulary import Role
from tests.support.database import database_server, empty_all_tables, fresh_database
from tests.support.s3 import S3Server, moto_server


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database_server(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One S3 protocol server (moto) for the run; each test takes buckets of its own."""
    with moto_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture(scope="session")
def migrated_url(server_url: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = fresh_database(server_url, f"worklist_test_{worker}")
    upgrade_to_head(url)
    return url


@pytest.fixture
def database_url(migrated_url: str) -> str:
    empty_all_tables(migrated_url)
    return migrated_url


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    with session_scope(database_url) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # The API alone: its readiness does not wait for a DICOM listener (see test_readiness.py).
    return Settings(
        WORKLIST_HOME=tmp_path / "home",
        DATABASE_URL=database_url,
        WORKLIST_READY_DICOM_ADDRESS="off",
    )


@pytest.fixture
def client(settings: Settings, database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database_url)) as test_client:
        yield test_client


@pytest.fixture
def make_token(database_url: str) -> Callable[..., str]:
    """`make_token(Role.ADMIN)` → a bearer token stored in the database."""

    def make(role: Role, name: str = "test", radiologist_id: int | None = None) -> str:
        with session_scope(database_url) as session:
            issued = issue_token(session, name=name, role=role, radiologist_id=radiologist_id)
        return issued.secret

    return make


@pytest.fixture
def admin_headers(make_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(Role.ADMIN)}"}
