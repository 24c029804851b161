"""A lone new order before its study: stored with its message's answer in one statement, or not
at all when the full path must see it."""

from collections.abc import Sequence

import psycopg
from sqlalchemy import func, select

from app.db.session import libpq_conninfo, session_scope
from app.orders.first_orders import FirstOrder, first_orders_statement, store_first_orders
from app.orders.models import Order, ReceivedMessage
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.vocabulary import Priority
from tests.support.event_loops import run_apart
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


def _store_all(database_url: str, firsts: Sequence[FirstOrder]) -> list[bool]:
    async def store() -> list[bool]:
        conninfo = libpq_conninfo(database_url)
        async with await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, client_encoding="utf-8"
        ) as connection:
            return await store_first_orders(first_orders_statement(connection, True), firsts)

    return run_apart(store())


def _store(database_url: str, order: ReceivedOrder, control_id: str = "MSG1") -> bool:
    return _store_all(database_url, [FirstOrder("RIS|GEN", control_id, "ORM^O01", order)])[0]


def _counts(database_url: str) -> tuple[int, int]:
    with session_scope(database_url) as session:
        orders = session.scalar(select(func.count()).select_from(Order))
        answers = session.scalar(select(func.count()).select_from(ReceivedMessage))
    return orders or 0, answers or 0


def test_new_order_is_stored_with_its_answer(database_url: str) -> None:
    assert _store(database_url, _order())
    with session_scope(database_url) as session:
        order = session.scalars(select(Order)).one()
        answered = session.get(ReceivedMessage, ("RIS|GEN", "MSG1"))
    assert (order.accession_number, order.priority, order.status) == ("ACC-F1", "STAT", "ACTIVE")
    assert (order.reason_codes, order.patient_class, order.source) == (["I10:I63.9"], "E", "HL7")
    assert order.study_id is None
    assert answered is not None


def test_same_control_id_again_writes_nothing(database_url: str) -> None:
    assert _store(database_url, _order())
    assert not _store(database_url, _order(accession_number="ACC-F2"))
    assert _counts(database_url) == (1, 1)


def test_known_accession_is_left_to_the_full_path(database_url: str) -> None:
    assert _store(database_url, _order())
    assert not _store(database_url, _order(reason="changed"), control_id="MSG2")
    assert _counts(database_url) == (1, 1)


def test_order_whose_study_is_here_is_left_to_the_full_path(database_url: str) -> None:
    with session_scope(database_url) as session:
        make_study(session, accession_number="ACC-F1", patient_id="PID-F1")
    assert not _store(database_url, _order())
    assert _counts(database_url) == (0, 0)


def test_change_or_cancel_is_left_to_the_full_path(database_url: str) -> None:
    assert not _store(database_url, _order(OrderControl.CHANGE))
    assert not _store(database_url, _order(OrderControl.CANCEL), control_id="MSG2")
    assert _counts(database_url) == (0, 0)


def _first(accession: str, control_id: str) -> FirstOrder:
    return FirstOrder("RIS|GEN", control_id, "ORM^O01", _order(accession_number=accession))


def test_new_orders_of_several_messages_are_stored_in_one_statement(database_url: str) -> None:
    firsts = [_first(f"ACC-{number}", f"MSG{number}") for number in range(3)]

    assert _store_all(database_url, firsts) == [True, True, True]
    assert _counts(database_url) == (3, 3)


def test_a_later_order_of_the_same_accession_or_control_id_is_left_to_the_full_path(
    database_url: str,
) -> None:
    firsts = [_first("ACC-1", "MSG1"), _first("ACC-1", "MSG2"), _first("ACC-2", "MSG1")]

    assert _store_all(database_url, firsts) == [True, False, False]
    assert _counts(database_url) == (1, 1)
