"""What can go wrong with rule sets."""

from typing import Any

from app.errors import Invalid, NotFound


class RuleSetVersionNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"no rule set version {version}")


class RuleSetInvalid(Invalid):
    """A rule set that parses but names something that does not exist, at an exact place."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        super().__init__(f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}")
        self.problem_fields = {"errors": errors}
