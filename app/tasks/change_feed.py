"""Positions in the stream of task changes, and the changes after one, in commit-safe order.

A change's `change_seq` is taken when the row changes, not when its transaction commits, so
"change_seq > N" can miss a change that commits late. The feeds order changes by the id of the
transaction that made them instead, and hand out a transaction's changes only once every
transaction with a lower id has ended (the watermark below), so no later commit can land behind
a position a client already holds.
"""

from dataclasses import dataclass
from typing import Any, Self

from sqlalchemy import BigInteger, ColumnElement, Row, literal_column, select, tuple_
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.second_opinions.models import SecondOpinionRequest
from app.tasks.models import ReadingTask
from app.tasks.worklist import WorklistFilter, item_query

T = ReadingTask
R = SecondOpinionRequest
# Every transaction with a lower id has ended, committed or rolled back.
WATERMARK = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", BigInteger)
CHANGE_COLUMNS = (T.id, T.change_seq, T.kind, T.state, T.version, T.subspecialty, T.priority,
                  T.assignee_id)  # fmt: skip
ORDER = (T.change_xid, T.change_seq)


@dataclass(frozen=True, slots=True, order=True)
class FeedPosition:
    """After every change of transactions below `xid`, and those of `xid` up to `change_seq`."""

    xid: int = 0
    change_seq: int = 0

    @classmethod
    def parse(cls, text: str) -> Self:
        """ "0" (the beginning) or "<xid>.<change_seq>", as `str()` writes it."""
        xid, _, change_seq = text.partition(".")
        if not xid.isdigit() or not (change_seq.isdigit() or text == "0"):
            raise Invalid(f"{text!r} is not a position this feed handed out")
        return cls(int(xid), int(change_seq or 0))

    def __str__(self) -> str:
        return f"{self.xid}.{self.change_seq}"


@dataclass(frozen=True, slots=True)
class FeedPage:
    tasks: list[Row[Any]]
    requests: list[SecondOpinionRequest]
    cursor: FeedPosition


def changed_since(
    session: Session, where: WorklistFilter, after: FeedPosition, limit: int, with_requests: bool
) -> FeedPage:
    """Worklist rows (and second-opinion requests, when asked) changed after `after` by ended
    transactions, at most `limit` in all, and the position to ask next.

    Both take their change positions from the same sequence and transaction ids, so the two
    lists are read to the same limit, merged in position order and cut there.
    """
    watermark = int(session.scalar(select(WATERMARK)) or 0)
    query = (
        item_query()
        .add_columns(T.change_xid)
        .where(_after(after), T.change_xid < watermark, *where.conditions())
    )
    changes: list[tuple[FeedPosition, Row[Any] | SecondOpinionRequest]] = [
        (FeedPosition(row.change_xid, row.change_seq), row)
        for row in session.execute(query.order_by(*ORDER).limit(limit))
    ]
    if with_requests:
        changes += [
            (FeedPosition(request.change_xid, request.change_seq), request)
            for request in _requests_changed(session, after, watermark, limit)
        ]
    changes = sorted(changes, key=lambda change: change[0])[:limit]
    cursor = changes[-1][0] if len(changes) == limit else max(after, FeedPosition(watermark))
    return FeedPage(
        tasks=[row for _, row in changes if not isinstance(row, SecondOpinionRequest)],
        requests=[row for _, row in changes if isinstance(row, SecondOpinionRequest)],
        cursor=cursor,
    )


def _requests_changed(
    session: Session, after: FeedPosition, watermark: int, limit: int
) -> list[SecondOpinionRequest]:
    order = (R.change_xid, R.change_seq)
    query = select(R).where(
        tuple_(*order) > tuple_(after.xid, after.change_seq), R.change_xid < watermark
    )
    return list(session.scalars(query.order_by(*order).limit(limit)))


def change_payloads_since(
    session: Session, after: FeedPosition, limit: int
) -> list[tuple[dict[str, Any], FeedPosition]]:
    """Committed changes after `after`, each with the position to resume from once it is seen.

    For a stream that resumes: changes still in flight are on their way live, so this reads
    beyond the watermark, and positions past it are held back to it.
    """
    query = select(*CHANGE_COLUMNS, T.change_xid, WATERMARK.label("watermark"))
    rows = session.execute(query.where(_after(after)).order_by(*ORDER).limit(limit))
    return [
        (
            {column.key: getattr(row, column.key) for column in CHANGE_COLUMNS},
            min(FeedPosition(row.change_xid, row.change_seq), FeedPosition(row.watermark)),
        )
        for row in rows
    ]


def _after(position: FeedPosition) -> ColumnElement[bool]:
    return tuple_(*ORDER) > tuple_(position.xid, position.change_seq)
