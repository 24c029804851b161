"""A listener process's new orders, committed together: each connection learns its own fate."""

import asyncio

import pytest
from sqlalchemy import select, text

from app.db.session import session_scope
from app.orders.first_orders import FirstOrder
from app.orders.models import Order
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from hl7_listener.order_batches import APPLICATION_NAME, NewOrderBatches, OrdersRefused
from tests.support.event_loops import run_apart


def _first(number: int, reason: str = "r/o stroke") -> FirstOrder:
    facts = OrderFacts(f"ACC-B{number}", patient_id="PID-B", reason=reason)
    order = ReceivedOrder(OrderControl.NEW, facts, "HL7")
    return FirstOrder("RIS|GEN", f"MSG{number}", "ORM^O01", order)


async def _store_at_once(database_url: str, firsts: list[FirstOrder]) -> list[object]:
    batches = NewOrderBatches(database_url)
    stores = [batches.store(first) for first in firsts]
    try:
        return await asyncio.gather(*stores, return_exceptions=True)
    finally:
        await batches.close()


def _stored_accessions(database_url: str) -> set[str]:
    with session_scope(database_url) as session:
        return set(session.scalars(select(Order.accession_number)))


def test_orders_arriving_together_are_all_stored(database_url: str) -> None:
    outcomes = run_apart(_store_at_once(database_url, [_first(n) for n in range(20)]))

    assert outcomes == [True] * 20
    assert _stored_accessions(database_url) == {f"ACC-B{n}" for n in range(20)}


def test_an_order_the_database_refuses_fails_alone(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Postgres text cannot hold a NUL: the batch with it fails, and is tried again order by order.
    firsts = [_first(0), _first(1), _first(2, reason="secret\x00value"), _first(3)]

    outcomes = run_apart(_store_at_once(database_url, firsts))

    assert outcomes[:2] == [True, True]
    assert outcomes[3] is True
    assert isinstance(outcomes[2], OrdersRefused)
    # Postgres quoted the JSON around the NUL; neither the answer nor the log repeats it.
    assert "UntranslatableCharacter" in str(outcomes[2])
    assert "secret" not in str(outcomes[2])
    assert "HL7 orders stored one by one" in caplog.text
    assert "secret" not in caplog.text
    assert _stored_accessions(database_url) == {"ACC-B0", "ACC-B1", "ACC-B3"}


@pytest.mark.parametrize("copies", [2, 5])
def test_copies_of_one_message_store_one_order(database_url: str, copies: int) -> None:
    outcomes = run_apart(_store_at_once(database_url, [_first(7)] * copies))

    assert outcomes == [True] + [False] * (copies - 1)
    assert _stored_accessions(database_url) == {"ACC-B7"}


async def _store_around_a_lost_connection(database_url: str) -> tuple[bool, bool]:
    batches = NewOrderBatches(database_url)
    try:
        before = await batches.store(_first(1))
        # As a database restart or an idle timeout would: the batches' connection is ended.
        with session_scope(database_url) as session:
            ended = session.scalars(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            ).all()
        assert ended == [True]
        return before, await batches.store(_first(2))
    finally:
        await batches.close()


def test_a_lost_connection_costs_no_order(database_url: str) -> None:
    assert run_apart(_store_around_a_lost_connection(database_url)) == (True, True)
    assert _stored_accessions(database_url) == {"ACC-B1", "ACC-B2"}
