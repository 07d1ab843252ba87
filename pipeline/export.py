"""Export: validated per-document tables in interim/ → the curated catalogue's files.

Curated tables are re-assembled from interim/ alone (no source document is read again). A
rejected document never changes curated/: its previous rows, found through
``standards.source_file``, are carried over exactly as they were. Output is deterministic —
rows sorted by primary key with codes in natural order, fixed column order, LF line ends, no run
timestamps — so an unchanged catalogue rebuilds byte-identical files.

The catalogue is streamed, a document at a time (see pipeline.catalogue), so the export's memory
does not grow with it: each table's rows are converted a batch at a time and appended to its
Parquet file (one row group per ``parquet.ROW_GROUP_ROWS`` rows), its CSV file and the SQLite load,
while a forked child spools the same stream into the workbook's sheets.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline import records
from pipeline.catalogue import (
    DocumentTables,
    RunEntry,
    catalogue_chunks,
    plan_catalogue,
    version_changes,
)
from pipeline.curated import TablesInMemory, read_curated
from pipeline.database import DatabaseLoad
from pipeline.dictionary import build_datapackage
from pipeline.failures import (
    DocumentFailed,
    WorkbookFailed,
    document_file,
    failed_document,
    failure_log,
    internal_error,
    keep_log,
    one_line,
    unknown_source,
)
from pipeline.forked import Forked
from pipeline.publish import publish_folder
from pipeline.records import Row, TableSet
from pipeline.severity import finding
from pipeline.spec import TABLES, Column, Table, require_spec_tables
from pipeline.summary import SUMMARY_FILE, built_summary, file_signature, summarize
from pipeline.values import Columns, table_columns
from pipeline.version_report import render_html, render_markdown
from pipeline.workbook import write_workbook_chunks
from pipeline.writable import unwritable_documents

# Rows converted at a time for every writer (per-call costs dominate when a document's few
# rows go alone).
BATCH_ROWS = 1024


def _csv_column(column: Column, values: list[Any]) -> list[str]:
    if column.dtype == "bool":
        return ["" if v is None else "true" if v else "false" for v in values]
    if column.dtype == "date":
        return ["" if v is None else v.isoformat() for v in values]
    if column.dtype == "int":
        return ["" if v is None else str(v) for v in values]
    return ["" if v is None else v for v in values]


def _csv_rows(table: Table, values: Columns) -> Iterator[tuple[str, ...]]:
    return zip(*(_csv_column(c, v) for c, v in zip(table.columns, values, strict=True)),
               strict=True)


def csv_text(table: Table, rows: list[Row], columns: Columns | None = None) -> str:
    """The table as CSV: nulls empty, bools true/false, dates ISO (what Parquet readers show)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows(_csv_rows(table, table_columns(table, rows) if columns is None else columns))
    return buffer.getvalue()


def run_report_csv(entries: Iterable[RunEntry]) -> str:
    """The run report: one line per source file (no timestamps: same inputs, same bytes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source_file", "sha256", "status", "standard_code", "finding_codes"])
    for e in entries:
        writer.writerow([e.source_file, e.sha256, e.status, e.standard_code or "",
                         e.finding_codes])
    return buffer.getvalue()


class TableFiles:
    """One curated table's Parquet and CSV files and its SQLite rows, written as rows arrive.

    Rows wait until ``BATCH_ROWS`` are there and are converted once for every writer.
    """

    def __init__(self, table: Table, folder: Path, database: DatabaseLoad) -> None:
        from pipeline.parquet import ParquetFile  # see write_catalogue

        self.table = table
        self._database = database
        self._rows: list[Row] = []
        self._parquet = ParquetFile(table, folder / f"{table.name}.parquet")
        try:
            self._csv_file: IO[str] = open(folder / f"{table.name}.csv", "w", encoding="utf-8",
                                           newline="")
        except BaseException:
            self._parquet.abandon()
            raise
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(table.column_names)

    def add(self, rows: list[Row]) -> None:
        self._rows += rows
        if len(self._rows) >= BATCH_ROWS:
            self._convert()

    def _convert(self) -> None:
        rows, self._rows = self._rows, []
        columns = table_columns(self.table, rows)
        self._csv.writerows(_csv_rows(self.table, columns))
        self._database.insert(self.table, columns)
        self._parquet.add(rows, columns)

    def close(self) -> None:
        if self._rows:
            self._convert()
        self._parquet.close()
        self._csv_file.close()

    def abandon(self) -> None:
        self._parquet.abandon()
        self._csv_file.close()


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # bytes: LF stays LF on every system


@dataclass(frozen=True)
class WrittenCatalogue:
    """What the writers saw, for the closing summary."""

    severities: Counter[str]
    version_reports: int


def write_catalogue(folder: Path, chunks: Callable[[], Iterator[DocumentTables]],
                    changes: list[Row], entries: Iterable[RunEntry] | None) -> WrittenCatalogue:
    """Write every curated file into ``folder`` (empty) from the catalogue's row stream.

    ``chunks`` makes the stream: whole documents in code order, then the version changes. The
    workbook, the slowest file, is spooled from its own copy of the stream in a forked child
    (see pipeline.forked) while this process writes the others.
    """
    parent = os.getpid()

    def workbook_file() -> bytes:
        """The workbook, in the child: b"" when written, else the pickled exception for the
        parent to raise (a traceback printed here would be a second report of one failure)."""
        if os.getpid() != parent:  # the parent alone reports an interrupt, once
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            write_workbook_chunks(folder / "icap.xlsx", chunks())
        except DocumentFailed as failed:
            return pickle.dumps(failed)
        except Exception as failed:  # raised again in the parent, not dropped
            return pickle.dumps(WorkbookFailed(
                f"{type(failed).__name__}: {one_line(str(failed))}",
                failure_log("the workbook", "the export", failed)))
        return b""

    workbook = Forked(workbook_file)
    # Only now, in this process alone: the child writes no Parquet and need not import pyarrow.
    from pipeline.parquet import release_freed_memory

    release_freed_memory()
    database: DatabaseLoad | None = None
    files: list[TableFiles] = []
    severities: Counter[str] = Counter()
    try:
        database = DatabaseLoad(folder / "icap.sqlite")
        for table in TABLES:  # one at a time, so a failure abandons those already open
            files.append(TableFiles(table, folder, database))
        for chunk in chunks():
            for table_files in files:
                rows = chunk.get(table_files.table.name)
                if rows:
                    table_files.add(rows)
            severities.update(f["severity"] for f in chunk.get("findings", []))
        for table_files in files:
            table_files.close()
        database.finish()
        by_pair: dict[tuple[str, str], list[Row]] = {}
        for change in changes:
            by_pair.setdefault((change["from_code"], change["to_code"]), []).append(change)
        for (older, newer), rows in sorted(by_pair.items()):
            _write_text(folder / "reports" / f"{older}__{newer}.md", render_markdown(rows))
            _write_text(folder / "reports" / f"{older}__{newer}.html", render_html(rows))
        if entries is not None:
            _write_text(folder / "_runs" / "run_report.csv", run_report_csv(entries))
        _write_text(folder / "datapackage.json",
                    json.dumps(build_datapackage(), ensure_ascii=False, indent=2) + "\n")
        outcome = workbook.result()
        if outcome:
            raise pickle.loads(outcome)
    except BaseException:
        # The workbook's child first: it must not go on writing into a folder being removed.
        steps = [workbook.abandon, *(f.abandon for f in files)]
        _abandon_all([*steps, *([database.abandon] if database is not None else [])])
        raise
    return WrittenCatalogue(severities, len(by_pair))


def _abandon_all(steps: list[Callable[[], None]]) -> None:
    """Run every clean-up step, even after one fails: a full disk that failed the export can fail
    a writer's close too, and the steps after it (stopping the workbook's child) must still run.
    The export's own failure is the one raised; a clean-up failure is only reported."""
    for step in steps:
        try:
            step()
        except Exception as failure:  # reported, then the caller re-raises the export's failure
            print(f"WARNING export clean-up: {type(failure).__name__}: {failure}",
                  file=sys.stderr)


def assemble(docs: list[TableSet], previous: Mapping[str, list[Row]]
             ) -> tuple[dict[str, list[Row]], list[RunEntry]]:
    """The whole catalogue's rows in memory, and what happened to each file: the same plan and
    stream the export writes, collected (for tests and small callers)."""
    by_file = {d.source.file: d for d in docs}
    plan = plan_catalogue([summarize(d) for d in docs], TablesInMemory(previous),
                          by_file.__getitem__)
    changes = version_changes(plan, by_file.__getitem__)
    tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for chunk in catalogue_chunks(plan, by_file.__getitem__, changes):
        for name, rows in chunk.items():
            tables[name] += rows
    return tables, list(plan.entries)


def write_curated(curated: Path, tables: Mapping[str, list[Row]],
                  entries: list[RunEntry] | None = None) -> None:
    """Replace curated/'s whole content with these tables, atomically (see pipeline.publish)."""
    require_spec_tables(tables)
    chunk = {t.name: list(tables[t.name]) for t in TABLES}
    publish_folder(curated, lambda folder: write_catalogue(
        folder, lambda: iter([chunk]), chunk["version_changes"], entries))


@dataclass(frozen=True)
class ExportResult:
    """What an export run did: each file's fate, the documents' summaries, the writers' counts
    and what curated/ held before (for the "unchanged" count)."""

    entries: tuple[RunEntry, ...]
    summaries: dict[str, TableSet]
    written: WrittenCatalogue
    previous_sha256: dict[str, str]


class ChangedDuringExport(RuntimeError):
    """A validate.json is not the one the plan was made from: it changed while the catalogue
    was exported (``path``: that file)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SummaryMismatch(ChangedDuringExport):
    """A summary.json signed for its validate.json did not sum it up."""


def export_catalogue(curated: Path, validated: list[Path], contain_failures: bool = False,
                     set_aside: Mapping[Path, TableSet] | None = None) -> ExportResult:
    """Publish curated/ from validated interim files, streaming the documents: planned from the
    build's summaries, then each document read for its rows (pipeline.summary). A document the
    build could not process is read from its failed.json (pipeline.failures) instead.

    Each validate.json read for rows must still be the very file the plan saw (its signature
    after the read), and is checked against the summary the plan used; so is every document
    the plan rejected or skipped on its summary's word. A summary.json that does not sum up its
    document although signed for it (forged, or written by other code) costs a second attempt
    planned from the documents themselves.

    ``contain_failures`` (the command line's runs): a document that cannot be read, or changes
    while it is exported, is rejected with that error (its traceback in error.log beside it)
    and the export starts again without it — curated/ keeps its previous rows; without it (tests,
    callers that want a bug to show) the exception propagates and curated/ keeps what it held.
    ``set_aside``: documents rejected before the export starts (validate.json path → document),
    e.g. those whose raw/ file changed during the run.
    """
    failed: dict[Path, TableSet] = dict(set_aside or {})
    trust_summary_files = True
    while True:
        try:
            return _export(curated, validated, trust_summary_files, failed, contain_failures)
        except SummaryMismatch:
            if not trust_summary_files:
                raise
            trust_summary_files = False
        except DocumentFailed as failure:  # raised only when contain_failures
            failed[failure.path] = failure.document
            keep_log(failure.path, failure.log)
        except Exception:
            # A writer refused a value: of one document (set it aside and export again), or
            # of none (the run's own failure: a full disk).
            unwritable = unwritable_documents(validated, failed) if contain_failures else {}
            if not unwritable:
                raise
            failed.update(unwritable)


def _export(curated: Path, validated: list[Path], trust_summary_files: bool,
            failed: dict[Path, TableSet], contain_failures: bool) -> ExportResult:
    def read(path: Path) -> TableSet:
        return records.tableset_from_dict(records.read_json(path))

    summaries: dict[str, TableSet] = {}
    path_of: dict[str, Path] = {}
    listed_as: dict[str, Path] = {}
    signature_of: dict[str, dict[str, int]] = {}
    from_summary_file: set[str] = set()
    for listed in validated:
        if listed in failed:
            summary = summarize(failed[listed])
        else:
            try:
                path = document_file(listed)
                seen = file_signature(path.stat())
                built = built_summary(path) if trust_summary_files and path == listed else None
                summary = summarize(read(path)) if built is None else built
                if built is not None:
                    from_summary_file.add(summary.source.file)
            except Exception as exc:
                if not contain_failures:
                    raise
                name = listed.parent.name
                failed[listed] = failed_document(unknown_source(name), internal_error(name, exc))
                keep_log(listed, failure_log(name, "the export (reading it)", exc))
                summary = summarize(failed[listed])
            else:
                path_of[summary.source.file] = path
                signature_of[summary.source.file] = seen
        summaries[summary.source.file] = summary
        listed_as[summary.source.file] = listed

    def check(source_file: str) -> TableSet:
        path = path_of[source_file]
        doc = read(path)
        # Signed after the read: a file replaced before or during it has a new inode and
        # change time, which it cannot get back.
        unchanged = file_signature(path.stat()) == signature_of[source_file]
        summed_up = summarize(doc) == summaries[source_file]
        if unchanged and not summed_up and source_file in from_summary_file:
            raise SummaryMismatch(path.with_name(SUMMARY_FILE),
                                  "does not sum up the validate.json beside it")
        if not (unchanged and summed_up):
            raise ChangedDuringExport(path, "rewritten while the catalogue was exported; "
                                            "run make again")
        return doc

    def load(source_file: str) -> TableSet:
        if not contain_failures:
            return check(source_file)
        try:
            return check(source_file)
        except SummaryMismatch:
            raise
        except Exception as exc:
            source = summaries[source_file].source
            error = (finding("changed-during-export", None, source_file, exc.reason)
                     if isinstance(exc, ChangedDuringExport)
                     else internal_error(source_file, exc))
            raise DocumentFailed(listed_as[source_file], failed_document(source, error),
                                 failure_log(source_file, "the export (reading its rows)", exc)
                                 ) from exc

    previous = read_curated(curated)
    # Read before the new files replace them: the "unchanged" count compares with these.
    previous_sha256 = {r["source_file"]: r["source_sha256"] for r in previous.standards}
    plan = plan_catalogue(list(summaries.values()), previous, load)
    for entry in plan.entries:
        # Documents whose rows are not read: their summary alone decided their fate.
        if entry.status != "converted" and entry.source_file in from_summary_file:
            load(entry.source_file)
    changes = version_changes(plan, load)
    written: list[WrittenCatalogue] = []
    publish_folder(curated, lambda folder: written.append(write_catalogue(
        folder, lambda: catalogue_chunks(plan, load, changes), changes, plan.entries)))
    return ExportResult(plan.entries, summaries, written[0], previous_sha256)
