"""What runs the service in production restarts each part and installs the locked versions."""

import configparser
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("api", "listener", "hl7", "worker")


def test_compose_restarts_every_long_running_part() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in (*LONG_RUNNING, "postgres"):
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "on-failure"
    assert services["api"]["environment"]["WORKLIST_READY_DICOM_ADDRESS"] == "listener:11112"


@pytest.mark.parametrize("part", LONG_RUNNING)
def test_each_systemd_unit_restarts_its_part_always(part: str) -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "docs" / "systemd" / f"worklist-{part}.service")
    assert unit["Service"]["ExecStart"].endswith(f"/worklist {part}")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"


def test_image_and_bootstrap_install_the_locked_versions_with_hashes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps --no-build-isolation -e ." in dockerfile
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert '--require-hashes -r "$lock"' in bootstrap
    assert 'lock="$root/requirements${extras:+-$extras}.lock"' in bootstrap
