"""Uploads of DICOM files and zips from people and portals: streamed to disk, then filed."""

import anyio.to_thread
from fastapi import APIRouter, Request, Response

from app.api.deps import UserApart
from app.api.ingest import ingest_of, source_name, spool_body
from app.api.problems import problem
from app.dicomweb.media import MalformedRequest, UnsupportedMediaType, form_boundary
from app.intake.schemas import UploadAnswer
from app.intake.uploads import Upload

router = APIRouter(prefix="/api/v1/uploads", tags=["studies"])


@router.post(
    "",
    summary="Upload DICOM files or zips",
    response_model=UploadAnswer,
    responses={
        400: {"description": "the multipart body is malformed or truncated: nothing stored"},
        415: {"description": "not multipart/form-data"},
    },
)
async def upload(request: Request, user: UserApart) -> UploadAnswer | Response:
    """Store the DICOM files of a `multipart/form-data` body: files, or zips of them in any
    folders (a DICOMDIR is read past). Non-DICOM files are listed as skipped; broken ones as
    refused, kept in quarantine. Zips are limited in entries, size and compression ratio."""
    try:
        boundary = form_boundary(request.headers.get("content-type"))
    except UnsupportedMediaType as error:
        return problem(415, str(error))
    except MalformedRequest as error:
        return problem(400, str(error))
    receiving = Upload(ingest_of(request.app), boundary)
    address = request.client.host if request.client else ""
    try:
        await spool_body(request, receiving)
        outcome = await anyio.to_thread.run_sync(receiving.file, source_name(user.name), address)
    except MalformedRequest as error:
        return problem(400, str(error))
    except OSError:
        return problem(503, "storage is unavailable: nothing was stored, send again later")
    finally:
        await anyio.to_thread.run_sync(receiving.discard)
    return UploadAnswer.of(outcome)
