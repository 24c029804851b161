from sqlalchemy.orm import Session

from app.vocabulary import TaskState
from tests.support.factories import make_radiologist, make_series, make_study, make_task


def test_factories_build_a_study_with_series_and_a_task_for_a_reader(session: Session) -> None:
    study = make_study(session)
    series = make_series(session, study, series_description="AX T2")
    reader = make_radiologist(session, subspecialties=("NEURO", "MSK"), institutions=("GH",))
    task = make_task(session, study, state=TaskState.ASSIGNED.value, assignee_id=reader.id)
    assert series.study_id == study.id
    assert task.assignee_id == reader.id
    assert task.version == 1
    assert task.change_seq > 0
