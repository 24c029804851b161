"""Everything a reader needs to open one task: study, series, routing, history, links, priors."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app.orders.repository import order_of_study
from app.orders.schemas import OrderView
from app.principal import Principal
from app.second_opinions import repository as requests
from app.second_opinions.schemas import RequestOnTask
from app.studies.models import Study
from app.studies.queries import priors_of, series_of
from app.studies.views import StudySummary, StudyView
from app.tasks import repository, worklist
from app.tasks.errors import TaskNotFound
from app.tasks.models import ReadingTask
from app.tasks.schemas import TaskItem
from app.tasks.second_opinions import needs_review
from app.tasks.service import actor_of, facts_of
from app.tasks.state_machine import Actor, NotYourTask, actions_for
from app.vocabulary import Role

# The history line of a claimed task whose study received images after it was routed.
IMAGES_ADDED = "images-added"
IMAGES_ADDED_NOTE = "images added after routing"


class EventView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_state: str | None
    to_state: str
    actor: str
    details: dict[str, Any]
    occurred_at: datetime


class ReportView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    findings: str
    impression: str
    critical: bool
    author_id: int | None
    created_at: datetime


class LinkedTask(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    state: str
    subspecialty: str
    assignee_id: int | None
    radpeer: str | None
    radpeer_comment: str | None
    reports: list[ReportView] = []


class PriorStudy(StudySummary):
    """A prior of the same patient, with the state of its read, which the reader may open."""

    task_id: int | None = None  # its primary reading task
    read_state: str | None = None  # that task's state: FINAL and ADDENDED mean it was reported


class TaskDetail(TaskItem):
    rule_version: int | None
    route_reasons: list[str]
    second_opinion_subspecialty: str | None
    radpeer_comment: str | None
    needs_review: bool
    # When the study last received images after this task was claimed (see its history).
    images_added_after_routing: datetime | None
    allowed_actions: list[str]
    study: StudyView
    history: list[EventView]
    reports: list[ReportView]
    linked_tasks: list[LinkedTask]
    priors: list[PriorStudy]
    order: OrderView | None = None  # the RIS or EHR order the study was read for
    # The outside second-opinion request this task answers, if it answers one.
    second_opinion_request: RequestOnTask | None = None


def task_detail(session: Session, principal: Principal, task_id: int) -> TaskDetail:
    task = repository.get(session, task_id)
    row = worklist.item(session, task_id)
    if task is None or row is None:
        raise TaskNotFound(task_id)
    actor = actor_of(session, principal)
    if actor.role is Role.RADIOLOGIST and not _visible(task, actor):
        raise NotYourTask("this task is neither yours nor in your pools")
    study = session.get(Study, task.study_id)
    assert study is not None  # the foreign key guarantees it
    actions = actions_for(facts_of(session, task), actor)
    history = [EventView.model_validate(e) for e in repository.events_of(session, task.id)]
    return TaskDetail(
        **TaskItem.from_row(row).model_dump(),
        rule_version=task.rule_version,
        route_reasons=task.route_reasons,
        second_opinion_subspecialty=task.second_opinion_subspecialty,
        radpeer_comment=task.radpeer_comment,
        needs_review=needs_review(task.radpeer),
        images_added_after_routing=max(
            (event.occurred_at for event in history if event.action == IMAGES_ADDED), default=None
        ),
        allowed_actions=[action.value for action in actions],
        study=StudyView.of(study, series_of(session, study.id)),
        history=history,
        reports=_reports(session, task.id),
        linked_tasks=[
            LinkedTask.model_validate(linked).model_copy(
                update={"reports": _reports(session, linked.id)}
            )
            for linked in repository.linked_tasks(session, task)
        ],
        priors=_priors(session, study),
        order=_order(session, study.id),
        second_opinion_request=_request(session, task.id),
    )


def _priors(session: Session, study: Study) -> list[PriorStudy]:
    priors = priors_of(session, study)
    reads = repository.primary_reads_of_studies(session, [prior.id for prior in priors])
    shown = []
    for prior in priors:
        task_id, state = reads.get(prior.id, (None, None))
        read = {"task_id": task_id, "read_state": state}
        shown.append(PriorStudy.model_validate(prior).model_copy(update=read))
    return shown


def _order(session: Session, study_id: int) -> OrderView | None:
    order = order_of_study(session, study_id)
    return OrderView.model_validate(order) if order else None


def _request(session: Session, task_id: int) -> RequestOnTask | None:
    request = requests.of_task(session, task_id)
    return RequestOnTask.model_validate(request) if request else None


def _visible(task: ReadingTask, actor: Actor) -> bool:
    """What a radiologist's worklist shows them: their own tasks and their pools'."""
    return task.assignee_id == actor.radiologist_id or task.subspecialty in actor.pools


def _reports(session: Session, task_id: int) -> list[ReportView]:
    return [ReportView.model_validate(r) for r in repository.reports_of(session, task_id)]
