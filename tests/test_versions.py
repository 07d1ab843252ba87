"""Versions of one standard in one catalogue: latest flag, cross-checks, row-level changes.

`tests/fixtures/versions/RTM1324-002v5.txt` is a copy of the sample's text export edited the way a
new version would be: a renamed task, a reworded indicator, a removed and an added indicator, a K
item added to one task, a renumbered task, a changed level, a new version-table row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.export import assemble
from pipeline.report_html import marked_pair
from pipeline.versions import compare_versions, pair_items, split_by_standard
from tests.conftest import SAMPLE, V5, run_stages

# (entity, key, change, field, old, new): what the edits above must produce, and nothing else.
EXPECTED_V4_TO_V5 = {
    ("version", "RTM1324-002v5", "added", None, None, None),
    ("version", "RTM1324-002v4", "changed", "status", "最新版本", "歷史版本"),
    ("version", "RTM1324-002v4", "changed", "note", "略", "已被《RTM1324-002v5》取代"),
    ("task", "T2.1", "changed", "name", "評估國際貨運運輸的安全風險",
     "評估國際貨運運輸的安全與保全風險"),
    ("task", "T2.1", "changed", "level", "5", "4"),
    ("task", "T3.3", "renumbered", "code", "T3.2", "T3.3"),
    ("indicator", "P2.3.1", "changed", "text", "確認實施的優先順序，並告知各階層工作場域人員。",
     "確認實施的優先順序，並通知各階層工作場域人員。"),
    ("indicator", "P2.3.4", "removed", None, None, None),
    ("indicator", "P3.1.4", "added", None, None, None),
    ("indicator", "P3.3.1", "renumbered", "code", "P3.2.1", "P3.3.1"),
    ("indicator", "P3.3.2", "renumbered", "code", "P3.2.2", "P3.3.2"),
    ("indicator", "P3.3.3", "renumbered", "code", "P3.2.3", "P3.3.3"),
    ("task_knowledge", "T2.2/K06", "added", None, None, None),
}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def catalogue(two_versions: Path) -> Path:
    return two_versions / "curated"


def test_version_changes_lists_exactly_the_edits(catalogue: Path) -> None:
    rows = _csv(catalogue / "version_changes.csv")
    assert {(r["from_code"], r["to_code"], r["standard_id"]) for r in rows} == {
        ("RTM1324-002v4", "RTM1324-002v5", "RTM1324-002")}
    got = {(r["entity"], r["key"], r["change"], r["field"] or None, r["old_value"] or None,
            r["new_value"] or None) for r in rows}
    assert got == EXPECTED_V4_TO_V5
    assert len(rows) == len(EXPECTED_V4_TO_V5)
    assert [r["change_no"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]


def test_latest_version_is_marked(catalogue: Path) -> None:
    latest = {r["standard_code"]: r["is_latest"] for r in _csv(catalogue / "standards.csv")}
    assert latest == {"RTM1324-002v4": "false", "RTM1324-002v5": "true"}


def test_readable_report_per_version_pair(catalogue: Path) -> None:
    """Every change with its code, name and old → new text: a removed or renumbered item is
    named (`skill S14 removed` said nothing; `S12 renumbered S13→S12` beside `S12 removed`
    could not be told apart)."""
    report = (catalogue / "reports" / "RTM1324-002v4__RTM1324-002v5.md").read_text(
        encoding="utf-8")
    assert report.startswith("# RTM1324-002: RTM1324-002v4 → RTM1324-002v5")
    assert "| indicator | 1 | 1 | 1 | 3 |" in report  # added, removed, changed, renumbered
    assert ("| changed | T2.1 | 評估國際貨運運輸的安全與保全風險 | name | "
            "評估國際貨運運輸的安全風險 | 評估國際貨運運輸的安全與保全風險 |") in report
    assert "| removed | P2.3.4 | 確認在國際貨運運輸的責任期間，已完成妥善之風險規劃。 |" in report
    assert "| added | P3.1.4 | 定期檢討客戶服務政策之執行成效。 |" in report
    assert "| renumbered | T3.2 → T3.3 | 督導與管理團隊客戶諮詢服務 |" in report
    assert "| added | T2.2/K06 | 國際運送承攬業人力資源管理 |" in report
    rows = _csv(catalogue / "version_changes.csv")
    assert {r["key"]: r["name"] for r in rows if r["change"] == "removed"} == {
        "P2.3.4": "確認在國際貨運運輸的責任期間，已完成妥善之風險規劃。"}


def test_the_report_is_also_a_web_page_with_each_change_marked_in_the_text(
        catalogue: Path) -> None:
    page = (catalogue / "reports" / "RTM1324-002v4__RTM1324-002v5.html").read_text(
        encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert ("<td>評估國際貨運運輸的安全風險</td>"
            "<td>評估國際貨運運輸的安全<ins>與保全</ins>風險</td>") in page
    assert "並<del>告</del>知各階層" in page and "並<ins>通</ins>知各階層" in page
    assert "T3.2 → T3.3" in page
    assert "http" not in page and "<script" not in page  # self-contained


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("the big cat", "the small cat", ("the <del>big</del> cat", "the <ins>small</ins> cat")),
    ("K04 a<b", "K04 a<c", ("K04 a&lt;<del>b</del>", "K04 a&lt;<ins>c</ins>")),
    ("安全風險", "安全與保障風險", ("安全風險", "安全<ins>與保障</ins>風險")),
    (None, "新", ("", "新")),
])
def test_a_changed_text_is_marked_by_word_and_by_character(
        old: str | None, new: str | None, expected: tuple[str, str]) -> None:
    assert marked_pair(old, new) == expected


def test_codes_are_compared_in_natural_order() -> None:
    """Changes come in code order, K2 before K10 (text order put K10 first)."""
    old = {f"K{n}": {"name": f"舊{n}"} for n in (1, 2, 10)}
    new = {f"K{n}": {"name": f"完全不同{n}"} for n in (1, 2, 10, 11)}
    assert [p[1] for p in pair_items(old, new, "name")] == ["K1", "K2", "K10", "K11"]


def test_version_tables_that_agree_raise_no_cross_check_finding(catalogue: Path) -> None:
    codes = {r["code"] for r in _csv(catalogue / "findings.csv")}
    assert not codes & {"version-table-disagrees", "version-missing-from-table"}


def test_a_date_the_older_document_does_not_show_is_a_finding(tmp_path: Path) -> None:
    v5 = V5.read_text(encoding="utf-8").replace(
        "已被《RTM1324-002v5》取代\t2025/12/15", "已被《RTM1324-002v5》取代\t2025/12/01")
    path = tmp_path / "RTM1324-002v5.txt"
    path.write_text(v5, encoding="utf-8")
    tables, _ = assemble([run_stages(SAMPLE), run_stages(path)], {})
    found = [(f["standard_code"], f["code"], f["where"]) for f in tables["findings"]
             if f["code"] == "version-table-disagrees"]
    assert found == [("RTM1324-002v5", "version-table-disagrees", "versions:RTM1324-002v4")]
    message = next(f["message"] for f in tables["findings"]
                   if f["code"] == "version-table-disagrees")
    assert "2025-12-01" in message and "2025-12-15" in message


def test_renumbering_is_not_reported_as_a_removal_plus_an_addition() -> None:
    old = {"T3.2": {"name": "督導與管理團隊客戶諮詢服務"}, "T3.1": {"name": "規劃團隊客戶服務政策"}}
    new = {"T3.3": {"name": "督導與管理團隊客戶諮詢服務"}, "T3.1": {"name": "規劃團隊客戶服務政策"}}
    assert sorted(pair_items(old, new, "name"), key=str) == sorted(
        [("T3.1", "T3.1"), ("T3.2", "T3.3")], key=str)


def test_a_rewritten_item_under_the_same_code_is_changed_not_renumbered() -> None:
    old = {"T1.1": {"name": "甲乙丙丁"}}
    new = {"T1.1": {"name": "完全不同的工作"}, "T1.2": {"name": "另一項"}}
    assert pair_items(old, new, "name") == [("T1.1", "T1.1"), (None, "T1.2")]


def test_identical_versions_have_no_changes() -> None:
    tables, _ = assemble([run_stages(SAMPLE)], {})
    doc = split_by_standard(tables)["RTM1324-002v4"]
    assert compare_versions(doc, doc) == []
