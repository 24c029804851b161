"""A new order whose study has not arrived, stored with its message's answer in one statement.

Most orders come before their images: nothing to match, route or cancel yet. For those, one
statement in autocommit stores the order and remembers the message's control id, so the row
is committed in one round trip before the acknowledgment. Anything else (an order already
known, a study already here, the same control id answered before) writes nothing and returns
False: the caller then takes the full path in a session.
"""

from sqlalchemy import Connection, text

from app.orders.records import OrderControl, OrderStatus, ReceivedOrder

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
_COLUMNS = [*_FACT_TYPES, "status", "last_control", "source"]
_VALUES = [f"CAST(:{name} AS {kind})" for name, kind in _FACT_TYPES.items()]

# The order is inserted only when no study answers it, no order has its accession number and the
# control id is new; the answer is remembered only when the order was: both rows or neither.
STORE_FIRST_ORDER = text(f"""
WITH study_here AS (
    SELECT 1 FROM studies
    WHERE study_instance_uid = CAST(:study_instance_uid AS text)
       OR (accession_number = :accession_number
           AND (CAST(:patient_id AS text) IS NULL OR patient_id IS NULL
                OR patient_id = CAST(:patient_id AS text)))
), stored AS (
    INSERT INTO orders ({", ".join(_COLUMNS)})
    SELECT {", ".join(_VALUES)}, :status, :last_control, :source
    WHERE NOT EXISTS (SELECT 1 FROM study_here)
      AND NOT EXISTS (
          SELECT 1 FROM hl7_received_messages WHERE sender = :sender AND control_id = :control_id
      )
    ON CONFLICT (accession_number) DO NOTHING
    RETURNING id
)
INSERT INTO hl7_received_messages (sender, control_id, message_type, ack_code, received_at)
SELECT :sender, :control_id, :message_type, 'AA', now() FROM stored
ON CONFLICT DO NOTHING
RETURNING control_id
""")


def store_first_order(
    connection: Connection, sender: str, control_id: str, message_type: str, order: ReceivedOrder
) -> bool:
    """Store a new order nobody has seen with its message's answer; False when it is not one."""
    if order.control is not OrderControl.NEW:
        return False
    facts = {name: getattr(order.facts, name) for name in _FACT_TYPES}
    facts["priority"] = order.facts.priority.value if order.facts.priority else None
    facts["reason_codes"] = list(order.facts.reason_codes)
    parameters = {
        **facts,
        "status": OrderStatus.ACTIVE.value,
        "last_control": order.control.value,
        "source": order.source,
        "sender": sender,
        "control_id": control_id,
        "message_type": message_type,
    }
    return connection.execute(STORE_FIRST_ORDER, parameters).first() is not None
