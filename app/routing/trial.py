"""Trying the current rules on one study, stored or described: the rule that matches, why, and
whom the engine would choose now. Changes nothing."""

from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlalchemy.orm import Session

from app.routing import repository
from app.routing.assigner import candidates
from app.routing.assignment import TaskNeeds, choose
from app.routing.facts import study_facts
from app.rules.engine import RouteDecision, route
from app.rules.facts import route_referral
from app.rules.service import current_rule_set
from app.settings import Settings


class Found(NamedTuple):
    """The study tried, as classified."""

    study_instance_uid: str | None
    region: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Trial:
    version: int
    study_instance_uid: str | None
    region: str
    categories: tuple[str, ...]
    decision: RouteDecision
    reader: str | None
    reader_reasons: tuple[str, ...]


def try_stored_study(session: Session, settings: Settings, lookup: str) -> Trial | None:
    """The newest study with this accession number or patient id; None when there is none."""
    study_id = repository.newest_study_named(session, lookup)
    if study_id is None:
        return None
    study, sequences = repository.studies_with_sequences(session, [study_id])[study_id]
    facts = study_facts(study, sequences, settings.zone)
    version, rule_set = current_rule_set(session)
    decision = route(rule_set, facts)
    found = Found(study.study_instance_uid, facts.region, tuple(sorted(facts.categories)))
    return _with_reader(session, settings, version, found, decision, study.institution_name or "")


def try_described_study(
    session: Session, settings: Settings, *, modality: str, body_part: str,
    study_description: str, clinical_question: str,
) -> Trial:  # fmt: skip
    """Classify typed facts as the listener would, then route them."""
    version, rule_set = current_rule_set(session)
    referral = route_referral(
        rule_set, modality=modality, body_part=body_part,
        study_description=study_description, clinical_question=clinical_question,
    )  # fmt: skip
    decision = referral.decision
    reasons = (*referral.region.reasons, *referral.question.reasons, *decision.reasons)
    found = Found(None, referral.region.region, tuple(referral.question.categories))
    return _with_reader(session, settings, version, found, replace(decision, reasons=reasons), "")


def _with_reader(
    session: Session, settings: Settings, version: int, found: Found,
    decision: RouteDecision, institution: str,
) -> Trial:  # fmt: skip
    named = decision.radiologist_id if isinstance(decision.radiologist_id, int) else None
    needs = TaskNeeds(decision.subspecialty, decision.priority, institution, named_reader=named)
    everyone = candidates(session, settings, lock=False)
    choice = choose(everyone, needs)
    names = {candidate.id: candidate.name for candidate in everyone}
    if choice is None:
        return Trial(version, *found, decision, None, ("nobody eligible is on duty now",))
    return Trial(version, *found, decision, names[choice.radiologist_id], choice.reasons)
