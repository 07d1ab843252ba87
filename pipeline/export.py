"""Export: validated per-document tables in interim/ → curated Parquet + CSV for the catalogue.

Curated tables are re-assembled from interim/ alone (no source document is read again). A
rejected document never changes curated/: its previous rows, found through
``standards.source_file``, are carried over exactly as they were. Output is deterministic —
rows sorted by primary key with codes in natural order, fixed column order, LF line ends, no run
timestamps — so an unchanged catalogue rebuilds byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.database import database_bytes
from pipeline.dictionary import build_datapackage
from pipeline.forked import Forked
from pipeline.order import natural_key, sort_rows
from pipeline.publish import publish
from pipeline.records import Finding, Row, TableSet
from pipeline.spec import TABLES, TABLES_BY_NAME, Column, Table
from pipeline.values import Columns, table_columns
from pipeline.versions import (
    CROSS_DOCUMENT_CODES,
    compare_versions,
    consecutive_pairs,
    cross_check_version_tables,
    mark_latest,
    render_report,
    split_by_standard,
)
from pipeline.workbook import workbook_bytes

ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "bool": pa.bool_(), "date": pa.date32()}


def findings_rows(standard_code: str, findings: tuple[Finding, ...]) -> list[Row]:
    """Findings of one document with a stable finding_no (by page, code, where, message)."""
    ordered = sorted(findings, key=lambda f: (natural_key(f.page), f.code, natural_key(f.where),
                                              f.message))
    return [
        {"standard_code": standard_code, "finding_no": n, "code": f.code,
         "severity": f.severity, "page": f.page, "where": f.where, "message": f.message}
        for n, f in enumerate(ordered, start=1)
    ]


def document_rows(doc: TableSet) -> dict[str, list[Row]]:
    """The curated rows one accepted document contributes, table by table."""
    code = doc.tables["standards"][0]["standard_code"]
    rows = {t.name: list(doc.tables.get(t.name, [])) for t in TABLES if t.name != "findings"}
    rows["findings"] = findings_rows(code, doc.findings)
    return rows


# Input-level warnings printed for documents that were still converted.
INPUT_WARNINGS = frozenset({
    "encoding-converted", "bom-removed", "crlf-line-ends", "encrypted-pdf", "duplicate-document",
})


@dataclass(frozen=True)
class RunEntry:
    """One source file's fate in this run: a line of the run report."""

    source_file: str
    sha256: str
    status: str  # converted | rejected | skipped
    standard_code: str | None
    findings: tuple[Finding, ...]  # errors when rejected; input warnings otherwise

    @property
    def finding_codes(self) -> str:
        return " ".join(sorted({f.code for f in self.findings}))


def _code_of(doc: TableSet) -> str | None:
    standards = doc.tables.get("standards") or [{}]
    code: str | None = standards[0].get("standard_code")
    return None if doc.is_rejected else code


def resolve_claims(docs: list[TableSet]) -> dict[str, tuple[str, Finding]]:
    """Files that may not export although valid, by file: (status, the finding that says why).

    The same bytes under two names: the first name (in sort order) is converted, the others are
    skipped. Different documents claiming one standard_code: none of them is trusted.
    """
    by_code: dict[str, list[TableSet]] = {}
    for doc in docs:
        code = _code_of(doc)
        if code is not None:
            by_code.setdefault(code, []).append(doc)
    out: dict[str, tuple[str, Finding]] = {}
    for code, group in by_code.items():
        group = sorted(group, key=lambda d: d.source.file)
        if len(group) < 2:
            continue
        if len({d.source.sha256 for d in group}) == 1:
            for doc in group[1:]:
                out[doc.source.file] = ("skipped", Finding(
                    "duplicate-document", "warning", None, code,
                    f"the same bytes as {group[0].source.file}; skipped"))
            continue
        for doc in group:
            others = ", ".join(d.source.file for d in group if d is not doc)
            out[doc.source.file] = ("rejected", Finding(
                "conflicting-standard-code", "error", None, code,
                f"{code} is also claimed by {others} with different content"))
    return out


def assemble(
    docs: list[TableSet], previous: Mapping[str, list[Row]]
) -> tuple[dict[str, list[Row]], list[RunEntry]]:
    """The catalogue's rows, and what happened to each file.

    Accepted documents contribute their new rows; a rejected document keeps the rows it had in
    ``previous`` (what curated/ holds now) unless an accepted document now provides its code.
    Documents whose source file is no longer in raw/ drop out.
    """
    previous_code_of = {r["source_file"]: r["standard_code"] for r in previous.get("standards", [])}
    decisions = resolve_claims(docs)
    by_code: dict[str, dict[str, list[Row]]] = {}
    entries: list[RunEntry] = []
    rejected: list[TableSet] = []
    for doc in sorted(docs, key=lambda d: d.source.file):
        status, finding = decisions.get(doc.source.file, ("", None))
        if finding is not None:
            doc = doc.with_findings([finding])
        code = _code_of(doc)
        if status == "skipped":
            entries.append(RunEntry(doc.source.file, doc.source.sha256, "skipped", code,
                                    (finding,) if finding else ()))
        elif doc.is_rejected or status == "rejected":
            rejected.append(TableSet(doc.source, doc.tables, doc.findings, True))
        else:
            assert code is not None
            by_code[code] = document_rows(doc)
            warnings = tuple(f for f in doc.findings if f.code in INPUT_WARNINGS)
            entries.append(RunEntry(doc.source.file, doc.source.sha256, "converted", code,
                                    warnings))
    for doc in rejected:
        old_code = previous_code_of.get(doc.source.file)
        if old_code is not None and old_code not in by_code:
            by_code[old_code] = {name: [r for r in rows if r.get("standard_code") == old_code]
                                 for name, rows in previous.items()}
        errors = tuple(f for f in doc.findings if f.severity == "error")
        entries.append(RunEntry(doc.source.file, doc.source.sha256, "rejected", old_code, errors))
    # Whole documents in the order of their codes: each document's rows are already in key
    # order (validation sorts them, curated/ holds them sorted) and every key starts with the
    # standard code, so the catalogue is in key order without sorting its rows again.
    out: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for code in sorted(by_code, key=natural_key):
        for name, rows in by_code[code].items():
            out[name] += rows
    out = finish_catalogue(out)
    entries.sort(key=lambda e: e.source_file)
    return out, entries


def run_report_csv(entries: list[RunEntry]) -> str:
    """The run report: one line per source file (no timestamps: same inputs, same bytes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source_file", "sha256", "status", "standard_code", "finding_codes"])
    for e in entries:
        writer.writerow([e.source_file, e.sha256, e.status, e.standard_code or "",
                         e.finding_codes])
    return buffer.getvalue()


def finish_catalogue(out: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """What depends on the whole catalogue: latest flags, version-table cross-checks (as
    findings numbered after each document's own), and the changes between versions."""
    findings = [f for f in out["findings"] if f["code"] not in CROSS_DOCUMENT_CODES]
    standards = mark_latest(out["standards"])
    documents = split_by_standard({**out, "standards": standards})
    for code, found in sorted(cross_check_version_tables(documents).items()):
        last = max((f["finding_no"] for f in findings if f["standard_code"] == code), default=0)
        ordered = sorted(found, key=lambda f: (natural_key(f["where"]), f["message"]))
        findings += [{"standard_code": code, "finding_no": last + n, **f}
                     for n, f in enumerate(ordered, start=1)]
    changes: list[Row] = []
    for older, newer in consecutive_pairs(standards):
        pair = compare_versions(documents[older], documents[newer])
        changes += [{**c, "change_no": n} for n, c in enumerate(pair, start=1)]
    # Cross-check findings were appended after every document's own; these three are small.
    return {**out, "standards": sort_rows(TABLES_BY_NAME["standards"], standards),
            "findings": sort_rows(TABLES_BY_NAME["findings"], findings),
            "version_changes": sort_rows(TABLES_BY_NAME["version_changes"], changes)}


def arrow_table(table: Table, rows: list[Row], columns: Columns | None = None) -> pa.Table:
    """Rows → an Arrow table whose schema carries each column's description and 中文 label.

    ``columns``: the rows' canonical columns (``values.table_columns``) when already computed.
    """
    fields = [
        pa.field(c.name, ARROW_TYPES[c.dtype], nullable=c.nullable,
                 metadata={"description": c.description, "label_zh": c.label_zh})
        for c in table.columns
    ]
    schema = pa.schema(fields, metadata={
        "table": table.name, "grain": table.grain, "description": table.description,
        "primary_key": ",".join(table.primary_key),
    })
    values = table_columns(table, rows) if columns is None else columns
    arrays = [pa.array(v, type=ARROW_TYPES[c.dtype])
              for c, v in zip(table.columns, values, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _csv_column(column: Column, values: list[Any]) -> list[str]:
    if column.dtype == "bool":
        return ["" if v is None else "true" if v else "false" for v in values]
    if column.dtype == "date":
        return ["" if v is None else v.isoformat() for v in values]
    if column.dtype == "int":
        return ["" if v is None else str(v) for v in values]
    return ["" if v is None else v for v in values]


def csv_text(table: Table, rows: list[Row], columns: Columns | None = None) -> str:
    """The table as CSV: nulls empty, bools true/false, dates ISO (what Parquet readers show)."""
    values = table_columns(table, rows) if columns is None else columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows(zip(*(_csv_column(c, v) for c, v in zip(table.columns, values, strict=True)),
                         strict=True))
    return buffer.getvalue()


class CuratedTables(Mapping[str, list[Row]]):
    """What curated/ holds now, as rows by table, each table read when first asked for.

    A run reads the previous standards (to know which file gave which code) but the other
    tables only when a rejected document must keep its old rows: reading a 900-standard
    catalogue's every table up front cost half a second and as much memory as the new rows.
    """

    def __init__(self, curated: Path) -> None:
        self._curated = curated
        self._tables: dict[str, list[Row]] = {}

    def __getitem__(self, name: str) -> list[Row]:
        if name not in TABLES_BY_NAME:
            raise KeyError(name)
        if name not in self._tables:
            path = self._curated / f"{name}.parquet"
            # ParquetFile, not read_table: the latter loads the dataset layer (70 MB of RSS).
            rows = pq.ParquetFile(path).read().to_pylist() if path.exists() else []
            # Dates as the ISO text the stages produce, so old and new rows compare equal.
            self._tables[name] = [
                {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()}
                for r in rows
            ]
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES_BY_NAME)

    def __len__(self) -> int:
        return len(TABLES_BY_NAME)


def read_curated(curated: Path) -> CuratedTables:
    """What curated/ holds now (empty tables when it holds nothing yet), read on demand."""
    return CuratedTables(curated)


def curated_files(tables: Mapping[str, list[Row]], entries: list[RunEntry] | None = None
                  ) -> Iterator[tuple[str, bytes]]:
    """Every file curated/ holds after this run, as (relative path, bytes), one at a time so
    that the catalogue's files are never all in memory together. Each table's values are
    converted once for every writer; the workbook, the slowest, is written meanwhile in a forked
    child (see pipeline.forked), which inherits them."""
    columns = {t.name: table_columns(t, tables[t.name]) for t in TABLES}
    workbook = Forked(workbook_bytes, tables, columns)
    try:
        for table in TABLES:
            rows = tables[table.name]
            buffer = io.BytesIO()
            pq.write_table(arrow_table(table, rows, columns[table.name]), buffer,
                           compression="zstd")
            yield f"{table.name}.parquet", buffer.getvalue()
            yield f"{table.name}.csv", csv_text(table, rows, columns[table.name]).encode("utf-8")
        by_pair: dict[tuple[str, str], list[Row]] = {}
        for change in tables["version_changes"]:
            by_pair.setdefault((change["from_code"], change["to_code"]), []).append(change)
        for (older, newer), rows in sorted(by_pair.items()):
            yield f"reports/{older}__{newer}.md", render_report(rows).encode("utf-8")
        if entries is not None:
            yield "_runs/run_report.csv", run_report_csv(entries).encode("utf-8")
        yield "icap.sqlite", database_bytes(dict(tables), columns)
        yield "datapackage.json", (
            json.dumps(build_datapackage(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        yield "icap.xlsx", workbook.result()
    finally:
        workbook.abandon()


def write_curated(curated: Path, tables: Mapping[str, list[Row]],
                  entries: list[RunEntry] | None = None) -> None:
    """Replace curated/'s whole content with this run's, atomically (see pipeline.publish)."""
    publish(curated, curated_files(tables, entries))
