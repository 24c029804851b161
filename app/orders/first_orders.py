"""New orders whose studies have not arrived, stored with their messages' answers in one statement.

Most orders come before their images: nothing to match, route or cancel yet. For those, one
statement in autocommit stores the orders and remembers their messages' control ids, so many
orders are committed in one round trip and one flush of the log before their acknowledgments.
Anything else (an order already known, a study already here, the same control id answered
before) is not stored: the caller then takes the full path in a session.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from psycopg import AsyncConnection
from psycopg.postgres import types

from app.db.libpq_statement import LibpqStatement
from app.orders.records import OrderControl, OrderStatus, ReceivedOrder


@dataclass(frozen=True, slots=True)
class FirstOrder:
    """A lone order and the message that brought it."""

    sender: str
    control_id: str
    message_type: str
    order: ReceivedOrder


_FACT_TYPES = {
    "accession_number": "text",
    "placer_number": "text",
    "filler_number": "text",
    "study_instance_uid": "text",
    "patient_id": "text",
    "patient_name": "text",
    "priority": "text",
    "reason": "text",
    "reason_codes": "text[]",
    "ordering_physician": "text",
    "patient_class": "text",
    "patient_location": "text",
    "requested_procedure": "text",
    "scheduled_at": "timestamptz",
    "order_status": "text",
}
_ORDER_COLUMNS = ", ".join([*_FACT_TYPES, "source"])
_MESSAGE_TYPES = {"source": "text", "sender": "text", "control_id": "text", "message_type": "text"}
_ROW_TYPES = ", ".join(f"{name} {kind}" for name, kind in (_FACT_TYPES | _MESSAGE_TYPES).items())

# An order is inserted only when no study answers it, no order has its accession number and its
# control id is new; its answer is remembered only when it was: both rows or neither. The rows
# given have distinct accession numbers and control ids (`store_first_orders` sees to it).
_STORE_FIRST_ORDERS = f"""
WITH given AS (
    SELECT * FROM jsonb_to_recordset($1) AS given({_ROW_TYPES})
), fresh AS (
    -- LIMIT keeps each lookup a probe of an index per order: without it the planner may hash a
    -- whole table for a few orders.
    SELECT given.* FROM given
    LEFT JOIN LATERAL (
        SELECT 1 AS found FROM hl7_received_messages answered
        WHERE answered.sender = given.sender AND answered.control_id = given.control_id LIMIT 1
    ) answered_before ON true
    LEFT JOIN LATERAL (
        SELECT 1 AS found FROM studies
        WHERE studies.study_instance_uid = given.study_instance_uid LIMIT 1
    ) study_by_uid ON true
    LEFT JOIN LATERAL (
        SELECT 1 AS found FROM studies
        WHERE studies.accession_number = given.accession_number
          AND (given.patient_id IS NULL OR studies.patient_id IS NULL
               OR studies.patient_id = given.patient_id)
        LIMIT 1
    ) study_by_accession ON true
    WHERE answered_before.found IS NULL
      AND study_by_uid.found IS NULL
      AND study_by_accession.found IS NULL
), stored AS (
    INSERT INTO orders ({_ORDER_COLUMNS}, status, last_control)
    SELECT {_ORDER_COLUMNS}, $2, $3 FROM fresh
    ON CONFLICT (accession_number) DO NOTHING
    RETURNING accession_number
)
INSERT INTO hl7_received_messages (sender, control_id, message_type, ack_code, received_at)
SELECT fresh.sender, fresh.control_id, fresh.message_type, 'AA', now()
FROM fresh JOIN stored USING (accession_number)
ON CONFLICT DO NOTHING
RETURNING sender, control_id
"""


# The rows as JSON, the new orders' status and their last order control.
PARAMETER_TYPES = (types["jsonb"].oid, types["text"].oid, types["text"].oid)


def first_orders_statement(connection: AsyncConnection[Any], prepared: bool) -> LibpqStatement:
    """The statement on a connection of its own (prepared there unless `prepared` is False)."""
    return LibpqStatement(
        connection, _STORE_FIRST_ORDERS, PARAMETER_TYPES, b"store_first_orders", prepared
    )


async def store_first_orders(statement: LibpqStatement, firsts: Sequence[FirstOrder]) -> list[bool]:
    """Store the new orders nobody has seen, each with its message's answer; which were stored.

    The statement goes through libpq itself, in autocommit: it is the listener's hot path, where
    SQLAlchemy's and even psycopg's cursor bookkeeping cost more than its rows.
    """
    tried = _first_of_each(firsts)
    if not tried:
        return [False] * len(firsts)
    rows = [_row(firsts[position]) for position in sorted(tried)]
    parameters = [
        # orjson: with the standard library's encoder, writing the rows took ~7 % of the listener.
        orjson.dumps(rows),
        OrderStatus.ACTIVE.value.encode(),
        OrderControl.NEW.value.encode(),
    ]
    answered = set(await statement.rows(parameters))
    return [
        position in tried and _message(first) in answered for position, first in enumerate(firsts)
    ]


def _first_of_each(firsts: Sequence[FirstOrder]) -> set[int]:
    """The positions of the new orders first of their accession number and control id.

    A later order of either may depend on the first: it is left to the full path, which then sees
    the first committed.
    """
    accessions: set[str] = set()
    messages: set[tuple[str, str]] = set()
    tried: set[int] = set()
    for position, first in enumerate(firsts):
        accession, message = first.order.facts.accession_number, _message(first)
        if first.order.control is OrderControl.NEW and not (
            accession in accessions or message in messages
        ):
            accessions.add(accession)
            messages.add(message)
            tried.add(position)
    return tried


def _message(first: FirstOrder) -> tuple[str, str]:
    return first.sender, first.control_id


def _row(first: FirstOrder) -> dict[str, object]:
    """One order's row as orjson writes it: a priority by its value, the reason codes an array."""
    facts = first.order.facts
    return {name: getattr(facts, name) for name in _FACT_TYPES} | {
        "source": first.order.source,
        "sender": first.sender,
        "control_id": first.control_id,
        "message_type": first.message_type,
    }
