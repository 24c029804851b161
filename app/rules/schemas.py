"""Request and response bodies for rule sets, their versions and dry runs."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.rules.dsl import RuleSet


class RuleSetSave(RuleSet):
    """A proposed rule set with the author's comment."""

    comment: str = ""


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


class DryRunRequest(RuleSet):
    """A proposed rule set and which studies to try it on: the last N stable, or a date range."""

    last: int = Field(default=1000, ge=1, le=100_000)
    stable_from: datetime | None = None
    stable_to: datetime | None = None


class Route(BaseModel):
    subspecialty: str
    priority: str
    rule: str


class DryRunSample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    study_instance_uid: str
    from_: Route = Field(alias="from")
    to: Route
    rule: str


class DryRunResult(BaseModel):
    studies: int
    changed: int
    changed_pool: int
    changed_priority: int
    current_version: int
    samples: list[DryRunSample]
