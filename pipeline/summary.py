"""A validated document's summary: what the export plans the catalogue from.

The plan (pipeline.catalogue) needs, of every document, only a few columns of its standards and
versions rows and the findings a run prints; parsing every whole document for them, and again
for its rows, cost a new version's export a tenth of its time. The validate stage therefore
writes the summary beside validate.json (``summary.json``) together with the size and
modification time validate.json had then (its signature): the export takes the summary only
while validate.json still has that signature, and otherwise summarises the document itself.
"""

from __future__ import annotations

import os
from typing import Any

from pipeline.records import Row, TableSet

SUMMARY_FILE = "summary.json"

# Input-level warnings printed for documents that were still converted.
INPUT_WARNINGS = frozenset({
    "encoding-converted", "bom-removed", "crlf-line-ends", "encrypted-pdf", "duplicate-document",
})

# What a document summary keeps of its rows: the columns the catalogue-wide values are computed
# from (latest version, version-table cross-checks, version pairs), a few hundred bytes a document.
SUMMARY_COLUMNS = {
    "standards": ("standard_code", "standard_id", "version", "name"),
    "versions": ("listed_code", "name", "updated_on", "page_start"),
}


def summary_tables(tables: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The summary's columns of a document's standards and versions rows."""
    return {name: [{c: row.get(c) for c in columns} for row in tables.get(name, [])]
            for name, columns in SUMMARY_COLUMNS.items()}


def summarize(doc: TableSet) -> TableSet:
    """What the plan needs of a document: a few columns of its standards and versions rows and
    the findings a run prints (errors and warnings); the rest is read again when its rows are
    written."""
    findings = tuple(f for f in doc.findings if f.severity != "info" or f.code in INPUT_WARNINGS)
    return TableSet(doc.source, summary_tables(doc.tables), findings, doc.is_rejected)


def file_signature(info: os.stat_result) -> dict[str, int]:
    """What tells one state of a file from another: size and modification time (ns)."""
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def summary_record(doc: TableSet, validated: os.stat_result) -> dict[str, Any]:
    """summary.json's content: the summary, and the signature of the validate.json it sums up."""
    return {"validated": file_signature(validated), "summary": summarize(doc)}


def summary_of_record(record: dict[str, Any], validated: os.stat_result) -> dict[str, Any] | None:
    """The summary (as read from JSON) when ``record`` sums up validate.json as it is now."""
    if record.get("validated") != file_signature(validated):
        return None
    summary: dict[str, Any] | None = record.get("summary")
    return summary
