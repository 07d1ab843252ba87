"""Regression tests, one per reported bug, each named after it (pdfplumber's test_issues.py).

Issue #15 — one document never takes down the run. Tried as a new user would, with PDFs nobody
wrote a case for, the run itself fell over: a PDF printed by wkhtmltopdf aborted the whole build,
a file added to raw/ while make ran ended the export, and Ctrl-C printed a 40-line traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO, SAMPLE
from tests.conftest import run_make as make
from tests.render.bad_inputs import off_page_border_pdf


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
    produced, committed = sample_files(tmp_path / "curated"), sample_files(REPO / "curated")
    assert produced == committed
