import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiToken
from app.auth.tokens import hash_token
from app.db.migrations import head_revision
from tests.support.database import fresh_database
from tests.support.network import free_port


def _worklist(
    *args: str, database_url: str, home: Path, log_level: str = "INFO", **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(home),
        "WORKLIST_LOG_LEVEL": log_level,
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_token_create_prints_the_token_alone_on_the_last_line(
    database_url: str, tmp_path: Path, session: Session
) -> None:
    result = _worklist(
        "token",
        "create",
        "--role",
        "integration",
        "--name",
        "ris",
        database_url=database_url,
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    stored = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one()
    assert (stored.name, stored.role) == ("ris", "integration")


def test_radiologist_token_without_a_radiologist_is_refused_clearly(
    database_url: str, tmp_path: Path
) -> None:
    result = _worklist(
        "token",
        "create",
        "--role",
        "radiologist",
        "--name",
        "dr",
        database_url=database_url,
        home=tmp_path,
    )
    assert result.returncode == 2
    assert "needs --radiologist-id" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_role_is_refused(database_url: str, tmp_path: Path) -> None:
    result = _worklist(
        "token", "create", "--role", "root", "--name", "x", database_url=database_url, home=tmp_path
    )
    assert result.returncode == 2
    assert "root" in result.stderr


def test_migrate_is_idempotent(database_url: str, tmp_path: Path) -> None:
    assert _worklist("migrate", database_url=database_url, home=tmp_path).returncode == 0


def test_migrate_says_in_one_line_where_the_schema_is_and_whether_anything_ran(
    server_url: str, tmp_path: Path
) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = fresh_database(server_url, f"worklist_migrate_line_{worker}")

    first = _worklist("migrate", database_url=url, home=tmp_path)
    again = _worklist("migrate", database_url=url, home=tmp_path)

    head = head_revision()
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert first.stdout == f"database schema at {head} (upgraded from an empty database)\n"
    assert again.stdout == f"database schema at {head} (already there: nothing ran)\n"
    assert "alembic.runtime" not in first.stderr + again.stderr


def test_migrate_shows_alembic_at_work_when_debugging(server_url: str, tmp_path: Path) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = fresh_database(server_url, f"worklist_migrate_debug_{worker}")

    result = _worklist("migrate", database_url=url, home=tmp_path, log_level="DEBUG")

    assert result.returncode == 0, result.stderr
    assert "Running upgrade  -> 0001" in result.stderr


def test_an_hl7_character_set_the_listener_cannot_read_stops_it_at_start(
    database_url: str, tmp_path: Path
) -> None:
    result = _worklist(
        "hl7",
        database_url=database_url,
        home=tmp_path,
        WORKLIST_HL7_PORT=str(free_port()),
        WORKLIST_HL7_DEFAULT_CHARSET="latin-1",
    )
    assert result.returncode == 1
    assert "WORKLIST_HL7_DEFAULT_CHARSET 'latin-1' is not an MSH-18 character set" in result.stderr
    assert "8859/1" in result.stderr
    assert "Traceback" not in result.stderr
