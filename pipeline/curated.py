"""What curated/ holds now: the previous run's rows, read only as far as a run needs them.

An export reads the previous standards rows (which file gave which code, with its checksum) on
every run, and the rest of a standard's rows only when a rejected document must keep them: a
batch at a time, so that a large catalogue is never held whole.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pipeline.catalogue import DocumentTables
from pipeline.records import Row
from pipeline.spec import TABLES, TABLES_BY_NAME

# What an export needs of the previous standards rows (not their texts).
PREVIOUS_STANDARDS_COLUMNS = ("standard_code", "source_file", "source_sha256")
# Rows read from a Parquet file at a time.
READ_BATCH_ROWS = 1024


class CuratedTables(Mapping[str, list[Row]]):
    """What curated/ holds now, as rows by table, each table read when first asked for.

    A run reads the previous standards (to know which file gave which code) and, when a
    rejected document must keep its old rows, those rows only (``rows_of``), a batch at a time.
    """

    def __init__(self, curated: Path) -> None:
        self._curated = curated
        self._tables: dict[str, list[Row]] = {}

    def _batches(self, name: str) -> Iterator[list[Row]]:
        path = self._curated / f"{name}.parquet"
        if not path.exists():
            return
        import pyarrow.parquet as pq  # only for a rejected document's old rows

        # ParquetFile, not read_table: the latter loads the dataset layer (70 MB of RSS).
        for batch in pq.ParquetFile(path).iter_batches(batch_size=READ_BATCH_ROWS):
            # Dates as the ISO text the stages produce, so old and new rows compare equal.
            yield [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()}
                   for r in batch.to_pylist()]

    def __getitem__(self, name: str) -> list[Row]:
        if name not in TABLES_BY_NAME:
            raise KeyError(name)
        if name not in self._tables:
            self._tables[name] = [row for batch in self._batches(name) for row in batch]
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES_BY_NAME)

    def __len__(self) -> int:
        return len(TABLES_BY_NAME)

    @property
    def standards(self) -> list[Row]:
        """Which file gave which code, with its checksum (the columns a run needs of them).

        Read from the CSV twin of standards.parquet (the same text values, written with it):
        every run needs these, and reading them without pyarrow lets the export fork its
        workbook child before pyarrow is imported."""
        path = self._curated / "standards.csv"
        if not path.exists():
            return []
        with path.open(encoding="utf-8", newline="") as rows:
            return [{c: row[c] for c in PREVIOUS_STANDARDS_COLUMNS}
                    for row in csv.DictReader(rows)]

    def rows_of(self, codes: set[str]) -> dict[str, DocumentTables]:
        return rows_by_code(((name, row) for name in TABLES_BY_NAME
                             for batch in self._batches(name) for row in batch), codes)


class TablesInMemory:
    """Previous curated rows held in memory (tests, and ``assemble``'s callers)."""

    def __init__(self, tables: Mapping[str, list[Row]]) -> None:
        self._tables = tables

    @property
    def standards(self) -> list[Row]:
        return list(self._tables.get("standards", []))

    def rows_of(self, codes: set[str]) -> dict[str, DocumentTables]:
        return rows_by_code(((name, row) for name, rows in self._tables.items() for row in rows),
                            codes)


def rows_by_code(rows: Iterable[tuple[str, Row]], codes: set[str]) -> dict[str, DocumentTables]:
    """The rows of the given standard codes, by code then table (every table present)."""
    out: dict[str, DocumentTables] = {code: {t.name: [] for t in TABLES} for code in codes}
    for name, row in rows:
        code = row.get("standard_code")
        if code in out:
            out[code][name].append(row)
    return out


def read_curated(curated: Path) -> CuratedTables:
    """What curated/ holds now (empty tables when it holds nothing yet), read on demand."""
    return CuratedTables(curated)
