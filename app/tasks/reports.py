"""What a report must say before it is signed: plain data, no database."""

from dataclasses import dataclass

from app.errors import Invalid
from app.vocabulary import ReportKind


@dataclass(frozen=True, slots=True)
class ReportText:
    findings: str = ""
    impression: str = ""
    critical: bool = False


class IncompleteReport(Invalid):
    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(f"{' or '.join(fields)}: {message}")
        self.problem_fields = {"fields": fields}


def check_complete(kind: ReportKind, text: ReportText) -> None:
    """A final report states its impression, an addendum says something; a preliminary may not."""
    if kind is ReportKind.FINAL and not text.impression.strip():
        raise IncompleteReport("a final report needs an impression", ["impression"])
    if kind is ReportKind.ADDENDUM and not (text.findings.strip() or text.impression.strip()):
        raise IncompleteReport("an addendum needs text", ["findings", "impression"])
