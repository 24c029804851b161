"""A study's orders give it their facts; a fact no order gives any more is given back."""

from app.orders.models import Order
from app.orders.records import OrderStatus
from app.orders.service import forget_fact_before_orders, put_orders_on_study
from app.studies.models import Study


def _study(**fields: object) -> Study:
    values: dict[str, object] = {
        "clinical_question": "neck pain",
        "question_sources": {"ReasonForStudy": "neck pain"},
        "requested_priority": None,
        "patient_location": "WARD 5",
        "patient_class": None,
        "facts_before_orders": {},
    }
    return Study(**(values | fields))


def _order(status: OrderStatus = OrderStatus.ACTIVE, **facts: object) -> Order:
    values: dict[str, object] = {"accession_number": "A1", "reason_codes": [], "reason": None}
    return Order(status=status.value, **(values | facts))


def _facts(study: Study) -> tuple[str | None, ...]:
    return (
        study.clinical_question,
        study.requested_priority,
        study.patient_class,
        study.patient_location,
    )


def test_an_orders_facts_replace_the_studys_which_are_given_back_once_it_drops_them() -> None:
    study = _study()
    order = _order(reason="myelopathy?", priority="STAT", patient_class="E", patient_location="ED")
    given = put_orders_on_study(study, [order])
    assert _facts(study) == ("myelopathy?", "STAT", "E", "ED")
    assert set(given) == {
        "clinical_question",
        "requested_priority",
        "patient_class",
        "patient_location",
    }

    dropped = _order(reason="myelopathy?")
    assert put_orders_on_study(study, [dropped]) == [
        "clinical_question",
        "requested_priority",
        "patient_class",
        "patient_location",
    ]
    assert _facts(study) == ("myelopathy?", None, None, "WARD 5")
    assert study.facts_before_orders == {}


def test_what_the_study_had_before_its_first_order_survives_later_orders() -> None:
    study = _study(requested_priority="ROUTINE")
    put_orders_on_study(study, [_order(priority="STAT")])
    put_orders_on_study(study, [_order(priority="URGENT")])
    assert study.requested_priority == "URGENT"
    put_orders_on_study(study, [_order()])
    assert study.requested_priority == "ROUTINE"


def test_the_latest_order_stating_a_fact_gives_it() -> None:
    study = _study()
    first = _order(reason="trauma", priority="STAT", patient_location="ED")
    second = _order(accession_number="A2", reason=None, priority="ROUTINE")
    put_orders_on_study(study, [first, second])
    assert _facts(study) == ("trauma", "ROUTINE", None, "ED")


def test_a_cancelled_orders_facts_are_not_given() -> None:
    study = _study()
    cancelled = _order(OrderStatus.CANCELLED, reason="trauma", priority="STAT")
    assert put_orders_on_study(study, [cancelled]) == []
    assert _facts(study) == ("neck pain", None, None, "WARD 5")


def test_a_location_longer_than_the_studys_column_is_cut() -> None:
    study = _study()
    put_orders_on_study(study, [_order(patient_location="L" * 80)])
    assert study.patient_location == "L" * 64


def test_a_priority_set_by_hand_is_kept_when_the_orders_stop_giving_one() -> None:
    study = _study(requested_priority="ROUTINE")
    put_orders_on_study(study, [_order(priority="STAT")])
    study.requested_priority = "URGENT"
    forget_fact_before_orders(study, "requested_priority")
    put_orders_on_study(study, [_order()])
    assert study.requested_priority == "URGENT"
