"""What a person running the pipeline sees: progress only on a terminal, a closing summary,
--quiet and --verbose, meaningful exit codes."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.progress import show_progress
from tests.conftest import REPO, SAMPLE
from tests.conftest import run_make as _make


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_drawn_on_a_terminal(tmp_path: Path) -> None:
    stream = Terminal()
    show_progress(stream, 2, 8, "doc2.txt", "ok", verbose=False)
    assert stream.getvalue().startswith("\r")
    assert "[######------------------] 2/8 doc2.txt: ok" in stream.getvalue()


def test_progress_bar_is_hidden_when_not_a_terminal(tmp_path: Path) -> None:
    stream = io.StringIO()
    show_progress(stream, 2, 8, "doc2.txt", "ok", verbose=False)
    assert stream.getvalue() == ""


def test_no_bar_for_a_few_documents_and_a_line_each_when_verbose(tmp_path: Path) -> None:
    terminal = Terminal()
    show_progress(terminal, 1, 2, "doc1.txt", "ok", verbose=False)
    assert terminal.getvalue() == ""
    plain = io.StringIO()
    show_progress(plain, 1, 2, "doc1.txt", "ok", verbose=True)
    assert plain.getvalue() == "[1/2] doc1.txt: ok\n"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    return tmp_path


def test_closing_summary_counts_documents_findings_and_names_reports(raw: Path) -> None:
    first = _make(raw)
    assert first.returncode == 0
    lines = first.stdout.strip().splitlines()
    assert lines[-3] == ("curated: 1 document(s) converted, 0 rejected, 0 skipped; 0 of the "
                         f"converted unchanged since the last run → {raw / 'curated'}")
    assert lines[-2] == f"findings in {raw / 'curated' / 'findings.csv'}: 1 warning, 11 info"
    assert lines[-1].startswith("reports: ") and "run_report.csv" in lines[-1]
    (raw / "raw" / "empty.txt").write_bytes(b"")
    second = _make(raw)
    assert second.returncode != 0  # make's own status for a failed step is 2
    assert "1 of the converted unchanged since the last run" in second.stdout
    assert "\r" not in second.stderr  # no progress bar outside a terminal


def test_the_summary_of_a_run_with_a_rejection_agrees_with_its_error_lines(raw: Path) -> None:
    """It said `findings: 0 error` right under an ERROR line (curated/ holds no rejected
    document's errors), and `(their previous rows kept)` when nothing was rejected, or when the
    rejected document was new and had none."""
    (raw / "raw" / "empty.txt").write_bytes(b"")
    result = _make(raw)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == "ERROR empty.txt: empty-file: empty file (0 bytes)"
    lines = result.stdout.strip().splitlines()
    assert lines[-4].startswith("curated: 1 document(s) converted, 1 rejected, 0 skipped;")
    assert lines[-3] == ("rejected: 1 document(s), 1 error(s) (the ERROR lines above); none had "
                         "previous rows in curated/")
    assert "0 error" not in result.stdout and "previous rows kept" not in result.stdout
    report = (raw / "curated" / "_runs" / "run_report.csv").read_text(encoding="utf-8")
    assert "RTM1324-002v4.txt,b5b84d8c" in report
    # The run report lists the document's own finding codes, not only input-level ones.
    assert report.splitlines()[1].endswith(",converted,RTM1324-002v4,description-fuzzy-match")


def test_quiet_prints_no_warning_and_a_big5_copy_is_a_duplicate(raw: Path) -> None:
    """A Big5 copy beside the UTF-8 file gives the same tables: a duplicate, skipped with a
    warning (it was a conflicting-standard-code error for both); QUIET=1 printed that warning."""
    (raw / "raw" / "copy-big5.txt").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("big5"))
    loud = _make(raw)
    assert loud.returncode == 0, loud.stderr
    assert loud.stderr.splitlines() == [
        "WARNING copy-big5.txt: duplicate-document: RTM1324-002v4: the same tables (other "
        "bytes) as RTM1324-002v4.txt; skipped"]
    assert "1 document(s) converted, 0 rejected, 1 skipped" in loud.stdout
    (raw / "curated" / ".built").unlink()
    quiet = _make(raw, "QUIET=1")
    assert quiet.returncode == 0
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_quiet_prints_only_errors_and_verbose_every_document(raw: Path) -> None:
    (raw / "raw" / "empty.txt").write_bytes(b"")
    quiet = _make(raw, "QUIET=1")
    assert quiet.returncode != 0
    assert quiet.stdout.strip() == ""
    assert quiet.stderr.splitlines()[0] == "ERROR empty.txt: empty-file: empty file (0 bytes)"
    shutil.rmtree(raw / "interim")
    verbose = _make(raw, "VERBOSE=1")
    assert "[1/2] RTM1324-002v4.txt: ok (extract" in verbose.stderr
    assert "[2/2] empty.txt: rejected (1 error(s)) (extract" in verbose.stderr
    assert "WARNING RTM1324-002v4.txt p.7: description-fuzzy-match: K02:" in verbose.stderr


def test_bad_usage_exits_two() -> None:
    result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "pipeline", "nope"],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_an_export_stopped_by_a_changing_file_prints_one_error_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline import cli, export

    changing = tmp_path / "interim" / "a.txt" / "validate.json"

    def stopped(*_args: object) -> object:
        raise export.ChangedDuringExport(changing, "rewritten while the catalogue was exported")

    monkeypatch.setattr(export, "export_catalogue", stopped)
    assert cli.main(["export", "--curated", str(tmp_path / "curated"), str(changing)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"ERROR {changing}: changed-during-export: rewritten while the catalogue "
                   "was exported"]


def test_a_finding_that_quotes_a_line_break_is_still_one_line() -> None:
    """Found by the fuzzing campaign: a finding whose place quoted a cell with a line break
    printed an ERROR line and a second line that named no document."""
    from pipeline.progress import finding_line
    from pipeline.records import Finding

    finding = Finding("code-in-item-text", "error", 3, "標\nA02自我管理", "two attitudes?\u2028x")
    line = finding_line("ERROR", "a\r\nb.pdf", finding)
    assert line == ("ERROR a\\r\\nb.pdf p.3: code-in-item-text: 標\\nA02自我管理: two attitudes?"
                    "\\u2028x")
    assert len(line.splitlines()) == 1
