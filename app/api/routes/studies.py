"""Study lookups, order details set after the fact, and second-opinion requests."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Invalid, NotFound
from app.request_body import RequestBody
from app.row_ids import RowId
from app.studies.queries import series_of, studies_page, study_by_uid
from app.studies.views import StudyPage, StudySummary, StudyView
from app.tasks import worklist
from app.tasks.schemas import TaskItem
from app.tasks.second_opinions import request_second_opinion
from app.vocabulary import Priority
from app.workflow.amendments import OrderDetails, amend_study

router = APIRouter(prefix="/api/v1/studies", tags=["studies"])


class StudyPatch(RequestBody):
    clinical_question: str | None = None
    priority: Priority | None = None
    accession_number: str | None = None


class SecondOpinionIn(RequestBody):
    subspecialty: str
    radiologist_id: RowId | None = None


@router.get("", summary="Look up studies")
def list_studies(
    user: CurrentUser,
    session: SessionDep,
    patient_id: str | None = None,
    accession_number: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> StudyPage:
    """Studies, newest first, by `patient_id` or `accession_number`; `next_cursor` pages on.

    Changes nothing but the audit trail; `422` for a cursor this list did not hand out.
    """
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


@router.get("/{study_uid}", summary="Read a study")
def read_study(study_uid: str, user: CurrentUser, session: SessionDep) -> StudyView:
    """The study, its series and how each was classified. `404` for an unknown UID."""
    study = study_by_uid(session, study_uid)
    if study is None:
        raise NotFound(f"no study {study_uid}")
    record(session, user, AuditAction.PATIENT_RECORD, object_type="study", object_id=study_uid)
    return StudyView.of(study, series_of(session, study.id))


@router.patch("/{study_uid}", summary="Set order details of a study")
def patch_study(
    study_uid: str, body: StudyPatch, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> StudyView:
    """Set the clinical question, priority or accession; only the fields sent change.

    A stable study whose task nobody took is routed again; otherwise its open tasks take the
    new priority and due time. Audited. `404` for an unknown UID.
    """
    changes = OrderDetails(**body.model_dump(exclude_unset=True))
    study = amend_study(session, user, settings, study_uid, changes)
    return StudyView.of(study, series_of(session, study.id))


@router.post(
    "/{study_uid}/second-opinions",
    status_code=201,
    summary="Request a second opinion",
    responses={
        409: {"description": "No final primary read yet, or an over-read by the pool is open"}
    },
)
def create_second_opinion(
    study_uid: str,
    body: SecondOpinionIn,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> TaskItem:
    """An over-read of the study's final primary read, by another radiologist.

    A new SECOND_OPINION task in `subspecialty` (ASSIGNED when `radiologist_id` is given); it
    is finalized with a RADPEER score. `404` for an unknown study, `409` while the pool's
    over-read of the read is open, `422` for an unknown pool or the primary reader.
    """
    wanted = body.subspecialty, body.radiologist_id
    task = request_second_opinion(session, user, settings, study_uid, *wanted)
    row = worklist.item(session, task.id)
    assert row is not None  # just created in this transaction
    return TaskItem.from_row(row)
