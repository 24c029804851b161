"""Corrections of how a series or a study was classified, each with its reason."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import StringConstraints

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.classification.vocabulary import Category, Plane, Region, Sequence, Urgency
from app.request_body import RequestBody
from app.studies.queries import series_of
from app.studies.views import SeriesView, StudyView
from app.workflow.corrections import correct_series, correct_study

router = APIRouter(prefix="/api/v1", tags=["corrections"])
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class SeriesCorrectionIn(RequestBody):
    sequence: Sequence | None = None
    plane: Plane | None = None
    fat_sat: bool | None = None
    reason: Reason


class StudyCorrectionIn(RequestBody):
    region: Region | None = None
    categories: list[Category] | None = None
    urgency: Urgency | None = None
    reason: Reason


@router.patch("/series/{series_uid}/classification", summary="Correct a series' classification")
def patch_series_classification(
    series_uid: str,
    body: SeriesCorrectionIn,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> SeriesView:
    """Correct a series' sequence, plane or fat suppression, with a reason; kept beside the
    machine's answer, audited, and used when its study is routed again (at once while nobody has
    claimed its task). `404` for an unknown series, `422` for a correction without a reason."""
    changes = body.model_dump(exclude_unset=True)
    return SeriesView.model_validate(correct_series(session, user, settings, series_uid, changes))


@router.patch("/studies/{study_uid}/classification", summary="Correct a study's classification")
def patch_study_classification(
    study_uid: str,
    body: StudyCorrectionIn,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> StudyView:
    """Correct a study's region, question categories or urgency, with a reason; kept beside the
    machine's answer, audited, and the study routed again while nobody has claimed its task.
    `404` for an unknown study, `422` for a correction without a reason."""
    study = correct_study(session, user, settings, study_uid, body.model_dump(exclude_unset=True))
    return StudyView.of(study, series_of(session, study.id))
