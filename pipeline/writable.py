"""Would the writers take one document's rows? Asked only after an export failed.

Every writer refuses some values: the spec's types (pipeline.values), Arrow's, a text longer than
an Excel cell or holding a character XML cannot hold (pipeline.workbook). Validation keeps such
values out of accepted documents; when one slips through, the writer that meets it fails the
whole export, in the middle of a batch of rows from several documents. The export then asks this
of each document it was writing, so that the one that cannot be written is rejected with its own
error and the others are exported (pipeline.export). Never on the way of a run that succeeds:
the writers check the same things once, as they write.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline import records
from pipeline.catalogue import DocumentTables, document_rows
from pipeline.failures import document_file, failed_document, failure_log, internal_error, keep_log
from pipeline.records import TableSet
from pipeline.spec import TABLES
from pipeline.values import table_columns


def check_writable(rows: DocumentTables) -> None:
    """Raise what a writer would raise for these rows (a document's, by table)."""
    from pipeline.parquet import arrow_table
    from pipeline.workbook import check_texts

    for table in TABLES:
        table_rows = rows.get(table.name) or []
        if not table_rows:
            continue
        columns = table_columns(table, table_rows)
        arrow_table(table, table_rows, columns)
        for column, values in zip(table.columns, columns, strict=True):
            if column.dtype == "string":
                texts = [v for v in values if v is not None]
                check_texts(column, texts)
                "\n".join(texts).encode("utf-8")  # CSV and SQLite: no lone surrogate


def unwritable_documents(validated: list[Path], failed: Mapping[Path, TableSet]
                         ) -> dict[Path, TableSet]:
    """The accepted documents whose rows a writer would refuse, as failed documents."""
    out = {}
    for listed in validated:
        if listed in failed:
            continue
        try:
            doc = records.tableset_from_dict(records.read_json(document_file(listed)))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not readable now: the next attempt's reading sets it aside
        if doc.is_rejected:
            continue
        try:
            check_writable(document_rows(doc))
        except Exception as exc:
            out[listed] = failed_document(doc.source, internal_error(doc.source.file, exc))
            keep_log(listed, failure_log(doc.source.file, "the export (writing its rows)", exc))
    return out
