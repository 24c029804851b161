"""What rules read about a study: its facts, already classified."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ClassifiedStudy:
    """Everything a rule may test about a study, already classified."""

    modalities: frozenset[str]
    region: str
    sequences: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    text: str = ""
    urgency: str = "ROUTINE"
    acuity_steps: int = 0  # how far the question's modifiers move its categories' acuity
    acuity_cue: str = ""
    urgency_corrected: bool = False  # a person set the urgency: acuity does not move it
    source_ae: str = ""
    institution: str = ""
    received_at: datetime | None = None  # on the department's clock, as time windows read it
