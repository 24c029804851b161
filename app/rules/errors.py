"""What can go wrong with rule sets."""

from typing import Any

from app.errors import Conflict, Invalid, NotFound, PreconditionRequired
from app.rules.models import RuleSetVersion
from app.rules.schemas import RuleSetDiff, RuleSetVersionSummary


class RuleSetVersionNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"no rule set version {version}")


class RuleSetInvalid(Invalid):
    """A rule set that parses but names something that does not exist, at an exact place."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        super().__init__(f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}")
        self.problem_fields = {"errors": errors}


class RuleSetBaseRequired(PreconditionRequired):
    def __init__(self) -> None:
        super().__init__(
            "name the version this rule set replaces: send the ETag of GET /api/v1/rules as "
            "If-Match, or base_version in the body"
        )


class RuleSetStale(Conflict):
    """Someone saved a newer version since the one this save was based on."""

    def __init__(self, base: int, current: RuleSetVersion, diff: RuleSetDiff | None) -> None:
        super().__init__(
            f"version {base} is not the current rule set: version {current.version} was saved "
            f"by {current.author} at {current.created_at.isoformat()}; merge its changes and "
            f"save again based on version {current.version}"
        )
        summary = RuleSetVersionSummary.of(current)
        self.problem_fields = {"base_version": base, "current": summary, "diff": diff}
