"""Study lookups, order details set after the fact, and second-opinion requests."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Invalid, NotFound
from app.request_body import RequestBody
from app.studies.amendments import OrderDetails, amend_study
from app.studies.queries import series_of, studies_page, study_by_uid
from app.studies.views import StudyPage, StudySummary, StudyView
from app.tasks import worklist
from app.tasks.schemas import TaskItem
from app.tasks.second_opinions import request_second_opinion
from app.vocabulary import Priority

router = APIRouter(prefix="/api/v1/studies", tags=["studies"])


class StudyPatch(RequestBody):
    clinical_question: str | None = None
    priority: Priority | None = None
    accession_number: str | None = None


class SecondOpinionIn(RequestBody):
    subspecialty: str
    radiologist_id: int | None = None


@router.get("")
def list_studies(
    user: CurrentUser,
    session: SessionDep,
    patient_id: str | None = None,
    accession_number: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> StudyPage:
    """Studies, newest first; `next_cursor` pages on."""
    if cursor is not None and not cursor.isdigit():
        raise Invalid("the cursor is not one this list handed out")
    rows = studies_page(
        session,
        patient_id=patient_id,
        accession_number=accession_number,
        after_id=int(cursor) if cursor else None,
        limit=limit + 1,
    )
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    record(session, user, AuditAction.QUERY, object_type="studies", details={"returned": len(rows)})
    items = [StudySummary.model_validate(row) for row in rows[:limit]]
    return StudyPage(items=items, next_cursor=next_cursor)


@router.get("/{study_uid}")
def read_study(study_uid: str, user: CurrentUser, session: SessionDep) -> StudyView:
    study = study_by_uid(session, study_uid)
    if study is None:
        raise NotFound(f"no study {study_uid}")
    record(session, user, AuditAction.PATIENT_RECORD, object_type="study", object_id=study_uid)
    return StudyView.of(study, series_of(session, study.id))


@router.patch("/{study_uid}")
def patch_study(
    study_uid: str, body: StudyPatch, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> StudyView:
    """Set the clinical question, priority or accession; a waiting study is routed again."""
    changes = OrderDetails(**body.model_dump(exclude_unset=True))
    study = amend_study(session, user, settings, study_uid, changes)
    return StudyView.of(study, series_of(session, study.id))


@router.post("/{study_uid}/second-opinions", status_code=201)
def create_second_opinion(
    study_uid: str, body: SecondOpinionIn, user: CurrentUser, session: SessionDep
) -> TaskItem:
    """An over-read of the study's final primary read, by another radiologist."""
    task = request_second_opinion(session, user, study_uid, body.subspecialty, body.radiologist_id)
    row = worklist.item(session, task.id)
    assert row is not None  # just created in this transaction
    return TaskItem.from_row(row)
