"""A second-opinion request as its requester reads it: status, due time and, once final, the
report with its reader."""

from sqlalchemy.orm import Session

from app.people.models import Radiologist
from app.second_opinions.models import SecondOpinionRequest
from app.second_opinions.schemas import (
    Addendum,
    FinalReport,
    Requester,
    SecondOpinionRequestView,
)
from app.tasks import repository as tasks
from app.tasks.models import ReadingTask
from app.vocabulary import Concordance, ReportKind, RequestStatus, ServiceLevel


def request_view(session: Session, request: SecondOpinionRequest) -> SecondOpinionRequestView:
    task = session.get(ReadingTask, request.task_id) if request.task_id else None
    return SecondOpinionRequestView(
        id=request.id,
        status=RequestStatus(request.status),
        study_instance_uid=request.study_instance_uid,
        requester=Requester(
            organisation=request.organisation,
            contact_name=request.contact_name,
            contact_email=request.contact_email,
        ),
        clinical_question=request.clinical_question,
        service_level=ServiceLevel(request.service_level),
        subspecialty=request.subspecialty,
        outside_report=request.outside_report,
        task_id=request.task_id,
        due_at=task.due_at if task else None,
        received_at=request.received_at,
        finalized_at=request.finalized_at,
        created_at=request.created_at,
        report=_final_report(session, request, task),
    )


def _final_report(
    session: Session, request: SecondOpinionRequest, task: ReadingTask | None
) -> FinalReport | None:
    if task is None or request.status != RequestStatus.FINAL.value:
        return None
    written = tasks.reports_of(session, task.id)
    final = next(report for report in written if report.kind == ReportKind.FINAL.value)
    reader = session.get(Radiologist, final.author_id) if final.author_id else None
    return FinalReport(
        findings=final.findings,
        impression=final.impression,
        reader_name=reader.name if reader else None,
        reader_subspecialty=task.subspecialty,
        concordance=Concordance(request.concordance) if request.concordance else None,
        signed_at=final.created_at,
        addenda=[
            Addendum(findings=r.findings, impression=r.impression, signed_at=r.created_at)
            for r in written
            if r.kind == ReportKind.ADDENDUM.value
        ],
    )
