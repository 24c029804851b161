"""A lone new order before its study: stored with its message's answer in one statement, or not
at all when the full path must see it."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orders.first_orders import FirstOrder, store_first_orders
from app.orders.models import Order, ReceivedMessage
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.vocabulary import Priority
from tests.support.factories import make_study


def _order(control: OrderControl = OrderControl.NEW, **facts: object) -> ReceivedOrder:
    values: dict[str, object] = {
        "accession_number": "ACC-F1",
        "patient_id": "PID-F1",
        "reason": "r/o stroke",
        "reason_codes": ("I10:I63.9",),
        "priority": Priority.STAT,
        "patient_class": "E",
    }
    return ReceivedOrder(control, OrderFacts(**(values | facts)), "HL7")  # type: ignore[arg-type]


def _store(session: Session, order: ReceivedOrder, control_id: str = "MSG1") -> bool:
    return store_first_orders(
        session.connection(), [FirstOrder("RIS|GEN", control_id, "ORM^O01", order)]
    )[0]


def _counts(session: Session) -> tuple[int, int]:
    orders = session.scalar(select(func.count()).select_from(Order))
    answers = session.scalar(select(func.count()).select_from(ReceivedMessage))
    return orders or 0, answers or 0


def test_new_order_is_stored_with_its_answer(session: Session) -> None:
    assert _store(session, _order())
    order = session.scalars(select(Order)).one()
    assert (order.accession_number, order.priority, order.status) == ("ACC-F1", "STAT", "ACTIVE")
    assert (order.reason_codes, order.patient_class, order.source) == (["I10:I63.9"], "E", "HL7")
    assert order.study_id is None
    assert session.get(ReceivedMessage, ("RIS|GEN", "MSG1")) is not None


def test_same_control_id_again_writes_nothing(session: Session) -> None:
    assert _store(session, _order())
    assert not _store(session, _order(accession_number="ACC-F2"))
    assert _counts(session) == (1, 1)


def test_known_accession_is_left_to_the_full_path(session: Session) -> None:
    assert _store(session, _order())
    assert not _store(session, _order(reason="changed"), control_id="MSG2")
    assert _counts(session) == (1, 1)


def test_order_whose_study_is_here_is_left_to_the_full_path(session: Session) -> None:
    make_study(session, accession_number="ACC-F1", patient_id="PID-F1")
    assert not _store(session, _order())
    assert _counts(session) == (0, 0)


def test_change_or_cancel_is_left_to_the_full_path(session: Session) -> None:
    assert not _store(session, _order(OrderControl.CHANGE))
    assert not _store(session, _order(OrderControl.CANCEL), control_id="MSG2")
    assert _counts(session) == (0, 0)


def _first(accession: str, control_id: str) -> FirstOrder:
    return FirstOrder("RIS|GEN", control_id, "ORM^O01", _order(accession_number=accession))


def test_new_orders_of_several_messages_are_stored_in_one_statement(session: Session) -> None:
    firsts = [_first(f"ACC-{number}", f"MSG{number}") for number in range(3)]

    assert store_first_orders(session.connection(), firsts) == [True, True, True]
    assert _counts(session) == (3, 3)


def test_a_later_order_of_the_same_accession_or_control_id_is_left_to_the_full_path(
    session: Session,
) -> None:
    firsts = [_first("ACC-1", "MSG1"), _first("ACC-1", "MSG2"), _first("ACC-2", "MSG1")]

    assert store_first_orders(session.connection(), firsts) == [True, False, False]
    assert _counts(session) == (1, 1)
