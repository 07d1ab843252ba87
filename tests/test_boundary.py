"""One document never takes down the run: whatever a document raises in a stage of the build, or
when the export reads or writes it, is that document's one ERROR line (its traceback in
interim/<file>/error.log); every other document is exported, the run exits non-zero and curated/
keeps the document's previous rows. Only the run's own failure stops the run, with one line too.
Without the boundary (``contain_failures=False``) the same exception propagates, as a bug should
in the tests.

Faults are injected from here, by patching a stage in this process (the build runs its documents
in-process with one job) or by damaging an interim file; the export runs as the Makefile runs it.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline import cli, records
from pipeline.build import STAGES, DocumentWork, process, stage_file
from pipeline.export import export_catalogue
from pipeline.failures import ERROR_LOG, FAILED_FILE
from pipeline.records import Finding, TableSet
from tests.conftest import REPO, SAMPLE, V5, write_validated

PYTHON = str(REPO / ".venv" / "bin" / "python")
BAD = "bad.txt"
# The module attribute each stage's build step calls, to make it raise for one document.
STAGE_FUNCTIONS = {
    "extract": ("pipeline.extract", "extract_file"),
    "stitch": ("pipeline.stitch", "stitch_document"),
    "parse": ("pipeline.parse", "parse_document"),
    "normalize": ("pipeline.normalize", "normalize_tables"),
    "validate": ("pipeline.validate", "validate_document"),
}


def _file_of(document: Any) -> str:
    return document.name if isinstance(document, Path) else document.source.file


def _failing_for(monkeypatch: pytest.MonkeyPatch, stage: str, fault: Callable[[Any], Any],
                 name: str = BAD) -> None:
    """Make ``stage`` run ``fault`` instead of itself for the document ``name``."""
    import importlib

    module_name, attribute = STAGE_FUNCTIONS[stage]
    module = importlib.import_module(module_name)
    real = getattr(module, attribute)

    def patched(document: Any) -> Any:
        return fault(document) if _file_of(document) == name else real(document)

    monkeypatch.setattr(module, attribute, patched)


def _boom(_document: Any) -> Any:
    raise RuntimeError("boom\nwith a second line")


@pytest.fixture
def run(tmp_path: Path) -> Path:
    """raw/ with the sample and its next version, under the name bad.txt."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    shutil.copy(V5, tmp_path / "raw" / BAD)
    return tmp_path


def build(tmp: Path, *extra: str, contain: bool = True) -> int:
    return cli.main(["--quiet", "build", "--raw", str(tmp / "raw"), "--interim",
                     str(tmp / "interim"), *extra], contain_failures=contain)


def export(tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "pipeline", "--quiet", "export", "--raw",
                           str(tmp / "raw"), "--interim", str(tmp / "interim"), "--curated",
                           str(tmp / "curated")],
                          capture_output=True, text=True, check=False, cwd=REPO)


def curated_lines(tmp: Path, code: str) -> dict[str, list[str]]:
    """A standard's lines in every curated CSV table."""
    return {p.name: [line for line in p.read_text(encoding="utf-8").splitlines()
                     if f"{code}," in line]
            for p in sorted((tmp / "curated").glob("*.csv"))}


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_that_raises_is_that_documents_one_error_line_and_the_run_goes_on(
        run: Path, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    assert build(run) == 0 and export(run).returncode == 0  # both converted
    v5_before = curated_lines(run, "RTM1324-002v5")
    (run / "raw" / BAD).write_bytes((run / "raw" / BAD).read_bytes() + b"\n")  # edited
    _failing_for(monkeypatch, stage, _boom)
    assert build(run) == 0
    result = export(run)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"ERROR {BAD}: internal-error: RuntimeError: boom with a second line"]
    folder = run / "interim" / BAD
    log = (folder / ERROR_LOG).read_text(encoding="utf-8")
    assert f"{BAD}: failed in {stage}" in log and "Traceback" in log and "RuntimeError" in log
    assert not any(stage_file(run / "interim", Path(BAD), s).exists()
                   for s in STAGES[STAGES.index(stage):])
    # The other document exported, the failed one's previous rows kept.
    assert '"RTM1324-002v4.txt"' not in result.stderr
    assert curated_lines(run, "RTM1324-002v5") == v5_before
    # Fixed: the next run tries the failed stage again, and the failure is over.
    monkeypatch.undo()
    assert build(run) == 0 and export(run).returncode == 0
    assert not (folder / ERROR_LOG).exists() and not (folder / FAILED_FILE).exists()


def test_without_the_boundary_a_stage_that_raises_propagates(
        run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_for(monkeypatch, "parse", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        build(run, contain=False)
    work = DocumentWork(run / "raw" / BAD, ("extract", "stitch", "parse"))
    with pytest.raises(RuntimeError, match="boom"):
        process(work, run / "interim", 60)


def test_a_document_past_its_time_limit_in_any_stage_is_rejected_with_time_limit(
        run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(document: Any) -> Any:
        time.sleep(60)

    _failing_for(monkeypatch, "stitch", slow)
    started = time.monotonic()
    assert build(run, "--time-limit", "1") == 0
    assert time.monotonic() - started < 30  # stopped after its 1 s, not after the 60 s
    result = export(run)
    assert result.stderr.splitlines() == [
        f"ERROR {BAD}: time-limit: processing took longer than the 1 s limit per document "
        "(raise it with DOC_TIME_LIMIT=seconds)"]


def test_a_stage_result_that_cannot_be_written_as_json_is_the_documents_error(
        run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone surrogate (a ToUnicode map pointing at U+D800) cannot be written as UTF-8: that
    is the document's failure, not the run's (a full disk is the run's)."""
    from pipeline.parse import parse_document

    def surrogate(document: Any) -> Any:
        doc = parse_document(document)
        standards = [{**doc.tables["standards"][0], "name": "\ud800"}]
        return TableSet(doc.source, {**doc.tables, "standards": standards}, doc.findings)

    _failing_for(monkeypatch, "parse", surrogate)
    assert build(run) == 0
    line, = export(run).stderr.splitlines()
    assert line.startswith(f"ERROR {BAD}: internal-error: UnicodeEncodeError: ")
    assert "\\ud800" in line


def test_a_file_removed_from_raw_while_the_build_runs_is_that_documents_error(
        run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import snapshot

    take = snapshot.take_snapshot

    def then_removed(raw: Path) -> snapshot.Snapshot:
        taken = take(raw)
        (raw / BAD).unlink()  # right after the run listed it
        return taken

    monkeypatch.setattr(snapshot, "take_snapshot", then_removed)
    assert build(run) == 0
    monkeypatch.undo()
    result = export(run)
    assert result.returncode == 1
    line, = result.stderr.splitlines()
    assert line.startswith(f"ERROR {BAD}: changed-during-run: the file changed or disappeared "
                           "in raw/ while the run read it")
    assert "FileNotFoundError" in (run / "interim" / BAD / ERROR_LOG).read_text("utf-8")


def test_a_validate_json_the_export_cannot_read_is_that_documents_error(run: Path) -> None:
    assert build(run) == 0 and export(run).returncode == 0
    v5_before = curated_lines(run, "RTM1324-002v5")
    validated = stage_file(run / "interim", Path(BAD), "validate")
    validated.write_text('{"source": ', encoding="utf-8")  # cut off
    result = export(run)
    assert result.returncode == 1
    line, = result.stderr.splitlines()
    assert line.startswith(f"ERROR {BAD}: internal-error: JSONDecodeError: ")
    assert curated_lines(run, "RTM1324-002v5") == v5_before
    assert "Traceback" in (validated.parent / ERROR_LOG).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def two_documents() -> list[TableSet]:
    from tests.conftest import run_stages

    return [run_stages(SAMPLE), run_stages(V5)]


def test_a_document_that_fails_while_its_rows_are_read_is_set_aside_and_the_rest_exported(
        tmp_path: Path, two_documents: list[TableSet], monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan read the document's summary; reading its rows raises (a disk error, here
    injected): the export starts again without it."""
    validated = write_validated(tmp_path / "interim", two_documents)
    read_json = records.read_json
    reads = []

    def failing(path: Path) -> dict[str, Any]:
        reads.append(path)
        if path == validated[1] and reads.count(path) > 1:
            raise OSError(5, "Input/output error (simulated)")
        return read_json(path)

    monkeypatch.setattr(records, "read_json", failing)
    with pytest.raises(OSError, match="simulated"):
        export_catalogue(tmp_path / "strict", validated)
    reads.clear()
    result = export_catalogue(tmp_path / "curated", validated, contain_failures=True)
    statuses = {e.source_file: e.status for e in result.entries}
    assert statuses == {"RTM1324-002v4.txt": "converted", "RTM1324-002v5.txt": "rejected"}
    assert [e.finding_codes for e in result.entries if e.status == "rejected"] == [
        "internal-error"]
    assert "RTM1324-002v4," in (tmp_path / "curated" / "standards.csv").read_text("utf-8")
    assert "Input/output error" in (validated[1].parent / ERROR_LOG).read_text("utf-8")


def test_a_document_a_writer_refuses_is_rejected_and_the_rest_exported(
        tmp_path: Path, two_documents: list[TableSet], capfd: pytest.CaptureFixture[str]
) -> None:
    """U+FFFF passes validation but XML cannot hold it: the workbook's forked child refused the
    whole export. The document whose rows a writer refuses is now found and set aside."""
    v5 = two_documents[1]
    tasks = [{**row, "name": row["name"] + "\uffff"} for row in v5.tables["tasks"]]
    odd = dataclasses.replace(v5, tables={**v5.tables, "tasks": tasks})
    validated = write_validated(tmp_path / "interim", [two_documents[0], odd])
    with pytest.raises(Exception, match="XML cannot hold"):
        export_catalogue(tmp_path / "strict", validated)
    result = export_catalogue(tmp_path / "curated", validated, contain_failures=True)
    rejected, = (e for e in result.entries if e.status == "rejected")
    assert rejected.source_file == "RTM1324-002v5.txt"
    assert rejected.findings[0].message.startswith("ValueError: name: '\\uffff' is a character")
    assert (tmp_path / "curated" / "icap.xlsx").exists()
    assert "Traceback" not in capfd.readouterr().err  # the child reports through the parent


def test_a_failure_of_the_run_itself_stops_it_with_one_line(run: Path) -> None:
    assert build(run) == 0
    blocker = run / "not-a-folder"
    blocker.write_text("a file where curated/'s parent should be")
    result = subprocess.run(
        [PYTHON, "-m", "pipeline", "export", "--raw", str(run / "raw"), "--interim",
         str(run / "interim"), "--curated", str(blocker / "curated")],
        capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 3
    line, = result.stderr.splitlines()
    assert line.startswith("ERROR export: run-failed: NotADirectoryError: ")
    assert line.endswith(f"(traceback in {run / 'interim' / 'run-error.log'})")
    assert "Traceback" in (run / "interim" / "run-error.log").read_text(encoding="utf-8")


def test_a_build_whose_interim_cannot_be_written_stops_with_one_line(run: Path) -> None:
    blocker = run / "not-a-folder"
    blocker.write_text("")
    result = subprocess.run(
        [PYTHON, "-m", "pipeline", "build", "--raw", str(run / "raw"), "--interim",
         str(blocker / "interim")], capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"ERROR build: run-failed: NotADirectoryError: [Errno 20] Not a directory: "
        f"'{blocker / 'interim'}'"]


def test_a_document_that_is_no_standard_at_all_is_one_error_line(tmp_path: Path) -> None:
    """A rotated or foreign PDF, a text in an unknown code page: one line saying it is no
    competency standard (and where its other errors are), not one per line it could not place."""
    from pipeline.progress import errors_to_print

    findings = tuple(Finding("uncovered-text", "error", 1, f"line {n}", "text") for n in (1, 2))
    findings += (Finding("not-a-standard", "error", None, "document", "not a standard"),)
    shown = errors_to_print(findings, Path("interim/x.txt/validate.json"))
    assert [(f.code, f.message) for f in shown] == [
        ("not-a-standard", "not a standard; 2 other error(s) in interim/x.txt/validate.json")]
    assert errors_to_print(findings[:2], Path("v.json")) == list(findings[:2])


def test_pdfminer_repairs_are_not_printed(tmp_path: Path) -> None:
    """A damaged PDF made pdfminer log each repair ("Invalid CropBox in /Page, …") on stderr,
    lines in no format a run prints."""
    from tests.fuzz.pdf import parse, set_entry

    pdf = parse((REPO / "tests" / "fixtures" / "lo" / "corpus-01.pdf").read_bytes())
    for page in pdf.pages():
        page.set_dictionary(set_entry(page.dictionary(), b"CropBox", b"[/a /b /c /d]"))
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "damaged.pdf").write_bytes(pdf.to_bytes())
    assert build(tmp_path) == 0
    result = export(tmp_path)
    assert all(line.startswith(("ERROR ", "WARNING ")) for line in result.stderr.splitlines())
    done = subprocess.run([PYTHON, "-m", "pipeline", "--quiet", "build", "--raw",
                           str(tmp_path / "raw"), "--interim", str(tmp_path / "again")],
                          capture_output=True, text=True, check=False, cwd=REPO)
    assert done.stderr == ""


if sys.platform != "linux":  # pragma: no cover
    pytest.skip("the export's child and the pool are Linux processes", allow_module_level=True)
