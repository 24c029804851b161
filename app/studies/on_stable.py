"""What a study's becoming stable sets off: the one hook classification and routing plug into.

The stability sweep calls `on_study_stable` inside the transaction that marks the study stable, so
a study is marked stable only together with everything its stability set off.
"""

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.routing.classify import classify_study
from app.routing.route import route_study
from app.settings import Settings

StableStudyStep = Callable[[Session, int, Settings], None]

# In order: each step sees what the earlier ones wrote.
STEPS: tuple[StableStudyStep, ...] = (classify_study, route_study)


def on_study_stable(session: Session, study_id: int, settings: Settings) -> None:
    for step in STEPS:
        step(session, study_id, settings)
