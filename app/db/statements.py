"""Rows written by a statement from another statement's rows, e.g. a CTE's RETURNING."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Insert, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from app.db.base import Base


def insert_per_row(model: type[Base], values: Mapping[str, Any], source: FromClause) -> Insert:
    """INSERT one `model` row per row of `source`: plain values are bound, SQL values evaluated."""
    table = model.__table__
    columns = [_as_sql(value, table.c[name].type) for name, value in values.items()]
    return insert(model).from_select(list(values), select(*columns).select_from(source))


def _as_sql(value: Any, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    if isinstance(value, ColumnElement):
        return cast(value, type_)
    if isinstance(value, Mapping) and any(isinstance(v, ColumnElement) for v in value.values()):
        return _json_object(value)
    return literal(value, type_)


def _json_object(fields: Mapping[str, Any]) -> ColumnElement[Any]:
    """The JSON object of `fields`, where a value may be SQL (a top-level one: not nested)."""
    pairs: list[Any] = []
    for key, value in fields.items():
        sql = func.to_jsonb(value) if isinstance(value, ColumnElement) else literal(value, JSONB)
        pairs += [literal(key), sql]
    return func.jsonb_build_object(*pairs)
