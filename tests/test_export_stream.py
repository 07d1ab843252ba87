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

from pipeline import export, records, workbook
from pipeline.export import assemble, export_catalogue, read_curated, write_curated
from pipeline.records import Source, TableSet
from tests.conftest import SAMPLE, V5, run_stages


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


def _interim(folder: Path, docs: list[TableSet]) -> list[Path]:
    paths = []
    for doc in docs:
        path = folder / doc.source.file / "validate.json"
        records.write_json(doc, path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def documents() -> list[TableSet]:
    v4, v5 = run_stages(SAMPLE), run_stages(V5)
    return [v4, v5, *(_renamed(v4, f"ABC0000-{n}v1") for n in (10, 2, 9))]


@pytest.fixture
def tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 7)
    monkeypatch.setattr(export, "ROW_GROUP_ROWS", 40)
    monkeypatch.setattr(workbook, "_SPOOL_ROWS", 5)
    monkeypatch.setattr(workbook, "_SPOOL_PIECE", 1000)


def test_streamed_files_equal_the_whole_catalogue_written_at_once(
        tmp_path: Path, documents: list[TableSet], tiny_batches: None) -> None:
    streamed = tmp_path / "streamed"
    export_catalogue(streamed, _interim(tmp_path / "interim", documents))
    tables, entries = assemble(documents, {})
    write_curated(tmp_path / "at-once", tables, entries)
    assert _files(streamed) == _files(tmp_path / "at-once")
    assert pq.ParquetFile(streamed / "indicators.parquet").metadata.num_row_groups > 1


def test_a_rejected_document_keeps_its_previous_rows_when_streamed(
        tmp_path: Path, documents: list[TableSet], tiny_batches: None) -> None:
    curated = tmp_path / "curated"
    export_catalogue(curated, _interim(tmp_path / "before", documents))
    before = _files(curated)
    kept = documents[-1]
    rejected = TableSet(dataclasses.replace(kept.source, sha256="changed"), kept.tables,
                        kept.findings, True)
    previous = read_curated(curated)
    tables, entries = assemble([*documents[:-1], rejected], previous)
    write_curated(tmp_path / "at-once", tables, entries)
    result = export_catalogue(curated, _interim(tmp_path / "after", [*documents[:-1], rejected]))
    assert [e.status for e in result.entries if e.source_file == kept.source.file] == ["rejected"]
    after = _files(curated)
    assert after == _files(tmp_path / "at-once")
    # Only the run report tells the runs apart: the rejected document's rows are as they were.
    assert {name for name in after if after[name] != before[name]} == {"_runs/run_report.csv"}


def test_batch_sizes_change_no_file_while_tables_fit_one_row_group(
        tmp_path: Path, documents: list[TableSet], monkeypatch: pytest.MonkeyPatch) -> None:
    validated = _interim(tmp_path / "interim", documents)
    export_catalogue(tmp_path / "default", validated)
    monkeypatch.setattr(export, "BATCH_ROWS", 3)
    monkeypatch.setattr(export, "ROW_GROUP_ROWS", 10**9)
    monkeypatch.setattr(workbook, "_SPOOL_ROWS", 2)
    export_catalogue(tmp_path / "tiny", validated)
    assert _files(tmp_path / "default") == _files(tmp_path / "tiny")


def test_the_builds_summary_is_the_one_export_would_make(tmp_path: Path) -> None:
    """validate writes summary.json beside validate.json: exactly what export would otherwise
    compute from the whole document, so planning from it changes nothing."""
    from pipeline.build import STAGES, SUMMARY_FILE, run_stage, stage_file
    from pipeline.catalogue import summarize

    for stage in STAGES:
        run_stage(stage, SAMPLE, tmp_path, 60)
    validated = stage_file(tmp_path, SAMPLE, "validate")
    built = records.read_json(validated.with_name(SUMMARY_FILE))
    made = summarize(records.tableset_from_dict(records.read_json(validated)))
    assert records.tableset_from_dict(built) == made
    assert built["tables"]["standards"][0]["standard_code"] == "RTM1324-002v4"


def test_export_plans_from_a_summary_written_after_its_document_only(
        tmp_path: Path, documents: list[TableSet]) -> None:
    """A summary at least as new as its validate.json is used (a warning put only in it reaches
    the run report); one older (a validate.json rewritten after it, by a run stopped between the
    two writes or by hand) is not: the document is summarised again."""
    from pipeline.build import SUMMARY_FILE
    from pipeline.catalogue import summarize
    from pipeline.records import Finding

    validated = _interim(tmp_path / "interim", documents)
    marked = summarize(documents[0]).with_findings(
        [Finding("bom-removed", "warning", None, "document", "only in the summary")])
    summary = validated[0].with_name(SUMMARY_FILE)
    records.write_json(marked, summary)
    newer = validated[0].stat().st_mtime_ns + 10**9
    os.utime(summary, ns=(newer, newer))
    used = export_catalogue(tmp_path / "fresh", validated)
    assert [e.finding_codes for e in used.entries
            if e.source_file == documents[0].source.file] == ["bom-removed"]
    older = validated[0].stat().st_mtime_ns - 10**9
    os.utime(summary, ns=(older, older))
    ignored = export_catalogue(tmp_path / "stale", validated)
    assert [e.finding_codes for e in ignored.entries
            if e.source_file == documents[0].source.file] == [""]


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
        export_catalogue(tmp_path / "curated", _interim(tmp_path / "interim", documents))
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []
    assert "WARNING export clean-up: OSError" in capfd.readouterr().err
    assert not (tmp_path / "curated").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["interim"]
