"""What studies' becoming stable sets off: the one hook classification and routing plug into.

The stability sweep calls `on_studies_stable` inside the transaction that marks its batch of
studies stable, so a study is marked stable only together with everything its stability set off.
Each step takes the whole batch: a few statements per batch instead of a dozen per study.
"""

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.routing.classify import classify_studies
from app.routing.route import route_changed_studies, route_studies
from app.settings import Settings

StableStudiesStep = Callable[[Session, Sequence[int], Settings], None]

# In order: each step sees what the earlier ones wrote.
STEPS: tuple[StableStudiesStep, ...] = (classify_studies, route_studies)
# For studies that received images after they were stable: their new series classified, their
# task re-routed while nobody has claimed it, else its reader told.
CHANGED_STEPS: tuple[StableStudiesStep, ...] = (classify_studies, route_changed_studies)


def on_studies_stable(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    for step in STEPS:
        step(session, study_ids, settings)


def on_studies_changed(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    for step in CHANGED_STEPS:
        step(session, study_ids, settings)


def on_study_stable(session: Session, study_id: int, settings: Settings) -> None:
    """The same steps for one study: an amended order, or a study routed again."""
    on_studies_stable(session, [study_id], settings)
