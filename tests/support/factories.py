"""Small keyword-argument factories: each makes one row with plausible defaults and flushes it."""

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.people.models import Radiologist, RadiologistCredential, RadiologistSubspecialty
from app.settings import Settings
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.tasks.service_levels import due_at
from app.vocabulary import Priority, TaskKind, TaskState

_numbers = itertools.count(1)
DEFAULT_SETTINGS = Settings()


def _uid() -> str:
    return f"1.2.826.0.1.3680043.10.1000.{next(_numbers)}"


def make_study(session: Session, **fields: Any) -> Study:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "study_instance_uid": _uid(),
        "patient_id": f"PID{next(_numbers):05d}",
        "patient_name": "DOE^JANE",
        "patient_sex": "F",
        "accession_number": f"ACC{next(_numbers):06d}",
        "study_description": "MRI CERVICAL SPINE WO CONTRAST",
        "modalities": ["MR"],
        "body_part_examined": "CSPINE",
        "institution_name": "General Hospital",
        "clinical_question": "neck pain with bilateral hand numbness, r/o myelopathy",
        "first_received_at": now,
        "last_received_at": now,
    }
    study = Study(**(values | fields))
    session.add(study)
    session.flush()
    return study


def make_series(session: Session, study: Study, **fields: Any) -> Series:
    values: dict[str, Any] = {
        "study_id": study.id,
        "series_instance_uid": _uid(),
        "modality": "MR",
        "series_number": next(_numbers),
        "series_description": "SAG T2 TSE",
        "instance_count": 15,
    }
    series = Series(**(values | fields))
    session.add(series)
    session.flush()
    return series


def make_radiologist(
    session: Session,
    subspecialties: tuple[str, ...] = ("NEURO",),
    institutions: tuple[str, ...] = (),
    **fields: Any,
) -> Radiologist:
    values: dict[str, Any] = {"name": f"Dr Reader {next(_numbers)}", "on_duty": True}
    radiologist = Radiologist(**(values | fields))
    session.add(radiologist)
    session.flush()
    session.add_all(
        RadiologistSubspecialty(radiologist_id=radiologist.id, subspecialty_code=code)
        for code in subspecialties
    )
    session.add_all(
        RadiologistCredential(radiologist_id=radiologist.id, kind="INSTITUTION", value=name)
        for name in institutions
    )
    session.flush()
    return radiologist


def make_task(session: Session, study: Study | None = None, **fields: Any) -> ReadingTask:
    """A task due when the default service level of its priority says, unless `due_at` is given."""
    study = study or make_study(session)
    priority = fields.get("priority", Priority.ROUTINE.value)
    values: dict[str, Any] = {
        "study_id": study.id,
        "kind": TaskKind.PRIMARY.value,
        "state": TaskState.UNASSIGNED.value,
        "subspecialty": "NEURO",
        "priority": priority,
        "due_at": due_at(DEFAULT_SETTINGS, priority, datetime.now(UTC)),
    }
    task = ReadingTask(**(values | fields))
    session.add(task)
    session.flush()
    return task
