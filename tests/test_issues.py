"""Regression tests, one per reported bug, each named after it (pdfplumber's test_issues.py).

Issue #15 — one document never takes down the run. Tried as a new user would, with PDFs nobody
wrote a case for, the run itself fell over: a PDF printed by wkhtmltopdf aborted the whole build,
a file added to raw/ while make ran ended the export, and Ctrl-C printed a 40-line traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.snapshot import SNAPSHOT_FILE
from tests.conftest import COMMITTED, REPO, SAMPLE, V5, ctrl_c_as_a_terminal_gives_it
from tests.conftest import run_make as make
from tests.render.bad_inputs import off_page_border_pdf, runaway_pdf


def sample_files(curated: Path) -> dict[str, bytes]:
    """curated/'s table files (the run report aside: it lists every file of the run)."""
    return {p.name: p.read_bytes() for p in sorted(curated.iterdir())
            if p.is_file() and not p.name.startswith(".")}


def test_issue_15_a_wkhtmltopdf_table_border_running_off_the_page_aborted_the_whole_build(
        tmp_path: Path) -> None:
    """pdfplumber found a table reaching 1,000 pt below the page; ``outside_bbox`` refused it
    with ValueError, the build stopped with a traceback, and nothing was exported — not even
    the sample beside it. The table is now clipped to the page: the PDF is read (here rejected,
    each problem named: its footers fall inside the clipped table) and the sample exported
    exactly."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    (tmp_path / "raw" / "wkhtmltopdf.pdf").write_bytes(off_page_border_pdf())
    result = make(tmp_path)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors and all(line.startswith("ERROR wkhtmltopdf.pdf") for line in errors)
    assert not any("internal-error" in line for line in errors)
    produced, committed = sample_files(tmp_path / "curated"), sample_files(COMMITTED / "curated")
    assert produced == committed


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until ``path`` exists (the build writes its snapshot of raw/ as it starts)."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build did not start"
        time.sleep(0.05)


def _make(tmp: Path, *args: str) -> subprocess.Popen[str]:
    """make in a session of its own, as a terminal runs it (Ctrl-C reaches the whole group)."""
    return subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(REPO), f"RAW={tmp / 'raw'}",
         f"INTERIM={tmp / 'interim'}", f"CURATED={tmp / 'curated'}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=ctrl_c_as_a_terminal_gives_it)


@pytest.fixture
def slow_run(tmp_path: Path) -> Path:
    """raw/ with the sample and a PDF that takes seconds to extract."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    (tmp_path / "raw" / "slow.pdf").write_bytes(runaway_pdf())
    return tmp_path


def test_issue_15_a_file_added_while_make_runs_ended_the_export_with_file_not_found(
        slow_run: Path) -> None:
    """The export listed raw/ again and looked for interim/late.txt/validate.json, which the
    build had never made. Build and export now read one snapshot of raw/, taken as the build
    starts; a file added later waits for the next make, and the run says so in one line."""
    running = _make(slow_run, "DOC_TIME_LIMIT=2")
    _wait_for(slow_run / "interim" / SNAPSHOT_FILE, running)
    shutil.copy(SAMPLE, slow_run / "raw" / "late.txt")
    _out, err = running.communicate(timeout=120)
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if "late.txt" in line] == [
        f"WARNING {slow_run / 'raw'}: added-during-run: 1 file(s) appeared after the run "
        "started and are left for the next make: late.txt"]
    report = (slow_run / "curated" / "_runs" / "run_report.csv").read_text(encoding="utf-8")
    assert "RTM1324-002v4.txt," in report and "late.txt" not in report
    # The next make takes it (the same bytes as the sample: skipped as a duplicate).
    again = make(slow_run, "DOC_TIME_LIMIT=2")
    assert "late.txt," in (slow_run / "curated" / "_runs" / "run_report.csv").read_text("utf-8")
    assert "WARNING late.txt: duplicate-document:" in again.stderr


def test_issue_15_a_file_changed_or_removed_during_the_run_is_that_documents_error(
        tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    shutil.copy(V5, tmp_path / "raw")
    assert make(tmp_path).returncode == 0
    before = sample_files(tmp_path / "curated")
    command = [str(REPO / ".venv" / "bin" / "python"), "-m", "pipeline", "--quiet"]
    paths = ["--raw", str(tmp_path / "raw"), "--interim", str(tmp_path / "interim")]
    subprocess.run([*command, "build", *paths], check=True, cwd=REPO)
    (tmp_path / "raw" / "RTM1324-002v5.txt").write_text("changed", encoding="utf-8")
    (tmp_path / "raw" / SAMPLE.name).unlink()
    export = subprocess.run([*command, "export", *paths, "--curated", str(tmp_path / "curated")],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert export.returncode == 1
    assert export.stderr.splitlines() == [
        f"ERROR {name}: changed-during-run: the file changed or disappeared in raw/ while the "
        "run read it; run make again" for name in (SAMPLE.name, "RTM1324-002v5.txt")]
    changed = {name for name, data in sample_files(tmp_path / "curated").items()
               if data != before[name]}
    assert changed == set()  # both keep their previous rows (the run report is in _runs/)


def test_issue_15_ctrl_c_printed_a_40_line_keyboard_interrupt_traceback(slow_run: Path) -> None:
    running = _make(slow_run)
    _wait_for(slow_run / "interim" / SNAPSHOT_FILE, running)
    time.sleep(0.5)  # into the slow document
    os.killpg(running.pid, signal.SIGINT)
    _out, err = running.communicate(timeout=60)
    lines = err.splitlines()
    assert "Traceback" not in err
    assert lines[0].startswith("interrupted (Ctrl-C): stopped; "), err
    # make's own line about its step ("make[1]:" when the tests run under make).
    assert len(lines) == 2 and re.fullmatch(
        rf"make(\[\d+\])?: \*\*\* \[Makefile:{_build_line()}: {re.escape(str(slow_run))}"
        r"/curated/\.built\] Error 130", lines[1]), lines
    assert sorted(p.name for p in slow_run.iterdir()) == ["interim", "raw"]
    finished = make(slow_run, "DOC_TIME_LIMIT=2")
    assert "ERROR slow.pdf: time-limit: " in finished.stderr
    assert sample_files(slow_run / "curated") == sample_files(COMMITTED / "curated")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_issue_15_sigterm_stops_at_once_with_one_line_and_no_worker_left(
        slow_run: Path, jobs: str) -> None:
    shutil.copy(slow_run / "raw" / "slow.pdf", slow_run / "raw" / "slow2.pdf")
    interim = slow_run / "interim"
    running = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "pipeline", "build", "--raw",
         str(slow_run / "raw"), "--interim", str(interim), "--jobs", jobs],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    _wait_for(interim / SNAPSHOT_FILE, running)
    time.sleep(0.5)
    running.send_signal(signal.SIGTERM)  # to the build alone: its workers must go too
    _out, err = running.communicate(timeout=30)
    assert running.returncode == 143, err
    assert err.startswith("terminated (SIGTERM): stopped; ") and len(err.splitlines()) == 1
    deadline = time.monotonic() + 10  # killed at once; gone as soon as the kernel has them
    while True:
        left = subprocess.run(["pgrep", "-f", f"--interim {interim}"], capture_output=True,
                              text=True, check=False)
        if left.stdout == "" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert left.stdout == ""


def _build_line() -> int:
    """The line of the Makefile's build step (make names it in its own message)."""
    lines = (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if "$(PIPELINE) build" in line)
