"""An order and its study meet whichever comes first; the order's facts route the study."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.db.session import session_scope
from app.orders.models import Order
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.principal import Principal
from app.settings import Settings
from app.studies.models import Study
from app.tasks.detail import task_detail
from app.tasks.models import ReadingTask
from app.tasks.service import claim
from app.vocabulary import Priority, Role, TaskState
from app.workflow.amendments import OrderDetails, amend_study
from app.workflow.on_stable import mark_settled_studies_stable
from app.workflow.orders import receive_order
from tests.support.factories import make_radiologist, make_series, make_study

RIS = Principal.system("hl7:RIS|GENHOSP")


def _order(control: OrderControl = OrderControl.NEW, **facts: object) -> ReceivedOrder:
    values: dict[str, object] = {
        "accession_number": "ACC-M1",
        "patient_id": "PID-M1",
        "reason": "thunderclap headache, r/o subarachnoid hemorrhage",
        "priority": Priority.STAT,
    }
    return ReceivedOrder(control, OrderFacts(**(values | facts)), "HL7")  # type: ignore[arg-type]


def _settled_study(session: Session, **fields: object) -> Study:
    values: dict[str, object] = {
        "accession_number": "ACC-M1",
        "patient_id": "PID-M1",
        "study_description": "CT HEAD WO",
        "modalities": ["CT"],
        "body_part_examined": "HEAD",
        "clinical_question": "",
        "last_received_at": datetime.now(UTC) - timedelta(minutes=5),
    }
    study = make_study(session, **(values | fields))
    make_series(session, study, modality="CT", series_description="AX BRAIN")
    return study


def _task(session: Session, study: Study) -> ReadingTask:
    query = select(ReadingTask).where(ReadingTask.study_id == study.id)
    return session.scalars(query.execution_options(populate_existing=True)).one()


def test_order_first_then_study_is_routed_with_the_orders_facts(
    session: Session, settings: Settings
) -> None:
    order = receive_order(session, RIS, settings, _order()).order
    assert order.study_id is None
    study = _settled_study(session, clinical_question="headache (technologist)")
    assert mark_settled_studies_stable(session, settings) == 1
    session.refresh(study)
    session.refresh(order)
    assert order.study_id == study.id
    assert study.clinical_question is not None
    assert study.clinical_question.startswith("thunderclap headache")
    assert study.requested_priority == "STAT"
    assert _task(session, study).priority == "STAT"


def test_study_first_then_order_routes_the_unclaimed_task_again(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session)
    mark_settled_studies_stable(session, settings)
    assert _task(session, study).priority == "ROUTINE"
    receive_order(session, RIS, settings, _order())
    task = _task(session, study)
    assert task.priority == "STAT"
    assert task.state == TaskState.UNASSIGNED.value
    shown = task_detail(session, Principal("admin", Role.ADMIN), task.id).order
    assert shown is not None
    assert (shown.accession_number, shown.priority) == ("ACC-M1", "STAT")


def test_order_by_study_uid_wins_over_another_accession(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session, accession_number="OTHER")
    order = receive_order(
        session, RIS, settings, _order(study_instance_uid=study.study_instance_uid)
    ).order
    assert order.study_id == study.id


def test_accession_match_needs_the_same_patient(session: Session, settings: Settings) -> None:
    _settled_study(session, patient_id="SOMEONE-ELSE")
    order = receive_order(session, RIS, settings, _order()).order
    assert order.study_id is None


def test_cancelled_order_cancels_the_open_task_audited(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session)
    mark_settled_studies_stable(session, settings)
    receive_order(session, RIS, settings, _order())
    receive_order(session, RIS, settings, _order(OrderControl.CANCEL))
    task = _task(session, study)
    assert task.state == TaskState.CANCELLED.value
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == str(task.id)).order_by(AuditEvent.id)
    ).all()
    assert audit[-1].details["to"] == "CANCELLED"
    assert audit[-1].details["reason"] == "order cancelled (CA)"


def test_emergency_patient_class_makes_a_routine_question_urgent_with_its_reason(
    session: Session, settings: Settings
) -> None:
    routine = _order(reason="chronic headache, follow up", priority=None, patient_class="E")
    receive_order(session, RIS, settings, routine)
    study = _settled_study(session)
    mark_settled_studies_stable(session, settings)
    session.refresh(study)
    assert (study.patient_class, study.urgency) == ("E", "URGENT")
    reason = "the order's patient class E puts the patient in the emergency department"
    assert any(line.startswith(reason) for line in study.classification_reasons)
    assert _task(session, study).priority == "URGENT"


def test_inpatient_location_of_a_late_order_routes_the_study_again_as_urgent(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session, clinical_question="follow up")
    mark_settled_studies_stable(session, settings)
    assert _task(session, study).priority == "ROUTINE"
    session.expire_all()  # the order comes in a unit of work of its own, which reads it stable
    late = _order(reason="known lesion, follow up", priority=None, patient_location="ICU BED 4")
    receive_order(session, RIS, settings, late)
    session.refresh(study)
    assert (study.patient_location, study.urgency) == ("ICU BED 4", "URGENT")
    assert any("(ICU BED 4)" in line for line in study.classification_reasons)
    assert _task(session, study).priority == "URGENT"


def test_an_update_clearing_the_orders_reason_gives_the_study_its_headers_question_again(
    session: Session, settings: Settings
) -> None:
    asked = "neck pain (technologist)"
    study = _settled_study(
        session, clinical_question=asked, question_sources={"ReasonForStudy": asked}
    )
    mark_settled_studies_stable(session, settings)
    receive_order(session, RIS, settings, _order())
    session.refresh(study)
    assert study.clinical_question is not None
    assert study.clinical_question.startswith("thunderclap headache")
    assert _task(session, study).priority == "STAT"

    cleared = ReceivedOrder(
        OrderControl.CHANGE,
        OrderFacts(accession_number="ACC-M1", patient_id="PID-M1", priority=Priority.ROUTINE),
        "FHIR",
        states_every_fact=True,
    )
    receive_order(session, RIS, settings, cleared)
    session.refresh(study)
    assert (study.clinical_question, study.question_sources) == (asked, {"ReasonForStudy": asked})
    assert not any("thunderclap" in line for line in study.classification_reasons)


def test_an_update_no_longer_stating_priority_class_or_location_gives_the_study_its_own_again(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session, requested_priority="ROUTINE", patient_location="WARD 5")
    mark_settled_studies_stable(session, settings)
    own_priority = _task(session, study).priority  # an inpatient's: urgent
    emergency = _order(reason="follow up", patient_class="E", patient_location="ED BAY 3")
    receive_order(session, RIS, settings, emergency)
    session.refresh(study)
    assert (study.requested_priority, study.patient_class) == ("STAT", "E")
    assert _task(session, study).priority == "STAT"

    # A FHIR update states the order in full: what it leaves out, the order no longer says.
    stated_in_full = ReceivedOrder(
        OrderControl.CHANGE,
        OrderFacts(accession_number="ACC-M1", patient_id="PID-M1", reason="follow up"),
        "FHIR",
        states_every_fact=True,
    )
    receive_order(session, RIS, settings, stated_in_full)
    session.refresh(study)
    assert (study.requested_priority, study.patient_class, study.patient_location) == (
        "ROUTINE",
        None,
        "WARD 5",
    )
    assert study.facts_before_orders == {}
    assert _task(session, study).priority == own_priority == "URGENT"


def test_a_second_order_of_a_study_not_stating_a_priority_keeps_the_firsts(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session)
    mark_settled_studies_stable(session, settings)
    receive_order(session, RIS, settings, _order())
    also_on_this_study = _order(
        accession_number="ACC-M2", study_instance_uid=study.study_instance_uid, priority=None
    )
    assert receive_order(session, RIS, settings, also_on_this_study).order.study_id == study.id
    session.refresh(study)
    assert study.requested_priority == "STAT"
    assert _task(session, study).priority == "STAT"


def test_a_question_and_priority_amended_by_hand_outlast_an_order_no_longer_giving_them(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session, requested_priority="ROUTINE")
    mark_settled_studies_stable(session, settings)
    receive_order(session, RIS, settings, _order())
    asked = "sudden headache, on warfarin"
    amended = OrderDetails(clinical_question=asked, priority=Priority.URGENT)
    amend_study(session, RIS, settings, study.study_instance_uid, amended)
    without_either = ReceivedOrder(
        OrderControl.CHANGE,
        OrderFacts(accession_number="ACC-M1", patient_id="PID-M1"),
        "FHIR",
        states_every_fact=True,
    )
    receive_order(session, RIS, settings, without_either)
    session.refresh(study)
    assert (study.clinical_question, study.requested_priority) == (asked, "URGENT")


def test_a_late_order_gives_a_study_being_read_its_question_and_patient_class(
    session: Session, settings: Settings
) -> None:
    study = _settled_study(session, clinical_question="follow up")
    mark_settled_studies_stable(session, settings)
    reader = make_radiologist(session)
    as_reader = Principal(reader.name, Role.RADIOLOGIST, radiologist_id=reader.id)
    claim(session, as_reader, _task(session, study).id, None, lease=600)
    receive_order(session, RIS, settings, _order(patient_class="E"))
    session.refresh(study)
    assert study.clinical_question is not None
    assert study.clinical_question.startswith("thunderclap headache")
    assert study.patient_class == "E"
    task = _task(session, study)
    assert (task.state, task.assignee_id, task.priority) == ("IN_PROGRESS", reader.id, "STAT")


def test_two_first_messages_of_one_accession_at_once_make_one_order(
    database_url: str, settings: Settings
) -> None:
    with ThreadPoolExecutor(max_workers=1) as second_sender:
        with session_scope(database_url) as first:
            assert receive_order(first, RIS, settings, _order()).created
            # The second waits for the first's commit, then changes the order it made.
            waiting = second_sender.submit(_receive_alone, database_url, settings)
            time.sleep(0.3)
            assert not waiting.done()
        assert waiting.result(timeout=10) == (False, "URGENT")
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def _receive_alone(database_url: str, settings: Settings) -> tuple[bool, str | None]:
    """Whether a second sender's order was created, and its priority as it stored it."""
    with session_scope(database_url) as session:
        stored = receive_order(session, RIS, settings, _order(priority=Priority.URGENT))
        return stored.created, stored.order.priority
