"""Request and response bodies for people and pools."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.people.duty import ShiftWindow
from app.request_body import RequestBody
from app.row_ids import INTEGER_MAX
from app.vocabulary import SubspecialtyCode

Institution = str


class RadiologistCreate(RequestBody):
    name: str = Field(min_length=1)
    subspecialties: list[SubspecialtyCode] = Field(default_factory=list)
    institutions: list[Institution] = Field(default_factory=list, description="empty = any")
    states: list[str] = Field(default_factory=list, description="licensed states; empty = any")
    on_duty: bool = False
    shift_windows: list[ShiftWindow] = Field(default_factory=list)
    max_open_tasks: int = Field(default=20, ge=0, le=INTEGER_MAX)


class RadiologistUpdate(RequestBody):
    """Only the fields sent change; `active: false` deactivates (nobody is ever deleted)."""

    name: str | None = Field(None, min_length=1)
    subspecialties: list[SubspecialtyCode] | None = None
    institutions: list[Institution] | None = None
    states: list[str] | None = None
    on_duty: bool | None = None
    shift_windows: list[ShiftWindow] | None = None
    max_open_tasks: int | None = Field(None, ge=0, le=INTEGER_MAX)
    active: bool | None = None


class RadiologistOut(BaseModel):
    id: int
    name: str
    active: bool
    on_duty: bool
    shift_windows: list[ShiftWindow]
    max_open_tasks: int
    subspecialties: list[str]
    institutions: list[str]
    states: list[str]
    last_assigned_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubspecialtyCreate(RequestBody):
    code: SubspecialtyCode
    name: str = Field(min_length=1)


class SubspecialtyOut(BaseModel):
    code: str
    name: str
