"""What a study's stability does for the second-opinion requests waiting for it: the request meets
its study and feeds the classifier its question, and after routing it meets its reading task."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.second_opinions import repository as requests
from app.second_opinions.models import SecondOpinionRequest
from app.settings import Settings
from app.studies.models import Study
from app.studies.questions import give_question
from app.tasks import repository as tasks
from app.vocabulary import RequestStatus
from app.workflow.request_announcements import move_request

REQUEST_SOURCE = "second-opinion request"


def receive_requests(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """A stability step before classification: link the requests waiting for these studies; the
    latest open request's question is the one the classifier and the rules read."""
    for request in requests.link_waiting(session, study_ids):
        mark_received(session, settings, request)
    for request in requests.open_of_studies(session, study_ids):
        assert request.study_id is not None
        put_question_on_study(session.get_one(Study, request.study_id), request)


def mark_received(session: Session, settings: Settings, request: SecondOpinionRequest) -> None:
    request.received_at = request.received_at or datetime.now(UTC)
    move_request(session, settings, request, RequestStatus.RECEIVED)


def put_question_on_study(study: Study, request: SecondOpinionRequest) -> None:
    give_question(study, request.clinical_question, REQUEST_SOURCE)


def link_request_tasks(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """A stability step after routing: each open request follows its study's primary task."""
    for request in requests.open_of_studies(session, study_ids):
        if request.task_id is None and request.study_id is not None:
            task = tasks.primary_task_of_study(session, request.study_id)
            request.task_id = task.id if task else None
    session.flush()
