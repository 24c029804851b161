"""`worklist route-question` routes with what the service routes with: a file as GET
/api/v1/rules returns it, or the current version in the service's own database."""

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support.rules import BRAIN_TO_BODY, current_rules, save_first_rule, with_first_rule

BRAIN_REFERRAL = {
    "modality": "MR",
    "body_part": "BRAIN",
    "study_description": "MRI BRAIN WO CONTRAST",
    "clinical_question": "headache",
}


def _route_question(
    *options: str, database_url: str, home: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", "route-question", *options],
        input=json.dumps(BRAIN_REFERRAL) + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _pool(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    pool: str = json.loads(result.stdout.splitlines()[-1])["subspecialty"]
    return pool


def test_a_file_as_get_returns_it_is_routed_with(
    client: TestClient, admin_headers: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    answer = current_rules(client, admin_headers)
    edited = answer | {"rules": with_first_rule(answer["rules"], BRAIN_TO_BODY)}
    del edited["etag"]
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(edited), encoding="utf-8")

    result = _route_question("--rules", str(rules_file), database_url=database_url, home=tmp_path)

    assert {"version", "author", "created_at"} <= set(edited)
    assert _pool(result) == "BODY"


def test_a_file_with_an_unknown_field_is_refused_naming_it(
    client: TestClient, admin_headers: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    answer = current_rules(client, admin_headers)
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(answer), encoding="utf-8")  # "etag" is not a field

    result = _route_question("--rules", str(rules_file), database_url=database_url, home=tmp_path)

    assert result.returncode == 2
    assert "etag" in result.stderr


def test_from_database_routes_with_the_current_version(
    client: TestClient, admin_headers: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    save_first_rule(client, admin_headers, BRAIN_TO_BODY)

    live = _route_question("--from-database", database_url=database_url, home=tmp_path)
    shipped = _route_question(database_url=database_url, home=tmp_path)

    assert (_pool(live), _pool(shipped)) == ("BODY", "NEURO")
    assert "rule set version 2" in live.stderr
