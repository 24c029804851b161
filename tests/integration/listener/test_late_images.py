"""Images that arrive after a study was marked stable: the study is settled again once quiet."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from pydicom import Dataset
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Series, Study
from app.studies.records import InstanceFacts, Receipt, SeriesKey
from app.studies.service import file_instance_of_series
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import Role, TaskState
from dicom_listener.samples import AX, SAG, SeriesSpec, StudySpec, study_datasets
from tests.integration.listener.conftest import SendDatasets, settle
from tests.support.factories import make_radiologist, make_series, make_study

_T2 = {"RepetitionTime": 4000, "EchoTime": 110, "ScanningSequence": ["SE"]}
_FLAIR = {"RepetitionTime": 9000, "EchoTime": 120, "InversionTime": 2500, "ScanningSequence": "IR"}
# Its first series names no anatomy (a GENERAL read); the later ones name the brain (NEURO).
_SCOUT_FIRST = StudySpec(
    "MR",
    "MRI WO CONTRAST",
    "",
    (
        SeriesSpec("SAG T1", SAG, 2, _T2),
        SeriesSpec("AX T2 FLAIR BRAIN", AX, 6, _FLAIR),
        SeriesSpec("AX T2 BRAIN", AX, 5, _T2),
    ),
)


def _first_series_then_the_rest(
    send: SendDatasets, listener: Settings, database_url: str
) -> Callable[[], None]:
    """Send the first series, let the study become stable; return what sends the rest."""
    datasets = list(study_datasets(_SCOUT_FIRST))
    assert set(send(datasets[:2])) == {"0x0000"}
    assert settle(listener, database_url) == 1
    rest: list[Dataset] = datasets[2:]
    return lambda: _send_all(send, rest)


def _send_all(send: SendDatasets, datasets: list[Dataset]) -> None:
    assert set(send(datasets)) == {"0x0000"}


def _primary_task(session: Session) -> ReadingTask:
    session.expire_all()
    return session.scalars(select(ReadingTask)).one()


def test_late_series_are_counted_classified_and_rerouted_while_the_task_is_not_claimed(
    send: SendDatasets, listener: Settings, database_url: str, session: Session
) -> None:
    general = make_radiologist(session, subspecialties=("GENERAL",))
    neuro = make_radiologist(session, subspecialties=("NEURO",))
    session.commit()
    send_the_rest = _first_series_then_the_rest(send, listener, database_url)
    first = _primary_task(session)
    assert (first.subspecialty, first.state) == ("GENERAL", TaskState.ASSIGNED.value)
    assert first.assignee_id == general.id

    send_the_rest()
    assert settle(listener, database_url) == 1

    session.expire_all()
    study = session.scalars(select(Study)).one()
    rows = session.scalars(select(Instance)).all()
    assert study.instance_count == len(rows) == 13
    assert study.changed_after_stable_at is None
    assert study.region == "BRAIN"
    series = session.scalars(select(Series).order_by(Series.series_number)).all()
    assert [one.instance_count for one in series] == [2, 6, 5]
    assert all(one.sequence is not None for one in series)
    task = _primary_task(session)
    assert (task.id, task.subspecialty, task.state) == (first.id, "NEURO", "ASSIGNED")
    assert task.assignee_id == neuro.id
    actions = session.scalars(select(TaskEvent.action).where(TaskEvent.task_id == task.id))
    assert list(actions) == ["create", "assign", "reroute", "assign"]


def test_claimed_task_keeps_its_reader_who_is_told_of_images_added_after_routing(
    send: SendDatasets,
    listener: Settings,
    database_url: str,
    session: Session,
    client: TestClient,
    make_token: Callable[..., str],
) -> None:
    general = make_radiologist(session, subspecialties=("GENERAL",))
    make_radiologist(session, subspecialties=("NEURO",))
    session.commit()
    send_the_rest = _first_series_then_the_rest(send, listener, database_url)
    task = _primary_task(session)
    headers = {"Authorization": f"Bearer {make_token(Role.RADIOLOGIST, 'reader', general.id)}"}
    claimed = client.post(
        f"/api/v1/tasks/{task.id}/claim", json={"version": task.version}, headers=headers
    )
    assert claimed.status_code == 200, claimed.text
    assert (
        client.get(f"/api/v1/tasks/{task.id}", headers=headers).json()["images_added_after_routing"]
        is None
    )

    send_the_rest()
    assert settle(listener, database_url) == 1

    task = _primary_task(session)
    assert (task.subspecialty, task.state) == ("GENERAL", TaskState.IN_PROGRESS.value)
    assert task.assignee_id == general.id
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=headers).json()
    assert detail["images_added_after_routing"] is not None
    assert detail["history"][-1]["details"] == {"note": "images added after routing"}
    assert [one["instance_count"] for one in detail["study"]["series"]] == [2, 6, 5]
    assert all(one["sequence"] is not None for one in detail["study"]["series"])


@pytest.mark.parametrize("touch", [False, True])
def test_first_new_instance_of_a_stable_study_marks_it_changed_whether_or_not_it_touches(
    session: Session, touch: bool
) -> None:
    study = make_study(session, stable_at=datetime.now(UTC))
    series = make_series(session, study)
    received_at = datetime.now(UTC)
    receipt = Receipt("a/b/c.dcm", 100, "MODALITY", received_at)
    instance = InstanceFacts("1.2.3.4", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1")

    assert file_instance_of_series(
        session, SeriesKey(study.id, series.id), instance, receipt, touch
    )

    session.refresh(study)
    assert study.changed_after_stable_at == received_at
    assert study.last_received_at is not None
    assert study.last_received_at >= received_at


def test_a_resent_instance_of_a_stable_study_changes_nothing(session: Session) -> None:
    study = make_study(session, stable_at=datetime.now(UTC))
    series = make_series(session, study)
    instance = InstanceFacts("1.2.3.5", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1")
    key = SeriesKey(study.id, series.id)
    file_instance_of_series(
        session, key, instance, Receipt("a/b/d.dcm", 100, None, datetime.now(UTC)), True
    )
    session.execute(update(Study).values(changed_after_stable_at=None))

    resent = Receipt("a/b/d.dcm", 100, None, datetime.now(UTC))
    assert not file_instance_of_series(session, key, instance, resent, False)

    session.refresh(study)
    assert study.changed_after_stable_at is None
