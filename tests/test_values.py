"""One canonical form per column type, for every writer (pipeline/values.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.spec import Column
from pipeline.values import ValueTypeError, column_values


def _column(dtype: str) -> Column:
    return Column("x", dtype, "a test column", "測試", nullable=True)  # type: ignore[arg-type]


def test_dates_from_json_text_and_from_parquet_are_the_same_value() -> None:
    rows = [{"x": "2025-12-15"}, {"x": dt.date(2025, 12, 15)}, {"x": None}, {}]
    assert column_values(_column("date"), rows) == [dt.date(2025, 12, 15)] * 2 + [None, None]


@pytest.mark.parametrize(("dtype", "value"), [
    ("date", dt.datetime(2025, 12, 15, 8, 0)),  # a timestamp is not a date
    ("date", 20251215),
    ("int", True),  # bool is an int subclass; not an int here
    ("int", "3"),
    ("bool", 1),
    ("string", 3),
])
def test_a_value_of_the_wrong_type_is_a_bug(dtype: str, value: object) -> None:
    with pytest.raises(ValueTypeError, match="x: expected"):
        column_values(_column(dtype), [{"x": value}])


def test_an_impossible_date_is_refused() -> None:
    with pytest.raises(ValueError):
        column_values(_column("date"), [{"x": "2025-02-30"}])
