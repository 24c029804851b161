"""ORU^R01 (HL7 v2.5.1) result messages for preliminary, final and amended reports."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from app.hl7.acks import OUR_APPLICATION
from app.hl7.charsets import OUR_CHARSET
from app.hl7.timestamps import format_timestamp
from app.vocabulary import ReportKind

RESULT_VERSION = "2.5.1"
# OBR-25 / OBX-11 result status (HL7 table 0085 / 0123).
RESULT_STATUS = {ReportKind.PRELIMINARY: "P", ReportKind.FINAL: "F", ReportKind.ADDENDUM: "C"}
# OBX-8 abnormal flag (HL7 table 0078) of a critical finding.
CRITICAL_FLAG = "AA"
# HL7 v2 section 2.7.4, for the standard encoding characters; the escape character first.
# (python-hl7's own escape writes every non-ASCII character as \Xhh\, which UTF-8 needs not.)
_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\"))
# A control character inside a value (a name or an accession number as another system sent it)
# could end the segment (CR, LF) or the MLLP frame (FS) there: written as its hexadecimal escape.
# A tab is text, and stays.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ResultReport:
    """What an ORU^R01 carries: one report of one reading task, with its study and order."""

    control_id: str
    kind: ReportKind
    reported_at: datetime
    accession_number: str | None
    study_instance_uid: str
    patient_id: str | None
    patient_name: str | None
    procedure: str | None
    placer_number: str | None
    filler_number: str | None
    findings: str
    impression: str
    critical: bool
    radiologist: str | None
    radpeer: str | None


def _e(text: str | None) -> str:
    """Text escaped for a field (its separators written as \\F\\, \\S\\ and so on)."""
    text = text or ""
    for character, escaped in _ESCAPES:
        text = text.replace(character, escaped)
    return _CONTROL.sub(lambda control: f"\\X{ord(control[0]):02X}\\", text)


def _segment(name: str, fields: dict[int, str]) -> str:
    return "|".join([name, *(fields.get(number, "") for number in range(1, max(fields) + 1))])


def result_message(report: ResultReport) -> str:
    """The ORU^R01 text, segments ended by carriage returns."""
    status = RESULT_STATUS[report.kind]
    when = format_timestamp(report.reported_at)
    # Numbered from MSH-2: MSH-1 is the field separator itself.
    msh = _segment("MSH", {
        1: r"^~\&", 2: OUR_APPLICATION, 3: "RADIOLOGY", 6: when, 8: "ORU^R01^ORU_R01",
        9: _e(report.control_id), 10: "P", 11: RESULT_VERSION, 17: OUR_CHARSET,
    })  # fmt: skip
    segments = [
        msh,
        _segment("PID", {1: "1", 3: _e(report.patient_id), 5: _name(report.patient_name)}),
        _segment("ORC", {1: "RE", 2: _e(report.placer_number), 3: _e(report.filler_number)}),
        _segment(
            "OBR",
            {
                1: "1",
                2: _e(report.placer_number),
                3: _e(report.filler_number),
                4: f"^{_e(report.procedure)}",
                7: when,
                18: _e(report.accession_number),
                22: when,
                24: "RAD",
                25: status,
                32: f"&{_name(report.radiologist, '&')}",
            },
        ),  # fmt: skip
        _study_reference(report.study_instance_uid),
        *_observations(report, status),
    ]
    return "\r".join(segments) + "\r"


def _study_reference(study_instance_uid: str) -> str:
    """ZDS (IHE Radiology): the Study Instance UID as a reference pointer."""
    return _segment("ZDS", {1: f"{_e(study_instance_uid)}^{OUR_APPLICATION}^Application^DICOM"})


def _name(name: str | None, separator: str = "^") -> str:
    """A DICOM-style "Family^Given" name as an XPN (or, with "&", the parts of an XCN)."""
    return separator.join(_e(part) for part in (name or "").split("^")[:2])


def _observations(report: ResultReport, status: str) -> Iterator[str]:
    lines = [("FINDINGS^Findings^L", line, "") for line in report.findings.splitlines()]
    flag = CRITICAL_FLAG if report.critical else ""
    lines += [("IMPRESSION^Impression^L", line, flag) for line in report.impression.splitlines()]
    if report.radpeer:
        lines.append(("RADPEER^RADPEER score^L", report.radpeer, ""))
    for number, (code, text, abnormal) in enumerate(lines, start=1):
        kind = "ST" if code.startswith("RADPEER") else "TX"
        yield _segment("OBX", {
            1: str(number), 2: kind, 3: code, 5: _e(text), 8: abnormal, 11: status,
        })  # fmt: skip
