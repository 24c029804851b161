"""The assignment engine on real Postgres: balance, eligibility rules and concurrency."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.session import session_scope
from app.routing.assigner import assign_waiting
from app.settings import Settings
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import Priority, TaskKind, TaskState
from tests.support.factories import make_radiologist, make_study, make_task


def _assignees(session: Session) -> Counter[int | None]:
    return Counter(session.scalars(select(ReadingTask.assignee_id)))


def test_two_readers_and_twenty_tasks_stay_within_one_task(
    session: Session, settings: Settings
) -> None:
    first, second = make_radiologist(session), make_radiologist(session)
    for _ in range(20):
        make_task(session)

    assert assign_waiting(session, settings) == 20

    counts = _assignees(session)
    assert abs(counts[first.id] - counts[second.id]) <= 1
    assert counts[None] == 0


def test_lowest_weighted_workload_wins_and_ties_go_to_the_longest_idle(
    session: Session, settings: Settings
) -> None:
    busy = make_radiologist(session)
    idle_long = make_radiologist(session, last_assigned_at=datetime.now(UTC) - timedelta(hours=2))
    idle_short = make_radiologist(session, last_assigned_at=datetime.now(UTC))
    make_task(session, state=TaskState.IN_PROGRESS.value, assignee_id=busy.id)
    waiting = make_task(session)

    assign_waiting(session, settings)

    assert waiting.assignee_id == idle_long.id
    assert idle_short.id != waiting.assignee_id


def test_cap_holds_except_for_stat(session: Session, settings: Settings) -> None:
    reader = make_radiologist(session, max_open_tasks=1)
    make_task(session, state=TaskState.ASSIGNED.value, assignee_id=reader.id)
    routine = make_task(session)
    stat = make_task(session, priority=Priority.STAT.value)

    assign_waiting(session, settings)

    assert (routine.state, stat.state) == (TaskState.UNASSIGNED.value, TaskState.ASSIGNED.value)
    assert stat.assignee_id == reader.id


def test_credentials_limit_institutions_and_none_means_any(
    session: Session, settings: Settings
) -> None:
    elsewhere = make_radiologist(session, institutions=("Elsewhere Clinic",))
    anywhere = make_radiologist(session, last_assigned_at=datetime.now(UTC))
    task = make_task(session, make_study(session, institution_name="General Hospital"))

    assign_waiting(session, settings)

    assert task.assignee_id == anywhere.id != elsewhere.id


def test_second_opinion_never_goes_to_the_primary_reader(
    session: Session, settings: Settings
) -> None:
    primary_reader = make_radiologist(session)
    other = make_radiologist(session)
    make_task(session, state=TaskState.IN_PROGRESS.value, assignee_id=other.id)
    study = make_study(session)
    primary = make_task(session, study, state=TaskState.FINAL.value, assignee_id=primary_reader.id)
    second = make_task(
        session, study, kind=TaskKind.SECOND_OPINION.value, primary_task_id=primary.id
    )

    assign_waiting(session, settings)

    assert second.assignee_id == other.id


def test_same_patient_goes_to_the_reader_of_their_other_open_study(
    session: Session, settings: Settings
) -> None:
    make_radiologist(session)
    patient_reader = make_radiologist(session)
    earlier = make_study(session, patient_id="P-1")
    make_task(session, earlier, state=TaskState.ASSIGNED.value, assignee_id=patient_reader.id)
    task = make_task(session, make_study(session, patient_id="P-1"))

    assign_waiting(session, settings)

    assert task.assignee_id == patient_reader.id


def test_an_outside_patient_with_a_local_patients_id_is_not_steered_to_their_reader(
    session: Session, settings: Settings
) -> None:
    free_reader = make_radiologist(session)
    local_reader = make_radiologist(session)
    local = make_study(session, patient_id="P-1")
    make_task(session, local, state=TaskState.ASSIGNED.value, assignee_id=local_reader.id)
    task = make_task(session, make_study(session, patient_id="P-1", patient_issuer="CLINIC-NORD"))

    assign_waiting(session, settings)

    assert task.assignee_id == free_reader.id


def test_nobody_on_duty_leaves_tasks_waiting(session: Session, settings: Settings) -> None:
    make_radiologist(session, on_duty=False)
    make_radiologist(session, active=False)
    task = make_task(session)

    assert assign_waiting(session, settings) == 0
    assert task.state == TaskState.UNASSIGNED.value


def test_a_shift_window_puts_a_reader_on_duty(session: Session, settings: Settings) -> None:
    reader = make_radiologist(
        session, on_duty=False, shift_windows=[{"start": "00:00", "end": "23:59:59.999999"}]
    )
    task = make_task(session)

    assign_waiting(session, settings)

    assert task.assignee_id == reader.id


def test_twenty_concurrent_passes_assign_each_task_once_and_keep_balance(
    database_url: str, settings: Settings
) -> None:
    with session_scope(database_url) as session:
        readers = [make_radiologist(session, max_open_tasks=100) for _ in range(3)]
        for _ in range(60):
            make_task(session)

    def one_pass(_: int) -> int:
        with session_scope(database_url) as pass_session:
            return assign_waiting(pass_session, settings, limit=5)

    with ThreadPoolExecutor(max_workers=20) as pool:
        assigned = sum(pool.map(one_pass, range(20)))

    with session_scope(database_url) as session:
        counts = _assignees(session)
        assign_events = session.scalar(
            select(func.count()).select_from(TaskEvent).where(TaskEvent.action == "assign")
        )
    assert assigned == assign_events == 60
    assert counts[None] == 0
    loads = [counts[reader.id] for reader in readers]
    assert max(loads) - min(loads) <= 1


def test_waiting_task_goes_to_a_reader_who_comes_on_duty(
    session: Session, settings: Settings
) -> None:
    reader = make_radiologist(session, on_duty=False)
    task = make_task(session, priority=Priority.URGENT.value)
    assign_waiting(session, settings)
    assert task.state == TaskState.UNASSIGNED.value

    reader.on_duty = True
    assign_waiting(session, settings)

    assert (task.state, task.assignee_id) == (TaskState.ASSIGNED.value, reader.id)
