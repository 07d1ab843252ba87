"""The curated tables' row order: by primary key, codes in natural order (T1.2 before T1.10).

Used twice: validation leaves each document's tables in this order (in a build's worker, once
per document and cached in interim/), so export only has to put whole documents in order — every
table's key starts with the standard code — instead of sorting a catalogue's rows again on
every run, which was most of the time it took to assemble one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import regex

from pipeline.records import Row
from pipeline.spec import Table

_DIGITS = regex.compile(r"(\d+)")


def natural_key(value: object) -> tuple[Any, ...]:
    """Sort key that puts T1.2 before T1.10 and nulls first.

    Total over the types a broken document may mix in one column (a number where text
    belongs): a number sorts as the text of its digits would, anything else after both, so
    sorting never fails before validation has said what is wrong.
    """
    if value is None:
        return (0,)
    if isinstance(value, str):
        return _text_key(value)
    if isinstance(value, int | float):
        return (1, (value, ""))
    return (2, str(value))


@functools.lru_cache(maxsize=1 << 16)
def _text_key(value: str) -> tuple[Any, ...]:
    # Cached: keys repeat (each standard code on every row of its document).
    parts = _DIGITS.split(value)
    return (1, *((int(p), "") if p.isdigit() else (0, p) for p in parts))


def sort_rows(table: Table, rows: Sequence[Row]) -> list[Row]:
    columns = table.primary_key
    return sorted(rows, key=lambda r: [natural_key(r.get(c)) for c in columns])
