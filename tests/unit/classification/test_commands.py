import json
from pathlib import Path

from typer.testing import CliRunner

from app.classification_commands import app
from tests.unit.classification.factories import make_dataset

runner = CliRunner()


def write_instance(folder: Path, name: str, **elements: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    make_dataset(**elements).save_as(path, enforce_file_format=True)
    return path


def output_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_classify_series_prints_one_line_per_series_from_files_and_folders(tmp_path: Path) -> None:
    study = tmp_path / "study"
    for number in (1, 2):
        write_instance(
            study / "t2",
            f"{number}.dcm",
            SeriesInstanceUID="1.2.3.1",
            SeriesNumber=1,
            InstanceNumber=number,
            ScanningSequence="SE",
            SequenceName="*tse2d1_15",
            RepetitionTime=4000,
            EchoTime=95,
            ImageOrientationPatient=[0, 1, 0, 0, 0, -1],
        )
    t1_post = write_instance(
        tmp_path / "single",
        "t1.dcm",
        SeriesInstanceUID="1.2.3.2",
        SeriesNumber=2,
        ScanningSequence="SE",
        RepetitionTime=550,
        EchoTime=10,
        ContrastBolusAgent="Gadavist",
        ScanOptions="FS",
        ImageOrientationPatient=[1, 0, 0, 0, 1, 0],
    )
    (study / "notes.txt").write_text("not dicom")

    result = runner.invoke(app, ["classify-series", str(study), str(t1_post)])

    assert result.exit_code == 0, result.output
    lines = output_lines(result.stdout)
    assert [line["series_instance_uid"] for line in lines] == ["1.2.3.1", "1.2.3.2"]
    assert set(lines[0]) == {
        "series_instance_uid",
        "sequence",
        "plane",
        "fat_sat",
        "contrast",
        "confidence",
        "reasons",
    }
    assert (lines[0]["sequence"], lines[0]["plane"]) == ("T2", "SAG")
    assert (lines[1]["sequence"], lines[1]["fat_sat"], lines[1]["contrast"]) == (
        "T1_POST",
        True,
        True,
    )
    assert "notes.txt" in result.stderr


def test_classify_series_marks_a_tri_plane_localizer_plane_unknown(tmp_path: Path) -> None:
    orientations = ([1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, -1], [1, 0, 0, 0, 0, -1])
    for number, orientation in enumerate(orientations, start=1):
        write_instance(
            tmp_path,
            f"{number}.dcm",
            SeriesInstanceUID="1.2.9",
            InstanceNumber=number,
            ScanningSequence="GR",
            SequenceName="*fl2d1",
            ImageOrientationPatient=orientation,
        )

    result = runner.invoke(app, ["classify-series", str(tmp_path)])

    [line] = output_lines(result.stdout)
    assert (line["sequence"], line["plane"]) == ("LOCALIZER", "unknown")


def test_classify_series_rejects_a_missing_path() -> None:
    result = runner.invoke(app, ["classify-series", "/nonexistent/path"])

    assert result.exit_code != 0


REFERRAL = {
    "modality": "MR",
    "body_part": "LSPINE",
    "study_description": "MRI LUMBAR SPINE WO",
    "clinical_question": "LBP x 6 wks, eval facet arthropathy, neuro intact",
}


def test_route_question_writes_one_line_per_input_line() -> None:
    stdin = (
        json.dumps(REFERRAL)
        + "\n"
        + json.dumps({**REFERRAL, "clinical_question": "r/o cauda equina"})
        + "\n"
    )

    result = runner.invoke(app, ["route-question"], input=stdin)

    assert result.exit_code == 0, result.output
    first, second = output_lines(result.stdout)
    assert set(first) == {"region", "categories", "subspecialty", "urgency", "reasons"}
    assert (first["region"], first["subspecialty"], first["urgency"]) == (
        "LSPINE",
        "MSK",
        "ROUTINE",
    )
    assert (second["subspecialty"], second["urgency"]) == ("NEURO", "STAT")


def test_route_question_reports_bad_lines_on_stderr_and_exits_non_zero() -> None:
    stdin = "not json\n" + json.dumps({"modality": 3}) + "\n" + json.dumps(REFERRAL) + "\n"

    result = runner.invoke(app, ["route-question"], input=stdin)

    assert result.exit_code == 1
    assert "line 1:" in result.stderr
    assert "line 2: modality" in result.stderr
    assert "Traceback" not in result.output
    assert len(output_lines(result.stdout)) == 1


def test_route_question_uses_a_rule_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps({"rules": [{"id": "all-to-body", "then": {"subspecialty": "BODY"}}]})
    )

    result = runner.invoke(
        app, ["route-question", "--rules", str(rules)], input=json.dumps(REFERRAL)
    )

    assert result.exit_code == 0, result.output
    assert output_lines(result.stdout)[0]["subspecialty"] == "BODY"


def test_route_question_names_the_place_of_an_invalid_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    bad = {
        "rules": [
            {"id": "x", "when": {"regoin": ["BRAIN"]}, "then": {"subspecialty": "NEURO"}},
            {"id": "default", "then": {"subspecialty": "GENERAL"}},
        ]
    }
    rules.write_text(json.dumps(bad))

    result = runner.invoke(app, ["route-question", "--rules", str(rules)], input="")

    assert result.exit_code == 2
    assert "rules.0.when.regoin" in result.stderr
