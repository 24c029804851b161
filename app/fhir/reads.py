"""The tasks a FHIR search names, with their studies, reports, readers and orders."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fhir.reading import ReadTask
from app.orders.repository import order_of_study
from app.people.models import Radiologist
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks.models import ReadingTask

SEARCH_LIMIT = 100


def read_tasks(
    session: Session, *, accession_number: str | None = None, task_id: int | None = None
) -> list[ReadTask]:
    query = (
        select(ReadingTask, Study)
        .join(Study, Study.id == ReadingTask.study_id)
        .order_by(ReadingTask.id)
        .limit(SEARCH_LIMIT)
    )
    if accession_number is not None:
        query = query.where(Study.accession_number == accession_number)
    if task_id is not None:
        query = query.where(ReadingTask.id == task_id)
    return [_read_task(session, task, study) for task, study in session.execute(query)]


def _read_task(session: Session, task: ReadingTask, study: Study) -> ReadTask:
    reader = session.get(Radiologist, task.assignee_id) if task.assignee_id else None
    order = order_of_study(session, study.id)
    return ReadTask(
        task=task,
        study=study,
        reports=tasks.reports_of(session, task.id),
        reader=reader.name if reader else None,
        order_id=order.id if order else None,
    )
