"""Response bodies for routing and assignment explanations."""

from pydantic import BaseModel


class ReaderEligibility(BaseModel):
    id: int
    name: str
    eligible: bool
    reasons: list[str]
    open_tasks: int
    open_workload: float


class TaskEligibility(BaseModel):
    task_id: int
    state: str
    subspecialty: str
    priority: str
    assignee_id: int | None
    would_choose: int | None
    radiologists: list[ReaderEligibility]
