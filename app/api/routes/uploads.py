"""Uploads of DICOM files and zips from people and portals: streamed to disk, then filed."""

from anyio.to_thread import run_sync
from fastapi import APIRouter, Request, Response

from app.api.deps import UserApart
from app.api.ingest import receive
from app.db.session import session_scope
from app.dicomweb.media import form_boundary
from app.intake.answer import upload_answer
from app.intake.schemas import UploadAnswer
from app.intake.uploads import Upload, UploadOutcome
from app.principal import Principal

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
    refused, kept in quarantine. Zips are limited in entries, size and compression ratio.
    Each stored study is named with its patient, date, modalities and description."""
    outcome = await receive(request, user, form_boundary, Upload)
    if isinstance(outcome, Response):
        return outcome
    return await run_sync(_answer, request.app.state.database_url, user, outcome)


def _answer(database_url: str, user: Principal, outcome: UploadOutcome) -> UploadAnswer:
    """In a session of its own, opened once the upload is filed: see `UserApart`."""
    with session_scope(database_url) as session:
        return upload_answer(session, user, outcome)
