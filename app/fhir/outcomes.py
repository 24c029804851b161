"""OperationOutcome: how FHIR says a request failed, with where and why."""

from collections.abc import Sequence

from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from pydantic import ValidationError

FHIR_JSON = "application/fhir+json"


class ResourceInvalid(Exception):
    """A resource that parses but cannot be used (422), or one that does not parse (400)."""

    def __init__(self, status: int, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))
        self.status = status
        self.problems = list(problems)

    @classmethod
    def of_validation(cls, error: ValidationError) -> "ResourceInvalid":
        problems = [
            (".".join(str(part) for part in detail["loc"]) or "(resource)", detail["msg"])
            for detail in error.errors()
        ]
        return cls(400, problems)


def operation_outcome(problems: Sequence[tuple[str, str]], code: str = "invalid") -> str:
    """The OperationOutcome JSON: one error issue per (where, what)."""
    issues = [
        OperationOutcomeIssue(
            severity="error", code=code, diagnostics=what, expression=[where] if where else None
        )
        for where, what in problems
    ]
    return str(OperationOutcome(issue=issues).model_dump_json(exclude_none=True))
