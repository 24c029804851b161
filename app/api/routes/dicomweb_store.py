"""STOW-RS (PS3.18 §10.5): instances stored over HTTP, filed as the DICOM listener files them."""

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import UserApart
from app.api.examples import STORE_RESPONSE, STORE_RESPONSE_PARTLY
from app.api.problems import problem
from app.dicomweb.media import DICOM_JSON, MalformedRequest, UnsupportedMediaType, store_body
from app.dicomweb.store_response import response_status, store_response
from app.dicomweb.stow import StoreRequest
from app.principal import Principal
from dicom_listener.handlers import IngestHandlers

router = APIRouter(prefix="/dicomweb", tags=["dicomweb"])

# The source is recorded where a C-STORE's calling AE title goes, which holds 16 characters.
AE_TITLE_LENGTH = 16

STORE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "every instance stored",
        "content": {DICOM_JSON: {"example": STORE_RESPONSE}},
    },
    202: {
        "description": "some instances stored, the others listed as failed with why",
        "content": {DICOM_JSON: {"example": STORE_RESPONSE_PARTLY}},
    },
    400: {"description": "the multipart body is malformed or truncated: nothing stored"},
    409: {"description": "no instance could be stored"},
    415: {"description": 'not multipart/related; type="application/dicom"'},
}


@router.post(
    "/studies",
    summary="Store instances (STOW-RS)",
    responses=STORE_ANSWERS,
    response_class=Response,
)
async def store_instances(request: Request, user: UserApart) -> Response:
    """Store the `application/dicom` parts of a `multipart/related` body, of any studies."""
    return await _store(request, user, None)


@router.post(
    "/studies/{study}",
    summary="Store instances of one study",
    responses=STORE_ANSWERS,
    response_class=Response,
)
async def store_study_instances(request: Request, user: UserApart, study: str) -> Response:
    """Store the parts of a `multipart/related` body; instances of another study fail."""
    return await _store(request, user, study)


async def _store(request: Request, user: Principal, only_study: str | None) -> Response:
    try:
        body = store_body(request.headers.get("content-type"))
    except UnsupportedMediaType as error:
        return problem(415, str(error))
    except MalformedRequest as error:
        return problem(400, str(error))
    receiving = StoreRequest(_ingest(request.app), body)
    address = request.client.host if request.client else ""
    try:
        async for chunk in request.stream():
            await anyio.to_thread.run_sync(receiving.write, chunk)
        outcome = await anyio.to_thread.run_sync(
            receiving.file, user.name[:AE_TITLE_LENGTH], address, only_study
        )
    except MalformedRequest as error:
        return problem(400, str(error))
    except OSError:
        return problem(503, "storage is unavailable: nothing was stored, send again later")
    finally:
        await anyio.to_thread.run_sync(receiving.discard)
    base_url = str(request.base_url).rstrip("/") + "/dicomweb"
    return JSONResponse(
        store_response(outcome, base_url),
        status_code=response_status(outcome),
        media_type=DICOM_JSON,
    )


def _ingest(app: FastAPI) -> IngestHandlers:
    """One filer per application, so instances of a series arriving together share its lock."""
    ingest: IngestHandlers | None = getattr(app.state, "ingest", None)
    if ingest is None:
        ingest = app.state.ingest = IngestHandlers.for_settings(
            app.state.settings, app.state.database_url
        )
    return ingest
