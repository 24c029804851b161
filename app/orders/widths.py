"""How long an order's values may be: the widths of the columns that keep them, read from the
tables themselves, so that an interface refuses a value naming it rather than failing to store
it (the database would refuse it without a name, and the sender would be told to try again)."""

from typing import Any

from sqlalchemy import ColumnElement, String

from app.orders.models import Order, ReceivedMessage
from app.orders.records import OrderFacts


def _width(column: ColumnElement[Any]) -> int | None:
    return column.type.length if isinstance(column.type, String) else None


FACT_WIDTHS: dict[str, int] = {
    name: width
    for name in OrderFacts.__dataclass_fields__
    if name in Order.__table__.columns
    and (width := _width(Order.__table__.columns[name])) is not None
}
CONTROL_ID_WIDTH = _width(ReceivedMessage.__table__.columns["control_id"]) or 0


def too_long(facts: OrderFacts) -> tuple[str, str] | None:
    """The first of the order's values longer than its column holds, and why in words."""
    for name, width in FACT_WIDTHS.items():
        value = getattr(facts, name)
        if isinstance(value, str) and len(value) > width:
            return name, f"the {name.replace('_', ' ')} is longer than {width} characters"
    return None
