"""Outside second-opinion requests: received, met with their study, routed, and followed by their
reading task to the final report."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.db.key_locks import take_turns
from app.errors import Conflict, Invalid
from app.people.models import Subspecialty
from app.principal import Principal
from app.second_opinions import repository as requests
from app.second_opinions.models import SecondOpinionRequest
from app.second_opinions.schemas import SecondOpinionRequestIn
from app.settings import Settings
from app.studies.queries import study_by_uid
from app.vocabulary import Concordance, RequestStatus
from app.workflow.on_stable import route_again_unless_claimed
from app.workflow.request_announcements import announce, move_request
from app.workflow.request_steps import mark_received


def submit_request(
    session: Session, principal: Principal, settings: Settings, asked: SecondOpinionRequestIn
) -> SecondOpinionRequest:
    """Store the request; a study already here is routed (again) with the request's question, pool
    and service level. `409` when a reader has taken the study, or it has an open request."""
    if asked.subspecialty and session.get(Subspecialty, asked.subspecialty) is None:
        raise Invalid(f"subspecialty: no pool {asked.subspecialty}")
    take_turns(session, "second-opinion request", asked.study_instance_uid)
    pending = requests.open_of_study_uid(session, asked.study_instance_uid)
    if pending is not None:
        raise Conflict(f"the study has an open second-opinion request already: {pending.id}")
    request = requests.add(session, _new_request(principal, asked))
    uid = request.study_instance_uid
    record(session, principal, AuditAction.PATIENT_RECORD, object_type="second_opinion_request",
           object_id=request.id, details={"study_instance_uid": uid})  # fmt: skip
    study = study_by_uid(session, asked.study_instance_uid, for_update=True)
    if study is None:
        announce(session, settings, request)
        return request
    request.study_id = study.id
    mark_received(session, settings, request)
    if study.stable_at is not None and not route_again_unless_claimed(session, study, settings):
        raise Conflict(f"study {study.study_instance_uid} has been taken by a reader already")
    return request


def _new_request(principal: Principal, asked: SecondOpinionRequestIn) -> SecondOpinionRequest:
    return SecondOpinionRequest(
        study_instance_uid=asked.study_instance_uid,
        status=RequestStatus.WAITING_FOR_IMAGES.value,
        organisation=asked.requester.organisation,
        contact_name=asked.requester.contact_name,
        contact_email=asked.requester.contact_email,
        clinical_question=asked.clinical_question,
        service_level=asked.service_level.value,
        outside_report=asked.outside_report,
        subspecialty=asked.subspecialty,
        requested_by=principal.actor,
    )


def note_claimed(session: Session, settings: Settings, task_ids: Sequence[int]) -> None:
    """A reader opened the request's task: it is in review (and stays so if they hand it back)."""
    for request in requests.of_tasks(session, task_ids):
        if request.status == RequestStatus.RECEIVED.value:
            move_request(session, settings, request, RequestStatus.IN_REVIEW)


def check_concordance(
    request: SecondOpinionRequest | None, concordance: Concordance | None
) -> None:
    """A request sent with an outside report is finalized with how the reader's report compares."""
    if request is not None and request.outside_report and concordance is None:
        raise Invalid(
            "concordance: this second-opinion request came with an outside report; say whether "
            "the final report agrees (agree, minor discrepancy, major discrepancy)"
        )
    if concordance is not None and (request is None or not request.outside_report):
        raise Invalid("concordance: only a request sent with an outside report takes one")


def note_final(
    session: Session,
    settings: Settings,
    request: SecondOpinionRequest,
    concordance: Concordance | None,
) -> None:
    request.concordance = concordance.value if concordance else None
    request.finalized_at = datetime.now(UTC)
    move_request(session, settings, request, RequestStatus.FINAL)
