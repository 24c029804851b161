"""STOW-RS (PS3.18 §10.5): instances stored over HTTP, filed as the DICOM listener files them."""

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import UserApart
from app.api.examples import STORE_RESPONSE, STORE_RESPONSE_PARTLY
from app.api.ingest import ingest_of, source_name, spool_body
from app.api.problems import problem
from app.api.routes.dicomweb_read import base_url
from app.dicomweb.media import DICOM_JSON, MalformedRequest, UnsupportedMediaType, store_body
from app.dicomweb.store_response import response_status, store_response
from app.dicomweb.stow import StoreRequest
from app.principal import Principal

router = APIRouter(prefix="/dicomweb", tags=["dicomweb"])


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
    receiving = StoreRequest(ingest_of(request.app), body)
    address = request.client.host if request.client else ""
    try:
        await spool_body(request, receiving)
        source = source_name(user.name)
        outcome = await anyio.to_thread.run_sync(receiving.file, source, address, only_study)
    except MalformedRequest as error:
        return problem(400, str(error))
    except OSError:
        return problem(503, "storage is unavailable: nothing was stored, send again later")
    finally:
        await anyio.to_thread.run_sync(receiving.discard)
    return JSONResponse(
        store_response(outcome, base_url(request)),
        status_code=response_status(outcome),
        media_type=DICOM_JSON,
    )
