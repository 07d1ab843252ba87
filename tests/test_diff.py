"""The extraction diff: what a pipeline change did to the curated tables, row by row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import regex

from pipeline import layout
from pipeline.diff import diff_catalogues, run_diff
from pipeline.export import assemble, write_curated
from pipeline.spec import TABLES
from tests.conftest import SAMPLE, run_make, run_stages


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    tables, _ = assemble([run_stages(SAMPLE)], {})
    write_curated(tmp_path / "base", tables)
    return tmp_path / "base"


def _rows_with(folder: Path, char: str) -> dict[str, set[tuple[object, ...]]]:
    """Per table, the keys of rows where a text column contains ``char`` (finding messages
    quote cleaned text, so they follow the policy too)."""
    out: dict[str, set[tuple[object, ...]]] = {}
    for table in TABLES:
        columns = [c.name for c in table.columns if c.dtype == "string"]
        for row in pq.read_table(folder / f"{table.name}.parquet").to_pylist():
            if any(char in (row[c] or "") for c in columns):
                out.setdefault(table.name, set()).add(tuple(row[c] for c in table.primary_key))
    return out


def test_changing_one_normalisation_rule_reports_exactly_the_affected_rows(
    baseline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rule change: treat the enumeration comma 、 as a private-use bullet to remove.
    monkeypatch.setattr(layout, "PRIVATE_USE_BULLETS", layout.PRIVATE_USE_BULLETS + "、")
    monkeypatch.setattr(layout, "PRIVATE_USE_BULLET", regex.compile("[\uf020-\uf0ff、]"))
    tables, entries = assemble([run_stages(SAMPLE)], {})
    assert [e.status for e in entries] == ["converted"]
    write_curated(tmp_path / "new", tables)

    expected = _rows_with(baseline, "、")
    expected.pop("findings")  # removals are counted in new findings, which renumber the others
    assert sum(len(keys) for keys in expected.values()) > 10  # the rule does touch the data
    diffs = {d.table: d for d in diff_catalogues(baseline, tmp_path / "new")}
    changed = {name: {key for key, _fields in d.changed} for name, d in diffs.items()
               if d.changed and name != "findings"}
    assert changed == expected
    assert all(not d.added and not d.removed and not d.schema_changes
               for name, d in diffs.items() if name != "findings")
    counted = {r["where"] for r in pq.read_table(tmp_path / "new" / "findings.parquet").to_pylist()
               if r["code"] == "private-use-removed"}
    assert counted == set(expected)
    # Differences are not a failure unless asked.
    assert run_diff(tmp_path / "new", baseline, "HEAD", tmp_path / "report.md") == 0
    assert run_diff(tmp_path / "new", baseline, "HEAD", None, fail_on_change=True) == 1
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    # Every changed field with its old and new value.
    p114 = next(line for line in report.splitlines()
                if line.startswith("| changed | RTM1324-002v4 / P1.1.4 |"))
    old, new = p114.strip("| ").split(" | ")[4:6]
    assert "、" in old and "、" not in new and old.replace("、", "") == new
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<del>、</del>" in page


def test_identical_build_exits_zero(baseline: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    tables, _ = assemble([run_stages(SAMPLE)], {})
    write_curated(tmp_path / "again", tables)
    assert run_diff(tmp_path / "again", baseline, "HEAD", None) == 0
    assert capsys.readouterr().out.startswith("identical")


def test_schema_change_and_row_counts_are_reported(baseline: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(baseline, new)
    table = pq.read_table(new / "tasks.parquet")
    pq.write_table(table.drop_columns(["level"]).slice(0, 9), new / "tasks.parquet")
    tasks = next(d for d in diff_catalogues(baseline, new) if d.table == "tasks")
    assert tasks.schema_changes == ["column level removed"]
    assert (tasks.base_rows, tasks.new_rows) == (10, 9)
    assert tasks.removed == [("RTM1324-002v4", "T3.2")]


def test_unreadable_baseline_exits_two(tmp_path: Path, baseline: Path) -> None:
    assert run_diff(baseline, tmp_path / "missing", "HEAD", None) == 2


def test_default_baseline_is_the_committed_curated(tmp_path: Path) -> None:
    """`make diff` with no BASE compares a build with the curated/ committed at git HEAD; here
    the committed raw/ built into a temporary folder, so the working tree's raw/, interim/ and
    curated/ (an analyst's own data) are neither read nor rewritten."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    result = run_make(tmp_path, "diff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical" in result.stdout


def test_keys_are_in_natural_order_and_findings_are_matched_by_content(
        baseline: Path, tmp_path: Path) -> None:
    """`1, 10, 11, 2` sorted as text; one new finding read as `+1 ~12` (every later finding's
    running number moved)."""
    new = tmp_path / "new"
    shutil.copytree(baseline, new)
    findings = pq.read_table(new / "findings.parquet").to_pylist()
    extra = {**findings[0], "code": "numbering-gap", "message": "a new first finding"}
    renumbered = [{**r, "finding_no": r["finding_no"] + 1} for r in findings]
    import pyarrow as pa

    schema = pq.read_schema(new / "findings.parquet")
    pq.write_table(pa.Table.from_pylist([extra, *renumbered], schema=schema),
                   new / "findings.parquet")
    tasks = pq.read_table(new / "tasks.parquet").to_pylist()
    for row in tasks:
        row["name"] += "（新）"
    pq.write_table(pa.Table.from_pylist(tasks, schema=pq.read_schema(new / "tasks.parquet")),
                   new / "tasks.parquet")
    diffs = {d.table: d for d in diff_catalogues(baseline, new)}
    assert (len(diffs["findings"].added), len(diffs["findings"].changed),
            len(diffs["findings"].removed)) == (1, 0, 0)
    assert diffs["findings"].added == [("RTM1324-002v4", "numbering-gap", findings[0]["where"])]
    changed = [key[1] for key, _fields in diffs["tasks"].changed]
    assert changed == sorted(changed, key=lambda c: [int(n) for n in c[1:].split(".")])
    _key, fields = diffs["tasks"].changed[0]
    assert [(f.field, f.old + "（新）" == f.new) for f in fields] == [("name", True)]


def test_make_diff_reports_differences_and_exits_zero_unless_asked(
        tmp_path: Path, baseline: Path) -> None:
    """It ended with `make: *** … Error 1` when it merely found differences."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "T1.3制訂應變管理策略", "T1.3制訂應變與管理策略"), encoding="utf-8")
    found = run_make(tmp_path, "diff")
    assert found.returncode == 0, found.stderr
    assert "tasks: +0 -0 ~1" in found.stdout and "Error" not in found.stderr
    report = (tmp_path / "interim" / "diff-report.md").read_text(encoding="utf-8")
    assert ("| changed | RTM1324-002v4 / T1.3 | 制訂應變與管理策略 | name | 制訂應變管理策略 | "
            "制訂應變與管理策略 |") in report
    assert "<ins>與</ins>" in (tmp_path / "interim" / "diff-report.html").read_text(
        encoding="utf-8")
    assert run_make(tmp_path, "diff", "FAIL_ON_CHANGE=1").returncode != 0
