"""`/admin/rules/test`: which rule a stored or described study meets, why, and whom the engine
would choose now. A study is looked up by POST, so no accession or patient id sits in a URL."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.routing.trial import try_described_study, try_stored_study
from app.web.rendering import page

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=2000)]


@router.get("/admin/rules/test")
def trial_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return page(request, "rules_test.html")


@router.post("/admin/rules/test")
def try_study(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    lookup: Annotated[str, Form(max_length=64)] = "", modality: Text = "", body_part: Text = "",
    study_description: Text = "", clinical_question: Text = "",
) -> HTMLResponse:  # fmt: skip
    """A stored study when `lookup` is given, else the typed facts."""
    if lookup.strip():
        trial = try_stored_study(session, settings, lookup.strip())
        record(session, user, AuditAction.PATIENT_RECORD, object_type="study",
               object_id=trial.study_instance_uid if trial else None,
               details={"purpose": "rule test"})  # fmt: skip
        if trial is None:
            return page(request, "rules_test.html", 404, lookup=lookup,
                        error="No study has that accession number or patient id.")  # fmt: skip
    else:
        trial = try_described_study(
            session, settings, modality=modality, body_part=body_part,
            study_description=study_description, clinical_question=clinical_question,
        )  # fmt: skip
    typed = {"modality": modality, "body_part": body_part, "study_description": study_description,
             "clinical_question": clinical_question}  # fmt: skip
    return page(request, "rules_test.html", trial=trial, lookup=lookup, typed=typed)
