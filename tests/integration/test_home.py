"""Every command finds the same home wherever it runs, and says which home and database it uses."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from app.auth.models import ApiToken
from app.auth.tokens import hash_token

_LOCATION_VARIABLES = ("DATABASE_URL", "WORKLIST_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR")


def _user_env(user_home: Path, **extra: str) -> dict[str, str]:
    """A user's environment with no location set: the home comes from their data folder."""
    env = {k: v for k, v in os.environ.items() if k not in _LOCATION_VARIABLES}
    return env | {"HOME": str(user_home)} | extra


def _worklist(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _token_create(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return _worklist("token", "create", "--role", "admin", "--name", "ops", env=env, cwd=cwd)


def test_token_create_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    env = _user_env(tmp_path / "user")
    result = _token_create(env, cwd=tmp_path / "elsewhere")
    home = tmp_path / "user" / ".local" / "share" / "reading-worklist"
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"worklist: home {home}, database embedded in {home}/pgdata",
        f"worklist: no database in {home}: run `worklist up` there first, "
        "or point WORKLIST_HOME or DATABASE_URL at the service's database",
    ]
    assert not (tmp_path / "elsewhere" / "var").exists()
    assert not (home / "pgdata").exists()


def test_commands_run_from_different_folders_share_one_home(tmp_path: Path) -> None:
    data_home = tmp_path / "data"
    env = _user_env(tmp_path / "user", XDG_DATA_HOME=str(data_home))
    home = data_home / "reading-worklist"
    assert _worklist("migrate", env=env, cwd=tmp_path / "one").returncode == 0

    created = _token_create(env, cwd=tmp_path / "two")

    assert created.returncode == 0, created.stderr
    # Nothing but the one line about where the data is: no warning, no migration log.
    assert created.stderr == f"worklist: home {home}, database embedded in {home}/pgdata\n"
    assert created.stdout.splitlines()[-1].startswith("wl_")
    assert not (tmp_path / "one" / "var").exists()
    assert not (tmp_path / "two" / "var").exists()


def test_token_create_prints_only_the_home_and_database_line_on_stderr(
    database_url: str, tmp_path: Path, session: Session
) -> None:
    env = _user_env(tmp_path / "user", DATABASE_URL=database_url, WORKLIST_HOME="/srv/wl")
    result = _token_create(env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = make_url(database_url).render_as_string(hide_password=True)
    assert result.stderr == f"worklist: home /srv/wl, database {shown}\n"
    token = result.stdout.splitlines()[-1]
    assert session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one()


def test_token_create_on_a_database_without_the_schema_says_run_migrate(
    server_url: str, tmp_path: Path
) -> None:
    from tests.support.database import fresh_database

    empty = fresh_database(server_url, "worklist_not_migrated")
    env = _user_env(tmp_path / "user", DATABASE_URL=empty, WORKLIST_HOME=str(tmp_path))
    result = _token_create(env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("run `worklist migrate`")
    assert "Traceback" not in result.stderr
