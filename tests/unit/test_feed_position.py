import pytest

from app.errors import Invalid
from app.tasks.change_feed import FeedPosition


@pytest.mark.parametrize(
    ("text", "position"),
    [("0", FeedPosition()), ("741.0", FeedPosition(741)), ("741.12", FeedPosition(741, 12))],
)
def test_a_position_reads_back_what_it_writes(text: str, position: FeedPosition) -> None:
    assert FeedPosition.parse(text) == position
    assert FeedPosition.parse(str(position)) == position


@pytest.mark.parametrize("text", ["", "12", "-1.0", "1.2.3", "a.b", "12;drop"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(Invalid, match="not a position"):
        FeedPosition.parse(text)


def test_positions_order_by_transaction_then_change() -> None:
    assert FeedPosition(7, 900) < FeedPosition(8, 1) < FeedPosition(8, 2)
