"""Uploads of DICOM files and zips from people and portals: streamed to disk, then filed."""

from fastapi import APIRouter, Request, Response

from app.api.deps import UserApart
from app.api.ingest import receive
from app.dicomweb.media import form_boundary
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
    outcome = await receive(request, user, form_boundary, Upload)
    return outcome if isinstance(outcome, Response) else UploadAnswer.of(outcome)
