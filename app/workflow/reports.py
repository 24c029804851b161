"""Signing a report sends it out: each preliminary, final and addendum is queued as an ORU^R01
to every HL7 destination in the transaction that writes it, so none is lost or sent unwritten."""

from sqlalchemy.orm import Session

from app.deliveries.service import enqueue
from app.hl7.results import ResultReport, result_message
from app.orders import repository as orders
from app.people.models import Radiologist
from app.principal import Principal
from app.second_opinions import repository as requests
from app.settings import Settings
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks import service
from app.tasks.models import ReadingTask, TaskReport
from app.tasks.reports import ReportText
from app.tasks.second_opinions import finalize as finalize_read
from app.vocabulary import Concordance, Radpeer, ReportKind
from app.workflow.second_opinion_requests import check_concordance, note_final

RESULT_MESSAGE = "ORU^R01"


def preliminary(
    session: Session,
    principal: Principal,
    settings: Settings,
    task_id: int,
    version: int | None,
    text: ReportText,
) -> ReadingTask:
    task = service.preliminary(session, principal, task_id, version, text)
    queue_report(session, settings, task)
    return task


def finalize(
    session: Session,
    principal: Principal,
    settings: Settings,
    task_id: int,
    version: int | None,
    text: ReportText,
    radpeer: Radpeer | None = None,
    radpeer_comment: str | None = None,
    concordance: Concordance | None = None,
) -> ReadingTask:
    """Sign the final report and send it; a second-opinion request it answers becomes final."""
    request = requests.of_task(session, task_id, for_update=True)
    check_concordance(request, concordance)
    task = finalize_read(
        session, principal, settings, task_id, version, text, radpeer, radpeer_comment
    )
    queue_report(session, settings, task)
    if request is not None:
        note_final(session, settings, request, concordance)
    return task


def addendum(
    session: Session,
    principal: Principal,
    settings: Settings,
    task_id: int,
    version: int | None,
    text: ReportText,
) -> ReadingTask:
    task = service.addendum(session, principal, task_id, version, text)
    queue_report(session, settings, task)
    return task


def queue_report(session: Session, settings: Settings, task: ReadingTask) -> None:
    """The task's latest report as an ORU^R01 in the outbox of every destination."""
    if not settings.hl7_destinations:
        return
    report = tasks.reports_of(session, task.id)[-1]
    result = result_report(session, task, report)
    enqueue(
        session,
        settings.hl7_destinations,
        message_type=RESULT_MESSAGE,
        control_id=result.control_id,
        payload=result_message(result),
        task_id=task.id,
        report_id=report.id,
    )


def result_report(session: Session, task: ReadingTask, report: TaskReport) -> ResultReport:
    study = session.get_one(Study, task.study_id)
    order = orders.order_of_study(session, study.id)
    author = session.get(Radiologist, report.author_id) if report.author_id else None
    return ResultReport(
        control_id=f"WLR{report.id}",
        kind=ReportKind(report.kind),
        reported_at=report.created_at,
        accession_number=study.accession_number,
        study_instance_uid=study.study_instance_uid,
        patient_id=study.patient_id,
        patient_name=study.patient_name,
        procedure=order.requested_procedure if order else study.study_description,
        placer_number=order.placer_number if order else None,
        filler_number=order.filler_number if order else None,
        findings=report.findings,
        impression=report.impression,
        critical=report.critical,
        radiologist=author.name if author else None,
        radpeer=task.radpeer,
    )
