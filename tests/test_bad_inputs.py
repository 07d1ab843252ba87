"""Whatever the platform serves: every bad input gets one clear line, nothing good is lost.

Rejected inputs go through one real `make` beside the good sample: each gets exactly one
`ERROR <file>: <code>: <reason>` line and a run-report row, the sample is still converted, and the
run exits non-zero. Inputs that can still be used (a convertible encoding, an encrypted PDF with
no user password) give a WARNING and the same tables as the clean sample.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogue import document_rows
from tests.conftest import REPO, SAMPLE, run_stages
from tests.conftest import run_make as make
from tests.render.bad_inputs import BAD_INPUTS, BadInput, runaway_pdf

REJECTED = [b for b in BAD_INPUTS if b.severity == "error"]
CONVERTED = [b for b in BAD_INPUTS if b.severity == "warning"]
SOURCE_COLUMNS = {"source_file", "source_sha256", "source_format"}


def report_rows(tmp: Path) -> dict[str, dict[str, str]]:
    with (tmp / "curated" / "_runs" / "run_report.csv").open(encoding="utf-8") as handle:
        return {r["source_file"]: r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def rejected_run(tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("bad")
    (tmp / "raw").mkdir()
    shutil.copy(SAMPLE, tmp / "raw")
    for bad in REJECTED:
        (tmp / "raw" / bad.file).write_bytes(bad.make())
    return tmp, make(tmp)


def test_run_with_rejections_exits_non_zero_and_converts_the_rest(
    rejected_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    tmp, result = rejected_run
    assert result.returncode != 0
    assert f"1 document(s) converted, {len(REJECTED)} rejected" in result.stdout
    standards = (tmp / "curated" / "standards.csv").read_text(encoding="utf-8")
    assert "RTM1324-002v4.txt" in standards


@pytest.mark.parametrize("bad", REJECTED, ids=lambda b: b.file)
def test_each_rejected_input_gets_one_specific_error_line(
    rejected_run: tuple[Path, subprocess.CompletedProcess[str]], bad: BadInput
) -> None:
    tmp, result = rejected_run
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"ERROR {bad.file}")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"ERROR {bad.file}") and f": {bad.code}: " in lines[0]
    row = report_rows(tmp)[bad.file]
    # Every error and warning code of the document: its one error, and the sample's warning
    # when it is an edited copy of the sample.
    assert row["status"] == "rejected"
    assert set(row["finding_codes"].split()) - {"description-fuzzy-match"} == {bad.code}
    assert len(row["sha256"]) == 64


def test_good_document_is_reported_converted(
    rejected_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    tmp, _ = rejected_run
    row = report_rows(tmp)["RTM1324-002v4.txt"]
    assert (row["status"], row["standard_code"], row["finding_codes"]) == (
        "converted", "RTM1324-002v4", "description-fuzzy-match")


def test_unsafe_standard_code_writes_nothing_outside_curated(
    rejected_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    tmp, _ = rejected_run
    written = {p.relative_to(tmp).parts[0] for p in tmp.rglob("*") if p.is_file()}
    assert written == {"raw", "interim", "curated"}
    assert not any("passwd" in p.name for p in tmp.rglob("*"))


def test_file_names_never_reach_a_shell(
    rejected_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    tmp, _ = rejected_run
    assert not any(p.name == "PWNED" for p in (*tmp.rglob("*"), *REPO.iterdir()))


@pytest.mark.parametrize("bad", CONVERTED, ids=lambda b: b.file)
def test_usable_input_is_converted_with_a_warning_and_the_same_tables(
    bad: BadInput, sample: object, tmp_path: Path
) -> None:
    path = tmp_path / bad.file
    path.write_bytes(bad.make())
    doc = run_stages(path)
    assert not doc.is_rejected
    assert [(f.code, f.severity) for f in doc.findings if f.code == bad.code] == [
        (bad.code, "warning")]
    got, want = document_rows(doc), document_rows(sample)  # type: ignore[arg-type]
    for name in want:
        if name == "findings":
            continue
        strip = [{k: v for k, v in r.items() if k not in SOURCE_COLUMNS} for r in got[name]]
        expected = [{k: v for k, v in r.items() if k not in SOURCE_COLUMNS} for r in want[name]]
        assert strip == expected, name


def test_convertible_encoding_prints_a_warning_and_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    big5 = next(b for b in CONVERTED if b.file == "big5.txt")
    (tmp_path / "raw" / big5.file).write_bytes(big5.make())
    result = make(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "WARNING big5.txt: encoding-converted: encoding: Big5 (cp950) text converted to UTF-8")
    assert report_rows(tmp_path)["big5.txt"]["status"] == "converted"


def test_same_document_twice_is_converted_once_and_skipped_once(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw" / "RTM1324-002v4.txt")
    shutil.copy(SAMPLE, tmp_path / "raw" / "copy-of-RTM1324-002v4.txt")
    result = make(tmp_path)
    assert result.returncode == 0, result.stderr
    rows = report_rows(tmp_path)
    assert rows["RTM1324-002v4.txt"]["status"] == "converted"
    assert rows["copy-of-RTM1324-002v4.txt"]["status"] == "skipped"
    assert "WARNING copy-of-RTM1324-002v4.txt: duplicate-document:" in result.stderr
    assert (tmp_path / "curated" / "standards.csv").read_text(encoding="utf-8").count(
        "RTM1324-002v4,") == 1


def test_two_different_documents_claiming_one_code_are_both_rejected(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw" / "a.txt")
    assert make(tmp_path).returncode == 0
    before = (tmp_path / "curated" / "indicators.csv").read_bytes()
    (tmp_path / "raw" / "b.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "T1.3制訂應變管理策略", "T1.3制訂應變與管理策略"), encoding="utf-8")  # other tables
    result = make(tmp_path)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert sorted(line.split(":")[0] for line in errors) == ["ERROR a.txt", "ERROR b.txt"]
    assert all("conflicting-standard-code" in line for line in errors)
    # a.txt's previous rows stay as they were until the conflict is resolved.
    assert (tmp_path / "curated" / "indicators.csv").read_bytes() == before


def test_runaway_document_is_stopped_by_the_time_limit(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    (tmp_path / "raw" / "runaway.pdf").write_bytes(runaway_pdf())
    result = make(tmp_path, "DOC_TIME_LIMIT=1")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and errors[0].startswith("ERROR runaway.pdf: time-limit: ")
    assert report_rows(tmp_path)["RTM1324-002v4.txt"]["status"] == "converted"


def test_a_description_continued_on_a_second_profile_row_is_kept_whole(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "之相關作業。\t\t\t\n", "之相關作業。\t\t\t\n\t並協調跨部門資源。\t\t\t\n")
    path = tmp_path / "two-rows.txt"
    path.write_text(text, encoding="utf-8")
    doc = run_stages(path)
    assert doc.tables["standards"][0]["description"].endswith("之相關作業。並協調跨部門資源。")
    assert not doc.is_rejected


def test_a_second_level_in_the_profile_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "基準級別\t5\t\t\t\n", "基準級別\t5\t\t\t\n\t6\t\t\t\n")
    path = tmp_path / "two-levels.txt"
    path.write_text(text, encoding="utf-8")
    doc = run_stages(path)
    assert doc.is_rejected
    assert [f.code for f in doc.findings if f.severity == "error"] == ["unknown-profile-row"]
