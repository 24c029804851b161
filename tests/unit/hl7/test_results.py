"""ORU^R01 text: every value stays inside its field, however another system wrote it."""

from datetime import UTC, datetime

from app.hl7.er7 import parse
from app.hl7.results import ResultReport, result_message
from app.vocabulary import ReportKind


def _report(**changes: object) -> ResultReport:
    values: dict[str, object] = {
        "control_id": "R1",
        "kind": ReportKind.FINAL,
        "reported_at": datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        "accession_number": "ACC1",
        "study_instance_uid": "1.2.3",
        "patient_id": "P1",
        "patient_name": "Doe^Jane",
        "procedure": "CT HEAD",
        "placer_number": "PLC1",
        "filler_number": "FIL1",
        "findings": "No bleed.",
        "impression": "Normal.",
        "critical": False,
        "radiologist": "Reader^Rita",
        "radpeer": None,
    }
    return ResultReport(**(values | changes))  # type: ignore[arg-type]


def test_separators_and_line_breaks_inside_values_stay_inside_their_fields() -> None:
    report = _report(
        accession_number="ACC\n1\x1c",
        patient_name="O'Brien|Smith^Ann\rMarie",
        procedure="CT & CTA ~ head\\neck",
    )

    message = parse(result_message(report))

    names = [segment.name for segment in message.segments]
    assert names == ["MSH", "PID", "ORC", "OBR", "ZDS", "OBX", "OBX"]
    (obr,) = message.segments_named("OBR")
    (pid,) = message.segments_named("PID")
    assert obr.text(18) == "ACC\\X0A\\1\\X1C\\"
    assert (pid.value(5, 1), pid.value(5, 2)) == ("O'Brien|Smith", "Ann\nMarie")
    assert obr.value(4, 2) == "CT & CTA ~ head\\neck"


def test_each_line_of_the_report_is_an_observation() -> None:
    report = _report(findings="one\ntwo\r\nthree", impression="size:\t4 mm")
    message = parse(result_message(report))

    texts = [segment.value(5) for segment in message.segments_named("OBX")]
    assert texts == ["one", "two", "three", "size:\t4 mm"]
