"""The export streams the catalogue a document at a time and converts rows in batches; its files
must be exactly those of writing the whole catalogue at once, whatever the batch sizes.

Batch and row-group sizes are made tiny here so that a handful of documents crosses every
boundary (rows waiting for a batch, a Parquet row group cut inside a document, a sheet's rows
spooled in several pieces), and a rejected document keeps its previous rows.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import export, parquet, records, workbook
from pipeline.export import assemble, export_catalogue, read_curated, write_curated
from pipeline.records import Source, TableSet
from tests.conftest import SAMPLE, V5, run_stages, write_validated


def _renamed(doc: TableSet, code: str) -> TableSet:
    """The document as another standard: its code on every row, its own source file."""
    tables = {name: [{**r, "standard_code": code} if "standard_code" in r else r for r in rows]
              for name, rows in doc.tables.items()}
    tables["standards"] = [{**r, "source_file": f"{code}.txt"} for r in tables["standards"]]
    source: Source = dataclasses.replace(doc.source, file=f"{code}.txt", sha256=code)
    return TableSet(source, tables, doc.findings, doc.is_rejected)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def documents() -> list[TableSet]:
    v4, v5 = run_stages(SAMPLE), run_stages(V5)
    return [v4, v5, *(_renamed(v4, f"ABC0000-{n}v1") for n in (10, 2, 9))]


@pytest.fixture
def tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 7)
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 40)
    monkeypatch.setattr(workbook, "_SPOOL_ROWS", 5)
    monkeypatch.setattr(workbook, "_SPOOL_PIECE", 1000)


def test_streamed_files_equal_the_whole_catalogue_written_at_once(
        tmp_path: Path, documents: list[TableSet], tiny_batches: None) -> None:
    streamed = tmp_path / "streamed"
    export_catalogue(streamed, write_validated(tmp_path / "interim", documents))
    tables, entries = assemble(documents, {})
    write_curated(tmp_path / "at-once", tables, entries)
    assert _files(streamed) == _files(tmp_path / "at-once")
    assert pq.ParquetFile(streamed / "indicators.parquet").metadata.num_row_groups > 1


def test_a_rejected_document_keeps_its_previous_rows_when_streamed(
        tmp_path: Path, documents: list[TableSet], tiny_batches: None) -> None:
    curated = tmp_path / "curated"
    export_catalogue(curated, write_validated(tmp_path / "before", documents))
    before = _files(curated)
    kept = documents[-1]
    rejected = TableSet(dataclasses.replace(kept.source, sha256="changed"), kept.tables,
                        kept.findings, True)
    previous = read_curated(curated)
    tables, entries = assemble([*documents[:-1], rejected], previous)
    write_curated(tmp_path / "at-once", tables, entries)
    result = export_catalogue(curated, write_validated(tmp_path / "after",
                                                       [*documents[:-1], rejected]))
    assert [e.status for e in result.entries if e.source_file == kept.source.file] == ["rejected"]
    after = _files(curated)
    assert after == _files(tmp_path / "at-once")
    # Only the run report tells the runs apart: the rejected document's rows are as they were.
    assert {name for name in after if after[name] != before[name]} == {"_runs/run_report.csv"}


def test_batch_sizes_change_no_file_while_tables_fit_one_row_group(
        tmp_path: Path, documents: list[TableSet], monkeypatch: pytest.MonkeyPatch) -> None:
    validated = write_validated(tmp_path / "interim", documents)
    export_catalogue(tmp_path / "default", validated)
    monkeypatch.setattr(export, "BATCH_ROWS", 3)
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 10**9)
    monkeypatch.setattr(workbook, "_SPOOL_ROWS", 2)
    export_catalogue(tmp_path / "tiny", validated)
    assert _files(tmp_path / "default") == _files(tmp_path / "tiny")


def test_the_builds_summary_is_the_one_export_would_make(tmp_path: Path) -> None:
    """validate writes summary.json beside validate.json: exactly what export would otherwise
    compute from the whole document, with validate.json's signature."""
    from pipeline.build import STAGES, run_stage, stage_file
    from pipeline.summary import SUMMARY_FILE, file_signature, summarize

    for stage in STAGES:
        run_stage(stage, SAMPLE, tmp_path, 60)
    validated = stage_file(tmp_path, SAMPLE, "validate")
    record = records.read_json(validated.with_name(SUMMARY_FILE))
    made = summarize(records.tableset_from_dict(records.read_json(validated)))
    assert records.tableset_from_dict(record["summary"]) == made
    assert record["validated"] == file_signature(validated.stat())
    assert record["summary"]["tables"]["standards"][0]["standard_code"] == "RTM1324-002v4"


def _write_summary(validated: Path, summary: TableSet, signed: Path | None = None) -> None:
    """A summary.json beside ``validated``, signed with ``signed``'s state (default: its own)."""
    from pipeline.summary import SUMMARY_FILE, summary_record

    records.write_json(summary_record(summary, (signed or validated).stat()),
                       validated.with_name(SUMMARY_FILE))


def _validate_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The validate.json files this process reads from now on, in order."""
    reads: list[str] = []
    read_json = records.read_json

    def counted(path: Path) -> dict[str, object]:
        if path.name == "validate.json":
            reads.append(path.parent.name)
        return read_json(path)

    monkeypatch.setattr(records, "read_json", counted)
    return reads


def test_a_summary_signed_by_its_validate_json_spares_reading_the_document_for_the_plan(
        tmp_path: Path, documents: list[TableSet], monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.summary import summarize

    validated = write_validated(tmp_path / "interim", documents)
    reads = _validate_reads(monkeypatch)
    export_catalogue(tmp_path / "without", validated)
    without = len(reads)
    _write_summary(validated[0], summarize(documents[0]))
    reads.clear()
    export_catalogue(tmp_path / "with", validated)
    assert len(reads) == without - 1
    assert _files(tmp_path / "with") == _files(tmp_path / "without")


def test_a_summary_that_does_not_sum_up_its_document_is_not_trusted(
        tmp_path: Path, documents: list[TableSet]) -> None:
    """A summary of another state of the document — unsigned for the present validate.json (a
    run stopped between the two writes), or signed but wrong (a pair of files put back by hand,
    a rewrite within one tick of a coarse clock) — never reaches curated/: the first is ignored,
    the second found out when the document is read for its rows, and the export planned again
    from the documents."""
    from pipeline.records import Finding
    from pipeline.summary import summarize

    validated = write_validated(tmp_path / "interim", documents)
    plain = export_catalogue(tmp_path / "plain", validated)
    codes = [e.finding_codes for e in plain.entries if e.source_file == documents[0].source.file]
    marked = summarize(documents[0]).with_findings(
        [Finding("bom-removed", "warning", None, "document", "only in the summary")])
    for signed_by in (validated[1], validated[0]):
        _write_summary(validated[0], marked, signed=signed_by)
        result = export_catalogue(tmp_path / signed_by.parent.name, validated)
        assert [e.finding_codes for e in result.entries
                if e.source_file == documents[0].source.file] == codes
        assert _files(tmp_path / signed_by.parent.name) == _files(tmp_path / "plain")


def test_a_summary_that_says_accepted_for_a_rejected_document_publishes_none_of_its_rows(
        tmp_path: Path, documents: list[TableSet]) -> None:
    """The summary's verdict is the build's, not this validate.json's: the document is still
    rejected and keeps the rows curated/ held."""
    from pipeline.summary import summarize

    curated = tmp_path / "curated"
    validated = write_validated(tmp_path / "interim", documents)
    export_catalogue(curated, validated)
    before = _files(curated)
    rejected = TableSet(documents[1].source, documents[1].tables, documents[1].findings, True)
    records.write_json(rejected, validated[1])
    _write_summary(validated[1], summarize(documents[1]))
    result = export_catalogue(curated, validated)
    assert [e.status for e in result.entries
            if e.source_file == documents[1].source.file] == ["rejected"]
    after = _files(curated)
    assert {name for name in after if after[name] != before[name]} == {"_runs/run_report.csv"}


def test_a_document_that_changes_while_exported_stops_the_export(
        tmp_path: Path, documents: list[TableSet], monkeypatch: pytest.MonkeyPatch) -> None:
    curated = tmp_path / "curated"
    validated = write_validated(tmp_path / "interim", documents)
    export_catalogue(curated, validated)
    before = _files(curated)
    reads = _validate_reads(monkeypatch)
    read_json = records.read_json

    def changing(path: Path) -> dict[str, object]:
        data = read_json(path)
        if path == validated[2] and reads.count(path.parent.name) > 1:
            data["is_rejected"] = True  # rewritten between the plan and the rows
        return data

    monkeypatch.setattr(records, "read_json", changing)
    with pytest.raises(export.ChangedDuringExport, match="rewritten while the catalogue was"):
        export_catalogue(curated, validated)
    assert _files(curated) == before


@pytest.mark.parametrize("verdict", ["skipped", "rejected"])
def test_a_summary_that_alone_sets_a_document_aside_is_checked_against_it(
        tmp_path: Path, documents: list[TableSet], verdict: str) -> None:
    """A document the plan skips as a duplicate or rejects on its summary's word is never read
    for rows; its summary is checked against it all the same, or a wrong one would drop a
    standard from curated/ without a word."""
    from pipeline.summary import summarize

    validated = write_validated(tmp_path / "interim", documents)
    export_catalogue(tmp_path / "plain", validated)
    doc = documents[3]
    if verdict == "skipped":  # the same bytes as another document, says the summary
        other = summarize(documents[2])
        wrong = TableSet(dataclasses.replace(doc.source, sha256=other.source.sha256),
                         other.tables, other.findings, False)
    else:
        wrong = TableSet(doc.source, summarize(doc).tables, doc.findings, True)
    _write_summary(validated[3], wrong)
    result = export_catalogue(tmp_path / "checked", validated)
    assert {e.status for e in result.entries} == {"converted"}
    assert _files(tmp_path / "checked") == _files(tmp_path / "plain")


def test_the_build_writes_a_summary_again_when_it_does_not_sum_up_validate_json(
        tmp_path: Path) -> None:
    from pipeline.build import STAGES, module_times, run_stage, stage_file, stale_stages
    from pipeline.summary import SUMMARY_FILE, built_summary

    for stage in STAGES:
        run_stage(stage, SAMPLE, tmp_path, 60)
    validated = stage_file(tmp_path, SAMPLE, "validate")
    assert stale_stages(SAMPLE, tmp_path, module_times()) == []
    summary = validated.with_name(SUMMARY_FILE)
    summary.unlink()  # a run stopped between validate.json and its summary
    assert stale_stages(SAMPLE, tmp_path, module_times()) == ["validate"]
    run_stage("validate", SAMPLE, tmp_path, 60)
    assert built_summary(validated) is not None
    records.write_json(records.read_json(validated), validated)  # validate.json replaced
    assert built_summary(validated) is None
    assert stale_stages(SAMPLE, tmp_path, module_times()) == ["validate"]


def test_a_failure_whose_clean_up_fails_too_still_stops_the_workbook_child(
        tmp_path: Path, documents: list[TableSet], monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """A full disk fails a write, then the close of a writer in the clean-up: the export's own
    failure is raised, the clean-up's reported, and the forked workbook child is still stopped
    and reaped (it would otherwise go on writing into the staging folder being removed)."""
    import errno

    from pipeline import database

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device (simulated)")

    close = export.TableFiles.abandon

    def abandon(self: export.TableFiles) -> None:
        close(self)
        full()

    monkeypatch.setattr(database.DatabaseLoad, "insert", full)
    monkeypatch.setattr(export.TableFiles, "abandon", abandon)
    with pytest.raises(OSError, match="simulated"):
        export_catalogue(tmp_path / "curated", write_validated(tmp_path / "interim", documents))
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []
    assert "WARNING export clean-up: OSError" in capfd.readouterr().err
    assert not (tmp_path / "curated").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["interim"]
