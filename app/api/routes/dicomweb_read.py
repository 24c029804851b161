"""QIDO-RS searches and WADO-RS retrieves under `/dicomweb`: what a DICOMweb viewer asks for.

Every read of patient data is audited like the API's own reads.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentUser, SessionDep
from app.api.problems import problem
from app.audit.events import AuditAction
from app.audit.service import record
from app.dicomweb import qido
from app.dicomweb.media import DICOM, DICOM_JSON, MalformedRequest
from app.studies.search import search_instances, search_series, search_studies

router = APIRouter(prefix="/dicomweb", tags=["dicomweb"])

SEARCH_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "the matches", "content": {DICOM_JSON: {"example": []}}},
    400: {"description": "a matching key or paging parameter that does not parse"},
}
RETRIEVE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the instances as stored, one part each",
        "content": {f'multipart/related; type="{DICOM}"': {"example": ""}},
    },
    404: {"description": "nothing stored under these UIDs"},
}
METADATA_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "every instance's header", "content": {DICOM_JSON: {"example": []}}},
    404: {"description": "nothing stored under these UIDs"},
}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/dicomweb"


def _dicom_json(body: list[dict[str, Any]]) -> Response:
    return JSONResponse(body, media_type=DICOM_JSON)


def _found(
    request: Request, params: qido.Params, matched_on: frozenset[str], body: list[dict[str, Any]]
) -> Response:
    """The matches, with a Warning (PS3.18 §8.4) for each part of the query (`params`) left
    undone."""
    answer = _dicom_json(body)
    agent = request.url.netloc or "worklist"
    for text in qido.warnings(params, matched_on):
        answer.headers.append("Warning", f'299 {agent} "{text}"')
    return answer


@router.get(
    "/studies",
    summary="Search studies (QIDO-RS)",
    responses=SEARCH_ANSWERS,
    response_class=Response,
)
def search_for_studies(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """Studies matching PatientID, PatientName (`*`, `?`), AccessionNumber, StudyDate (ranges),
    ModalitiesInStudy and StudyInstanceUID (lists); `limit` and `offset` page."""
    params = _params(request)
    try:
        found = search_studies(session, qido.study_match(params), qido.page_of(params))
    except MalformedRequest as error:
        return problem(400, str(error))
    record(
        session, user, AuditAction.QUERY, object_type="studies", details={"returned": len(found)}
    )
    matches = [qido.study_json(study, base_url(request)) for study in found]
    return _found(request, params, qido.STUDY_KEYS, matches)


@router.get(
    "/studies/{study}/series",
    summary="Search a study's series (QIDO-RS)",
    responses=SEARCH_ANSWERS,
    response_class=Response,
)
def search_for_series(
    request: Request, user: CurrentUser, session: SessionDep, study: str
) -> Response:
    """The study's series matching Modality, SeriesInstanceUID and SeriesNumber."""
    params = _params(request)
    try:
        found = search_series(session, study, qido.series_match(params), qido.page_of(params))
    except MalformedRequest as error:
        return problem(400, str(error))
    record(session, user, AuditAction.QUERY, object_type="study", object_id=study)
    base = base_url(request)
    matches = [qido.series_json(series, uid, base) for series, uid in found]
    return _found(request, params, qido.SERIES_KEYS, matches)


@router.get(
    "/studies/{study}/series/{series}/instances",
    summary="Search a series' instances (QIDO-RS)",
    responses=SEARCH_ANSWERS,
    response_class=Response,
)
def search_for_instances(
    request: Request, user: CurrentUser, session: SessionDep, study: str, series: str
) -> Response:
    """The series' instances, in instance number order; `limit` and `offset` page."""
    params = _params(request)
    try:
        page = qido.page_of(params)
    except MalformedRequest as error:
        return problem(400, str(error))
    found = search_instances(session, study, page, series_uid=series)
    record(session, user, AuditAction.QUERY, object_type="series", object_id=series)
    base = base_url(request)
    matches = [qido.instance_json(row, st, se, base) for row, st, se in found]
    return _found(request, params, qido.INSTANCE_KEYS, matches)


def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    return params
