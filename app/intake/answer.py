"""An upload's answer names each study it stored as the database now holds it, so the person who
sent it recognises what went in; showing a patient's data to them is audited as a read."""

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.intake.schemas import UploadAnswer
from app.intake.uploads import UploadOutcome
from app.principal import Principal
from app.studies.queries import studies_by_uid


def upload_answer(session: Session, principal: Principal, outcome: UploadOutcome) -> UploadAnswer:
    studies = studies_by_uid(session, [study for study, _ in outcome.series])
    for uid in studies:
        record(session, principal, AuditAction.PATIENT_RECORD, object_type="study", object_id=uid)
    return UploadAnswer.of(outcome, studies)
