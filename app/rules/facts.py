"""One way to turn a study's classification results into `ClassifiedStudy`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.classification.question import QuestionClassification, classify_question
from app.classification.region import RegionClassification, classify_region
from app.classification.sequence import SeriesClassification
from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import RuleSet
from app.rules.engine import RouteDecision, route


def facts_from(
    *,
    modalities: Iterable[str],
    region: RegionClassification,
    series: Iterable[SeriesClassification] = (),
    question: QuestionClassification | None = None,
    question_text: str = "",
    study_description: str = "",
    source_ae: str = "",
    institution: str = "",
    received_at: datetime | None = None,
) -> ClassifiedStudy:
    """Facts for routing; keywords are searched in the question and the study description."""
    return ClassifiedStudy(
        modalities=frozenset(modality.strip().upper() for modality in modalities if modality),
        region=region.region,
        sequences=frozenset(classification.sequence for classification in series),
        categories=frozenset(question.categories) if question else frozenset(),
        text=f"{question_text}\n{study_description}".lower(),
        urgency=question.urgency if question else "ROUTINE",
        acuity_steps=question.acuity.steps if question else 0,
        acuity_cue=question.acuity.cue if question else "",
        source_ae=source_ae.strip(),
        institution=institution.strip(),
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class ReferralRoute:
    """Region, question and routing decision for one referral, as `route-question` prints it."""

    region: RegionClassification
    question: QuestionClassification
    decision: RouteDecision

    def to_json(self) -> dict[str, Any]:
        """The `route-question` output line."""
        return {
            "region": self.region.region,
            "categories": list(self.question.categories),
            "subspecialty": self.decision.subspecialty,
            "urgency": self.decision.priority,
            "reasons": [*self.region.reasons, *self.question.reasons, *self.decision.reasons],
        }


def route_referral(
    rule_set: RuleSet,
    *,
    modality: str = "",
    body_part: str = "",
    study_description: str = "",
    clinical_question: str = "",
) -> ReferralRoute:
    """Classify a referral's region and question, then route it with the rule set."""
    region = classify_region(body_part, study_description, question=clinical_question)
    question = classify_question(clinical_question)
    facts = facts_from(
        modalities=modality.split("\\"),
        region=region,
        question=question,
        question_text=clinical_question,
        study_description=study_description,
    )
    return ReferralRoute(region, question, route(rule_set, facts))
