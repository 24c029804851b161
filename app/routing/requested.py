"""What an outside second-opinion request asks of routing: its pool and its service level."""

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from app.rules.engine import RouteDecision
from app.second_opinions import repository as requests
from app.second_opinions.models import SecondOpinionRequest

Requests = dict[int, SecondOpinionRequest]  # by study id


def open_requests(session: Session, study_ids: Sequence[int]) -> Requests:
    """The latest unread request of each study."""
    return {request.study_id: request for request in requests.open_of_studies(session, study_ids)
            if request.study_id is not None}  # fmt: skip


def as_requested(decision: RouteDecision, request: SecondOpinionRequest | None) -> RouteDecision:
    """The rules' decision, in the pool the requester asked for and due by their service level."""
    if request is None:
        return decision
    pool = request.subspecialty or decision.subspecialty
    reason = f"second-opinion request {request.id}: {pool}, due within {request.service_level}"
    return replace(
        decision,
        subspecialty=pool,
        service_level=request.service_level,
        reasons=(*decision.reasons, reason),
    )
