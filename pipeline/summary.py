"""A validated document's summary: what the export plans the catalogue from.

The plan (pipeline.catalogue) needs, of every document, only a few columns of its standards and
versions rows and the findings a run prints; parsing every whole document for them, and again
for its rows, cost a new version's export a tenth of its time. The validate stage therefore
writes the summary beside validate.json (``summary.json``) with the signature of the
validate.json it sums up: the export takes the summary only while validate.json is that very
file, and otherwise summarises the document itself; the build writes the summary again when it
does not sum up validate.json (a run stopped between the two writes, interim/ copied).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline.records import Row, TableSet, tableset_from_dict

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
    """What tells one instance of a file from any other: size, modification and change times
    (ns) and inode. Every write of an interim file replaces it (a new inode, a new change time,
    which no copy can set back), so a summary signed with it sums up that very file."""
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "ctime_ns": info.st_ctime_ns,
            "inode": info.st_ino}


def summary_record(doc: TableSet, validated: os.stat_result) -> dict[str, Any]:
    """summary.json's content: the summary, and the signature of the validate.json it sums up."""
    return {"validated": file_signature(validated), "summary": summarize(doc)}


def built_summary(validated: Path) -> TableSet | None:
    """The summary.json beside ``validated`` when it sums up that file as it is now; None when
    it is missing, unreadable or signed for another state of the file."""
    try:
        record = json.loads((validated.parent / SUMMARY_FILE).read_bytes())
        if record["validated"] != file_signature(validated.stat()):
            return None
        return tableset_from_dict(record["summary"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not there, or not a summary this code wrote: summarise the document
