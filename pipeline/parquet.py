"""Export: one curated table's Parquet file, written a batch of rows at a time.

Kept apart from pipeline.export so that pyarrow is imported only by the process that writes
Parquet: the export forks its workbook child first, and the child, which never touches Arrow,
starts without pyarrow's import (a tenth of a new version's whole export) in its way.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import Row
from pipeline.spec import Table
from pipeline.values import Columns, table_columns

ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "bool": pa.bool_(), "date": pa.date32()}
# Rows per Parquet row group. A row group is cut at exactly this many rows whatever the
# documents' sizes, so the files do not depend on how the rows arrived; a table smaller than
# this is one row group.
ROW_GROUP_ROWS = 8192


def release_freed_memory() -> None:
    """Have Arrow use the C library's allocator, which gives back what it freed (mimalloc, the
    default, kept 30 MB of a 900-document export's peak)."""
    pa.set_memory_pool(pa.system_memory_pool())


def arrow_schema(table: Table) -> pa.Schema:
    """The table's Arrow schema, carrying each column's description and 中文 label."""
    fields = [
        pa.field(c.name, ARROW_TYPES[c.dtype], nullable=c.nullable,
                 metadata={"description": c.description, "label_zh": c.label_zh})
        for c in table.columns
    ]
    return pa.schema(fields, metadata={
        "table": table.name, "grain": table.grain, "description": table.description,
        "primary_key": ",".join(table.primary_key),
    })


def arrow_table(table: Table, rows: list[Row], columns: Columns | None = None) -> pa.Table:
    """Rows → an Arrow table with the table's schema.

    ``columns``: the rows' canonical columns (``values.table_columns``) when already computed.
    """
    values = table_columns(table, rows) if columns is None else columns
    arrays = [pa.array(v, type=ARROW_TYPES[c.dtype])
              for c, v in zip(table.columns, values, strict=True)]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


class ParquetFile:
    """A table's Parquet file: batches of rows in, row groups of ``ROW_GROUP_ROWS`` out."""

    def __init__(self, table: Table, path: Path) -> None:
        self.table = table
        self._schema = arrow_schema(table)
        self._arrow: list[pa.Table] = []
        self._arrow_rows = 0
        self._row_groups = 0
        self._writer = pq.ParquetWriter(path, self._schema, compression="zstd")

    def add(self, rows: list[Row], columns: Columns) -> None:
        self._arrow.append(arrow_table(self.table, rows, columns))
        self._arrow_rows += len(rows)
        while self._arrow_rows >= ROW_GROUP_ROWS:
            self._write_row_group(ROW_GROUP_ROWS)

    def _write_row_group(self, size: int) -> None:
        waiting = pa.concat_tables(self._arrow)
        self._writer.write_table(waiting.slice(0, size).combine_chunks())
        self._row_groups += 1
        rest = waiting.slice(size)
        self._arrow = [rest] if rest.num_rows else []
        self._arrow_rows = rest.num_rows

    def close(self) -> None:
        if self._arrow_rows or not self._row_groups:  # an empty table is one empty row group
            if not self._arrow:
                self._arrow = [self._schema.empty_table()]
            self._write_row_group(self._arrow_rows)
        self._writer.close()

    def abandon(self) -> None:
        self._writer.close()
