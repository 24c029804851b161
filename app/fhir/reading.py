"""Reading tasks and their reports as FHIR R4 resources: DiagnosticReport and Task (IHE AIW)."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.task import Task

from app.fhir.service_requests import (
    ACCESSION,
    REQUEST_PRIORITY,
    dicom_uid_identifier,
    identifier_of_type,
)
from app.studies.models import Study
from app.studies.person_names import display_name
from app.tasks.models import ReadingTask, TaskReport
from app.vocabulary import Priority, ReportKind, TaskState

REPORT_STATUS = {
    TaskState.PRELIMINARY.value: "preliminary",
    TaskState.FINAL.value: "final",
    TaskState.ADDENDED.value: "amended",
}
TASK_STATUS = {
    TaskState.UNASSIGNED.value: "ready",
    TaskState.ASSIGNED.value: "accepted",
    TaskState.IN_PROGRESS.value: "in-progress",
    TaskState.PRELIMINARY.value: "in-progress",
    TaskState.FINAL.value: "completed",
    TaskState.ADDENDED.value: "completed",
    TaskState.CANCELLED.value: "cancelled",
}
IMAGING_REPORT = {
    "system": "http://loinc.org",
    "code": "18748-4",
    "display": "Diagnostic imaging study",
}


@dataclass(frozen=True, slots=True)
class ReadTask:
    """A task with what its resources show: its study, reports oldest first, reader, order."""

    task: ReadingTask
    study: Study
    reports: Sequence[TaskReport]
    reader: str | None
    order_id: int | None


def _accession(study: Study) -> list[dict[str, object]]:
    if not study.accession_number:
        return []
    return [identifier_of_type(ACCESSION, study.accession_number)]


def _subject(study: Study) -> dict[str, object] | None:
    """The patient as the images name them; None when they do not (FHIR has no empty strings)."""
    subject: dict[str, object] = {}
    if study.patient_id:
        subject["identifier"] = {"value": study.patient_id}
    if study.patient_name:
        subject["display"] = display_name(study.patient_name)
    return subject or None


def _person(name: str | None) -> dict[str, object] | None:
    """A reference to a person by name alone, written as the worklist shows it."""
    return {"display": display_name(name)} if name else None


def _imaging_study(study: Study) -> dict[str, object]:
    uid = dicom_uid_identifier(study.study_instance_uid)
    return {"identifier": uid, "display": study.study_description or "imaging study"}


def diagnostic_report(read: ReadTask) -> DiagnosticReport:
    """The task's report: the final one with its addenda, else the latest preliminary."""
    task, study = read.task, read.study
    finals = [i for i, report in enumerate(read.reports) if report.kind == ReportKind.FINAL.value]
    shown = read.reports[finals[-1] :] if finals else read.reports[-1:]
    reader = _person(read.reader)
    performer = [reader] if reader else None
    return DiagnosticReport(
        id=str(task.id),
        status=REPORT_STATUS.get(task.state, "registered"),
        code={"coding": [IMAGING_REPORT]},
        identifier=_accession(study),
        subject=_subject(study),
        issued=read.reports[-1].created_at if read.reports else None,
        performer=performer,
        resultsInterpreter=performer,
        imagingStudy=[_imaging_study(study)],
        conclusion="\n\n".join(report.impression for report in shown if report.impression) or None,
        presentedForm=[_presented_form(shown)] if shown else None,
        basedOn=[{"reference": f"ServiceRequest/{read.order_id}"}] if read.order_id else None,
    )


def _presented_form(shown: Sequence[TaskReport]) -> dict[str, object]:
    """The report whole, findings included (`conclusion` holds the impressions alone): plain
    UTF-8 text, each addendum under its own heading and time."""
    parts: list[str] = []
    for report in shown:
        if report.kind == ReportKind.ADDENDUM.value:
            parts.append(f"ADDENDUM {report.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        if report.findings:
            parts.append(f"FINDINGS:\n{report.findings}")
        if report.impression:
            parts.append(f"IMPRESSION:\n{report.impression}")
    text = "\n\n".join(parts)
    return {
        "contentType": "text/plain; charset=utf-8",
        "data": base64.b64encode(text.encode()).decode("ascii"),
        "title": "Report",
        "creation": shown[-1].created_at,
    }


def reading_task(read: ReadTask) -> Task:
    task, study = read.task, read.study
    return Task(
        id=str(task.id),
        status=TASK_STATUS[task.state],
        businessStatus={"text": task.state},
        intent="order",
        priority=REQUEST_PRIORITY[Priority(task.priority)],
        code={"text": "Read the imaging study" if task.kind == "PRIMARY" else "Second opinion"},
        identifier=_accession(study),
        focus={"identifier": _imaging_study(study)["identifier"], "display": "imaging study"},
        for_fhir=_subject(study),
        owner=_person(read.reader),
        authoredOn=task.created_at,
        lastModified=task.updated_at,
        basedOn=[{"reference": f"ServiceRequest/{read.order_id}"}] if read.order_id else None,
        restriction={"period": {"end": task.due_at}},
    )


def search_bundle(
    resources: Sequence[DomainResource], base_url: str, searched_url: str
) -> dict[str, object]:
    """A searchset of every match: each entry at its absolute URL (`base_url` is the FHIR base),
    the search itself as the bundle's `self` link."""
    entries = [
        {
            "fullUrl": f"{base_url}/{resource.get_resource_type()}/{resource.id}",
            "resource": resource.model_dump(mode="json", exclude_none=True, by_alias=True),
            "search": {"mode": "match"},
        }
        for resource in resources
    ]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "link": [{"relation": "self", "url": searched_url}],
        "entry": entries,
    }
