"""The classification commands are reachable through the `worklist` command itself."""

import json

from typer.testing import CliRunner

from app.cli import cli


def test_route_question_routes_a_myelopathy_question_to_neuro() -> None:
    line = {
        "modality": "MR",
        "body_part": "CSPINE",
        "study_description": "MRI CERVICAL SPINE WO",
        "clinical_question": "bilateral hand numbness, gait instability; r/o myelopathy",
    }
    result = CliRunner().invoke(cli, ["route-question"], input=json.dumps(line) + "\n")
    assert result.exit_code == 0, result.output
    routed = json.loads(result.stdout.splitlines()[0])
    assert routed["subspecialty"] == "NEURO"
    assert "MYELOPATHY" in routed["categories"]
    assert routed["reasons"]


def test_classify_series_is_registered() -> None:
    result = CliRunner().invoke(cli, ["classify-series", "--help"])
    assert result.exit_code == 0
    assert "DICOM files or folders" in result.stdout
