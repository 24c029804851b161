"""Request and response bodies for rule sets, their versions and dry runs."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.row_ids import RowVersion
from app.rules.dsl import RuleSet
from app.rules.models import RuleSetVersion


class RuleSetDocument(RuleSet):
    """A rule set as `GET /api/v1/rules` returns it: what a version records besides its rules
    (`author`, `created_at`) is accepted and ignored, so the answer can be edited and sent back."""

    version: RowVersion | None = Field(None, description="the version this document was read as")
    comment: str = ""
    author: str | None = None
    created_at: datetime | None = None


class RuleSetSave(RuleSetDocument):
    """A proposed rule set, the author's comment and the version it replaces.

    The version replaced is `base_version`, else the `version` of the document as it was read
    (so what `GET` returned can be sent back as it is), else the request's `If-Match`.
    """

    base_version: RowVersion | None = Field(None, description="the current version this replaces")

    @model_validator(mode="after")
    def one_base(self) -> "RuleSetSave":
        if None not in (self.version, self.base_version) and self.version != self.base_version:
            raise ValueError(
                f"base_version {self.base_version} and version {self.version} name different "
                "versions; send one of them"
            )
        return self

    @property
    def base(self) -> int | None:
        return self.base_version if self.base_version is not None else self.version


class RuleSetVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    rules: list[dict[str, Any]]
    acuity: dict[str, Any] | None = None
    author: str
    comment: str
    created_at: datetime


class RuleSetVersionSummary(BaseModel):
    version: int
    author: str
    comment: str
    created_at: datetime
    rule_count: int

    @classmethod
    def of(cls, row: RuleSetVersion) -> "RuleSetVersionSummary":
        return cls(
            version=row.version,
            author=row.author,
            comment=row.comment,
            created_at=row.created_at,
            rule_count=len(row.rules),
        )


class ChangedRule(BaseModel):
    id: str
    before: dict[str, Any]
    after: dict[str, Any]


class RuleSetDiff(BaseModel):
    from_version: int
    to_version: int
    added: list[str]
    removed: list[str]
    changed: list[ChangedRule]
    order_changed: bool


class Placement(BaseModel):
    subspecialty: str
    priority: str


class TaskMoves(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: Placement = Field(alias="from")
    to: Placement
    tasks: int


class Rerouted(BaseModel):
    tasks: int = Field(description="unstarted primary tasks moved to another pool or priority")
    moves: list[TaskMoves] = Field(description="how many tasks moved, per from → to")


class RuleSetSaved(RuleSetVersionOut):
    rerouted: Rerouted


class DryRunRequest(RuleSetDocument):
    """A proposed rule set and which studies to try it on: the last N stable, or a date range.

    Every study it would move is listed, `limit` at a time; send the answer's `next_cursor`
    with the same request for the next page.
    """

    last: int = Field(default=1000, ge=1, le=100_000)
    stable_from: datetime | None = None
    stable_to: datetime | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    cursor: str | None = None


class Route(BaseModel):
    subspecialty: str
    priority: str
    rule: str


class DryRunChange(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    study_instance_uid: str
    from_: Route = Field(alias="from")
    to: Route
    rule: str = Field(description="the proposed rule that decides the study")
    task_id: int | None = Field(description="the study's primary task, if it has one")
    task_state: str | None
    task_moves: bool = Field(description="saving the proposal would move the open task")


class StudyMoves(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: Placement = Field(alias="from")
    to: Placement
    studies: int
    tasks: int = Field(description="of them, open tasks a save would move")


class DryRunResult(BaseModel):
    studies: int
    changed: int
    changed_pool: int
    changed_priority: int
    current_version: int
    moves: list[StudyMoves] = Field(description="studies per from → to, over the whole window")
    changes: list[DryRunChange] = Field(description="this page of the studies that would move")
    next_cursor: str | None
