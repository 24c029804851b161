"""A study that becomes stable is classified, routed by the current rules and assigned."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import TaskState
from app.workflow.on_stable import mark_settled_studies_stable, on_study_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.factories import make_radiologist, make_series, make_study


def _tasks(session: Session, study_id: int) -> list[ReadingTask]:
    query = select(ReadingTask).where(ReadingTask.study_id == study_id)
    return list(session.scalars(query))


def _study(session: Session, study_id: int) -> Study:
    study = session.get(Study, study_id)
    assert study is not None
    return study


def _stable_neuro_study(session: Session) -> int:
    return make_stable_brain_study(session, series=("AX T2 FLAIR", "AX DWI"))


def test_stable_study_is_classified_routed_and_assigned(
    session: Session, settings: Settings
) -> None:
    reader = make_radiologist(session, subspecialties=("NEURO",))
    study_id = _stable_neuro_study(session)

    on_study_stable(session, study_id, settings)

    [task] = _tasks(session, study_id)
    assert (task.subspecialty, task.state, task.assignee_id) == ("NEURO", "ASSIGNED", reader.id)
    assert task.rule_version == 1
    assert any("neuro-brain-head-neck" in reason for reason in task.route_reasons)
    assert task.due_at > task.created_at
    actions = session.scalars(select(TaskEvent.action).where(TaskEvent.task_id == task.id))
    assert list(actions) == ["create", "assign"]


def test_routing_fills_classification_on_study_and_series(
    session: Session, settings: Settings
) -> None:
    study_id = _stable_neuro_study(session)

    on_study_stable(session, study_id, settings)

    classified = _study(session, study_id)
    assert classified.region == "BRAIN"
    assert classified.classified_at is not None
    sequences = set(session.scalars(select(Series.sequence).where(Series.study_id == study_id)))
    assert sequences == {"FLAIR", "DWI"}


def test_no_eligible_reader_leaves_the_task_waiting(session: Session, settings: Settings) -> None:
    make_radiologist(session, subspecialties=("MSK",))
    study_id = _stable_neuro_study(session)

    on_study_stable(session, study_id, settings)

    [task] = _tasks(session, study_id)
    assert (task.state, task.assignee_id) == (TaskState.UNASSIGNED.value, None)


def test_routing_again_updates_the_unassigned_task_instead_of_adding_one(
    session: Session, settings: Settings
) -> None:
    study_id = _stable_neuro_study(session)
    on_study_stable(session, study_id, settings)
    study = _study(session, study_id)
    study.study_description = "MRI LUMBAR SPINE"
    study.body_part_examined = "LSPINE"
    study.clinical_question = "low back pain with facet arthropathy"

    on_study_stable(session, study_id, settings)

    [task] = _tasks(session, study_id)
    assert task.subspecialty == "MSK"
    assert task.version == 2


def test_routing_again_leaves_an_assigned_task_the_rules_do_not_move(
    session: Session, settings: Settings
) -> None:
    reader = make_radiologist(session, subspecialties=("NEURO",))
    study_id = _stable_neuro_study(session)
    on_study_stable(session, study_id, settings)

    on_study_stable(session, study_id, settings)

    [task] = _tasks(session, study_id)
    assert (task.subspecialty, task.assignee_id, task.version) == ("NEURO", reader.id, 2)


def test_routing_again_moves_an_assigned_task_nobody_claimed_to_its_new_pool(
    session: Session, settings: Settings
) -> None:
    make_radiologist(session, subspecialties=("NEURO",))
    study_id = _stable_neuro_study(session)
    on_study_stable(session, study_id, settings)
    study = _study(session, study_id)
    study.study_description = "MRI KNEE"
    study.body_part_examined = "KNEE"

    on_study_stable(session, study_id, settings)

    [task] = _tasks(session, study_id)
    assert (task.subspecialty, task.state, task.assignee_id) == ("MSK", "UNASSIGNED", None)


def test_the_stability_sweep_routes_and_assigns_settled_studies(
    session: Session, settings: Settings
) -> None:
    reader = make_radiologist(session, subspecialties=("NEURO",))
    quiet_since = datetime.now(UTC) - timedelta(minutes=5)
    study = make_study(
        session,
        study_description="MRI BRAIN",
        body_part_examined="BRAIN",
        last_received_at=quiet_since,
    )
    make_series(session, study, series_description="AX FLAIR")

    assert mark_settled_studies_stable(session, settings) == 1

    [task] = _tasks(session, study.id)
    assert (task.state, task.assignee_id) == (TaskState.ASSIGNED.value, reader.id)
    assert session.scalar(select(Study.stable_at).where(Study.id == study.id)) is not None
