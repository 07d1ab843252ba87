"""Curated values in one canonical Python form per column type, shared by every writer.

Rows reach the writers from two places — the stages (interim JSON, where dates are ISO text) and
curated Parquet files (dates as ``datetime.date``) — and every writer (Parquet, CSV, SQLite,
Excel) needs the same answer to "is this value what the spec says". Converting here once, a
column at a time, keeps the four from drifting apart and costs one pass per column rather than a
function call per cell, which mattered for a catalogue's million cells.

Canonical forms: ``str`` (string), ``int`` (int, never bool), ``bool`` (bool), ``datetime.date``
(date, never a timestamp), ``None`` (null). A value of the wrong type is a programming error and
raises :class:`ValueTypeError` at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pipeline.spec import Column


class ValueTypeError(TypeError):
    """A row value that is not of its column's type (a bug upstream, not a data finding)."""


_EXACT_TYPES: dict[str, type] = {"string": str, "int": int, "bool": bool}


def _as_date(column: Column, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueTypeError(f"{column.name}: expected a date, got the timestamp {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise ValueTypeError(f"{column.name}: expected a date, got {value!r}")


def column_values(column: Column, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """One column of ``rows`` in canonical form (a missing key reads as null)."""
    name = column.name
    values = [row.get(name) for row in rows]
    if column.dtype == "date":
        return [None if v is None else _as_date(column, v) for v in values]
    expected = _EXACT_TYPES[column.dtype]
    wrong = next((v for v in values if v is not None and type(v) is not expected), None)
    if wrong is not None:
        raise ValueTypeError(f"{column.name}: expected {column.dtype}, got {wrong!r}")
    return values
