"""WADO-RS retrieves under `/dicomweb`: a study, series or instance as stored, or its headers.

Every retrieve is audited as instances accessed, like the API's reads of patient data.
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, StorageDep
from app.api.problems import problem
from app.api.routes.dicomweb_read import METADATA_ANSWERS, RETRIEVE_ANSWERS, base_url
from app.audit.events import AuditAction
from app.audit.service import record
from app.dicomweb import wado
from app.dicomweb.media import DICOM, DICOM_JSON
from app.errors import NotFound
from app.principal import Principal
from app.storage.store import Storage
from app.studies.models import Instance
from app.studies.search import EVERY, search_instances

router = APIRouter(prefix="/dicomweb", tags=["dicomweb"])

Found = list[tuple[Instance, str, str]]
STUDY = "/studies/{study}"
SERIES = "/studies/{study}/series/{series}"
INSTANCE = "/studies/{study}/series/{series}/instances/{instance}"


def _found(
    session: Session, user: Principal, study: str, series: str | None, instance: str | None
) -> Found:
    found = search_instances(session, study, EVERY, series_uid=series, sop_instance_uid=instance)
    if not found:
        raise NotFound("nothing is stored under these UIDs")
    details = {"instances": len(found), "series": series, "instance": instance}
    record(
        session,
        user,
        AuditAction.INSTANCES_ACCESSED,
        object_type="study",
        object_id=study,
        details=details,
    )
    return found


def _retrieve(storage: Storage, found: Found) -> Response:
    boundary = wado.multipart_boundary()
    keys = [row.storage_path for row, _, _ in found]
    media_type = f'multipart/related; type="{DICOM}"; boundary={boundary}'
    parts = wado.multipart_files(storage.instances, keys, boundary)
    return StreamingResponse(parts, media_type=media_type)


def _metadata(storage: Storage, found: Found, base: str) -> Response:
    headers = []
    for row, study, series in found:
        with storage.instances.open(row.storage_path) as stored:
            url = f"{base}/studies/{study}/series/{series}/instances/{row.sop_instance_uid}"
            headers.append(wado.metadata(stored, url))
    return JSONResponse(headers, media_type=DICOM_JSON)


@router.get(
    STUDY, summary="Retrieve a study (WADO-RS)", responses=RETRIEVE_ANSWERS, response_class=Response
)
def retrieve_study(
    user: CurrentUser, session: SessionDep, storage: StorageDep, study: str
) -> Response:
    """Every instance of the study, as stored (the stored transfer syntax)."""
    return _retrieve(storage, _found(session, user, study, None, None))


@router.get(
    SERIES,
    summary="Retrieve a series (WADO-RS)",
    responses=RETRIEVE_ANSWERS,
    response_class=Response,
)
def retrieve_series(
    user: CurrentUser, session: SessionDep, storage: StorageDep, study: str, series: str
) -> Response:
    """Every instance of the series, as stored."""
    return _retrieve(storage, _found(session, user, study, series, None))


@router.get(
    INSTANCE,
    summary="Retrieve an instance (WADO-RS)",
    responses=RETRIEVE_ANSWERS,
    response_class=Response,
)
def retrieve_instance(
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    study: str,
    series: str,
    instance: str,
) -> Response:
    """The instance, as stored."""
    return _retrieve(storage, _found(session, user, study, series, instance))


@router.get(
    STUDY + "/metadata",
    summary="A study's headers (WADO-RS)",
    responses=METADATA_ANSWERS,
    response_class=Response,
)
def study_metadata(
    request: Request, user: CurrentUser, session: SessionDep, storage: StorageDep, study: str
) -> Response:
    """Every instance's header, without pixel data, as DICOM JSON."""
    found = _found(session, user, study, None, None)
    return _metadata(storage, found, base_url(request))


@router.get(
    SERIES + "/metadata",
    summary="A series' headers (WADO-RS)",
    responses=METADATA_ANSWERS,
    response_class=Response,
)
def series_metadata(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    study: str,
    series: str,
) -> Response:
    """Every instance's header in the series, without pixel data."""
    found = _found(session, user, study, series, None)
    return _metadata(storage, found, base_url(request))


@router.get(
    INSTANCE + "/metadata",
    summary="An instance's header (WADO-RS)",
    responses=METADATA_ANSWERS,
    response_class=Response,
)
def instance_metadata(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    study: str,
    series: str,
    instance: str,
) -> Response:
    """The instance's header, without pixel data."""
    found = _found(session, user, study, series, instance)
    return _metadata(storage, found, base_url(request))


@router.get(
    INSTANCE + "/frames/{frame_list}",
    summary="Frames of an uncompressed instance (WADO-RS)",
    responses={
        200: {
            "description": "the frames, one part each, as stored",
            "content": {'multipart/related; type="application/octet-stream"': {"example": ""}},
        },
        404: {"description": "no such instance, or no such frame"},
        406: {"description": "the instance is compressed: retrieve it whole"},
    },
    response_class=Response,
)
def retrieve_frames(
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    study: str,
    series: str,
    instance: str,
    frame_list: str,
) -> Response:
    """Frames (`1`, or `1,3,5`) of an uncompressed instance's pixel data."""
    numbers = [int(number) for number in frame_list.split(",") if number.strip().isdigit()]
    if not numbers or len(numbers) != len(frame_list.split(",")):
        return problem(400, f"frames {frame_list!r} are not numbers separated by commas")
    ((row, _, _),) = _found(session, user, study, series, instance)
    try:
        with storage.instances.open(row.storage_path) as stored:
            parts = wado.frames(stored, numbers)
    except wado.FramesUnavailable as error:
        return problem(406, str(error))
    boundary = wado.multipart_boundary()
    media_type = f'multipart/related; type="application/octet-stream"; boundary={boundary}'
    return StreamingResponse(wado.multipart_frames(parts, boundary), media_type=media_type)
