"""STOW-RS (PS3.18 §10.5): instances stored over HTTP, filed as the DICOM listener files them."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import UserApart
from app.api.examples import STORE_RESPONSE, STORE_RESPONSE_PARTLY, STORE_RESPONSE_XML
from app.api.ingest import receive
from app.api.routes.dicomweb_read import base_url
from app.dicomweb.media import DICOM_JSON, DICOM_XML, StoreBody, store_answer_type, store_body
from app.dicomweb.native_xml import native_xml
from app.dicomweb.store_response import response_status, store_response
from app.dicomweb.stow import StoreRequest
from app.principal import Principal
from dicom_listener.handlers import IngestHandlers

router = APIRouter(prefix="/dicomweb", tags=["dicomweb"])


STORE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "every instance stored",
        "content": {
            DICOM_JSON: {"example": STORE_RESPONSE},
            DICOM_XML: {"example": STORE_RESPONSE_XML},
        },
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
    def receiver(ingest: IngestHandlers, body: StoreBody) -> StoreRequest:
        return StoreRequest(ingest, body, only_study)

    outcome = await receive(request, user, store_body, receiver)
    if isinstance(outcome, Response):
        return outcome
    answer = store_response(outcome, base_url(request))
    status = response_status(outcome)
    if store_answer_type(request.headers.get("accept")) == DICOM_XML:
        return Response(native_xml(answer), status_code=status, media_type=DICOM_XML)
    return JSONResponse(answer, status_code=status, media_type=DICOM_JSON)
