"""The stability sweep routes a batch of studies together, as one by one would."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import SEEDED_SUBSPECIALTIES
from app.workflow import on_stable
from app.workflow.on_stable import mark_settled_studies_stable, on_study_stable
from tests.support.factories import make_radiologist, make_series, make_study

# (modality, body part, study description, question, series descriptions)
KINDS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("MR", "BRAIN", "MRI BRAIN WO/W CONTRAST", "new seizure", ("AX FLAIR", "AX DWI")),
    ("MR", "KNEE", "MRI KNEE LEFT", "acl tear after sports injury", ("COR PD FS", "SAG PD")),
    ("CT", "CHEST", "CT CHEST W CONTRAST", "r/o pulmonary embolism", ("CTA CHEST",)),
    ("CT", "HEAD", "CT HEAD WO", "sudden weakness, r/o stroke", ("AX BRAIN",)),
    ("MG", "BREAST", "SCREENING MAMMOGRAM", "screening", ("L CC", "R CC")),
    ("CR", "CHEST", "XR CHEST 1V", "line placement", ("AP",)),
]


def _study_of_kind(session: Session, kind: int, **fields: Any) -> int:
    modality, body_part, description, question, series = KINDS[kind]
    study = make_study(
        session,
        modalities=[modality],
        body_part_examined=body_part,
        study_description=description,
        clinical_question=question,
        **fields,
    )
    for series_description in series:
        make_series(session, study, modality=modality, series_description=series_description)
    return study.id


def _settled(session: Session, kind: int = 0, **fields: Any) -> int:
    """A study the next sweep will find quiet long enough to be stable."""
    quiet_since = datetime.now(UTC) - timedelta(minutes=5)
    return _study_of_kind(session, kind, last_received_at=quiet_since, **fields)


def _routes(session: Session, study_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """How each study was routed, in order: pool, priority, reasons, state, history."""
    routes = []
    for study_id in study_ids:
        task = session.scalars(select(ReadingTask).where(ReadingTask.study_id == study_id)).one()
        history = session.scalars(
            select(TaskEvent.action).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)
        )
        reasons = tuple(task.route_reasons)
        routes.append((task.subspecialty, task.priority, reasons, task.state, tuple(history)))
    return routes


def _assignees(session: Session, study_ids: Sequence[int]) -> list[int | None]:
    query = select(ReadingTask.study_id, ReadingTask.assignee_id).where(
        ReadingTask.study_id.in_(study_ids)
    )
    by_study = {study_id: reader for study_id, reader in session.execute(query)}
    return [by_study[study_id] for study_id in study_ids]


def _stable(session: Session, study_id: int) -> bool:
    return session.scalar(select(Study.stable_at).where(Study.id == study_id)) is not None


def test_a_batch_routes_each_study_as_one_by_one_would(
    session: Session, settings: Settings
) -> None:
    for code in SEEDED_SUBSPECIALTIES:
        make_radiologist(session, subspecialties=(code,), max_open_tasks=100)
    one_by_one = [
        _study_of_kind(session, kind, stable_at=datetime.now(UTC)) for kind in range(len(KINDS))
    ]
    for study_id in one_by_one:
        on_study_stable(session, study_id, settings)
    batch = [_settled(session, kind) for kind in range(len(KINDS))]

    assert mark_settled_studies_stable(session, settings) == len(batch)

    assert _routes(session, batch) == _routes(session, one_by_one)
    assert len({route[0] for route in _routes(session, batch)}) > 3
    assert all(_stable(session, study_id) for study_id in batch)


def test_a_study_whose_steps_fail_stays_unstable_and_the_others_go_on(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_radiologist(session, subspecialties=("NEURO", "MSK", "CHEST", "BODY"))
    studies = [_settled(session, kind) for kind in range(4)]
    broken = studies[1]

    def fail_on_the_broken_study(_: Session, study_ids: Sequence[int], __: Settings) -> None:
        if broken in study_ids:
            raise RuntimeError("unreadable header")

    monkeypatch.setattr(on_stable, "STEPS", (*on_stable.STEPS, fail_on_the_broken_study))

    assert mark_settled_studies_stable(session, settings) == 3

    assert [_stable(session, study_id) for study_id in studies] == [True, False, True, True]
    assigned = _assignees(session, [study for study in studies if study != broken])
    assert None not in assigned
    broken_tasks = select(ReadingTask).where(ReadingTask.study_id == broken)
    assert session.scalars(broken_tasks).all() == []


def test_a_batch_spreads_its_studies_over_the_pool(session: Session, settings: Settings) -> None:
    readers = [make_radiologist(session, subspecialties=("NEURO",)) for _ in range(3)]
    studies = [_settled(session) for _ in range(9)]

    assert mark_settled_studies_stable(session, settings) == 9

    counts = Counter(_assignees(session, studies))
    assert [counts[reader.id] for reader in readers] == [3, 3, 3]


def test_a_patients_studies_in_one_batch_go_to_one_reader(
    session: Session, settings: Settings
) -> None:
    for _ in range(3):
        make_radiologist(session, subspecialties=("NEURO",))
    first = _settled(session, patient_id="P-7")
    _settled(session)
    second = _settled(session, patient_id="P-7")

    assert mark_settled_studies_stable(session, settings) == 3

    first_reader, second_reader = _assignees(session, [first, second])
    assert first_reader is not None
    assert first_reader == second_reader


def test_the_sweep_takes_at_most_a_batch_per_transaction(
    session: Session, settings: Settings
) -> None:
    studies = [_settled(session) for _ in range(3)]
    small_batches = settings.model_copy(update={"stability_batch": 2})

    assert mark_settled_studies_stable(session, small_batches) == 2
    assert mark_settled_studies_stable(session, small_batches) == 1
    assert all(_stable(session, study_id) for study_id in studies)
