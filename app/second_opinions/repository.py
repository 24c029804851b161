"""Every query for second-opinion requests."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, literal_column, select
from sqlalchemy.orm import Session

from app.second_opinions.models import SecondOpinionRequest
from app.studies.models import Study

R = SecondOpinionRequest


@dataclass(frozen=True, slots=True)
class RequestFilter:
    status: str | None = None
    organisation: str | None = None
    study_instance_uid: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        wanted = {
            R.status: self.status,
            R.organisation: self.organisation,
            R.study_instance_uid: self.study_instance_uid,
        }
        return [column == value for column, value in wanted.items() if value is not None]


def add(session: Session, request: SecondOpinionRequest) -> SecondOpinionRequest:
    session.add(request)
    session.flush()
    return request


def get(session: Session, request_id: int) -> R | None:
    return session.get(R, request_id)


def open_of_study_uid(session: Session, study_instance_uid: str) -> R | None:
    """The study's request not yet read, if there is one: a study answers one request at a time."""
    query = select(R).where(R.study_instance_uid == study_instance_uid, R.finalized_at.is_(None))
    return session.scalars(query).first()


def listed(session: Session, where: RequestFilter, before_id: int | None, limit: int) -> list[R]:
    """Newest first; `before_id` continues a previous page."""
    query = select(R).where(*where.conditions()).order_by(R.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(R.id < before_id)
    return list(session.scalars(query))


def of_task(session: Session, task_id: int, *, for_update: bool = False) -> R | None:
    query = select(R).where(R.task_id == task_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def of_tasks(session: Session, task_ids: Sequence[int]) -> list[R]:
    query = select(R).where(R.task_id.in_(task_ids)).order_by(R.id).with_for_update()
    return list(session.scalars(query))


def open_of_studies(session: Session, study_ids: Sequence[int]) -> list[R]:
    """The requests of these studies not yet read: the latest per study decides its routing."""
    query = select(R).where(R.study_id.in_(study_ids), R.finalized_at.is_(None)).order_by(R.id)
    return list(session.scalars(query))


def link_waiting(session: Session, study_ids: Sequence[int]) -> list[R]:
    """Give waiting requests the study that arrived under their Study Instance UID."""
    query = (
        select(R, Study)
        .join(Study, Study.study_instance_uid == R.study_instance_uid)
        .where(R.study_id.is_(None), Study.id.in_(study_ids))
        .order_by(R.id)
        .with_for_update(of=R)
    )
    linked = []
    for request, study in session.execute(query):
        request.study_id = study.id
        linked.append(request)
    session.flush()
    return linked


def mark_changed(request: SecondOpinionRequest) -> None:
    """Take a new place in the change stream, as of this transaction."""
    request.change_seq = literal_column("nextval('reading_task_change_seq')")
    request.change_xid = literal_column("pg_current_xact_id()::text::bigint")
