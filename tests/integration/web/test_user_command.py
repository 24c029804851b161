"""`worklist user create` prints a one-time link that sets the new account's password."""

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support.web import PASSWORD, form_token_of, sign_in


def test_user_create_prints_a_link_that_sets_the_password(
    database_url: str, tmp_path: Path, client: TestClient
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(tmp_path),
           "WORKLIST_PUBLIC_URL": "https://reading.example"}  # fmt: skip
    command = [sys.executable, "-m", "app", "user", "create", "--name", "ops", "--role", "admin"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith("https://reading.example/set-password/wl_")
    path = link.removeprefix("https://reading.example")
    token = form_token_of(client.get(path).text)
    assert client.post(path, data={"password": PASSWORD, "csrf_token": token}).status_code == 200
    sign_in(client, "ops")


def test_a_radiologist_account_without_a_radiologist_is_refused_clearly(
    database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(tmp_path)}
    command = [
        sys.executable,
        "-m",
        "app",
        "user",
        "create",
        "--name",
        "dr",
        "--role",
        "radiologist",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "needs a radiologist id" in result.stderr
    assert "Traceback" not in result.stderr
