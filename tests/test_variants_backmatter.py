"""The back matter (attitudes, 說明與補充事項) where a cold review of the layout variants found
silent guesses: each test is the reviewer's counter-example — the sample or a variant fixture
edited by one line — and what the pipeline must read from it, or report about it.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.records import GridRow, TableSet
from pipeline.sections import parse_attitudes, parse_notes
from tests.conftest import SAMPLE, run_stages


def _edited(source: Path, tmp: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _findings(doc: TableSet, code: str) -> list[tuple[int | None, str]]:
    return [(f.page, f.where) for f in doc.findings if f.code == code]


# ---------------------------------------------------------------- attitudes


def test_code_less_attitudes_without_colon_after_a_description_are_attitudes(
    tmp_path: Path
) -> None:
    """`主動積極` / `持續學習` / `追求卓越` printed alone under the page-7 title: three attitudes
    without a code, not three lines glued to A04's description."""
    path = _edited(SAMPLE, tmp_path, "職能內涵 (A=attitude 態度)\n\nA05",
                   "職能內涵 (A=attitude 態度)\n\n主動積極\n\n持續學習\n\n追求卓越\n\nA05")
    doc = run_stages(path)
    attitudes = doc.tables["attitudes"]
    assert [(a["position"], a["attitude_code"], a["name"], a["description"])
            for a in attitudes[3:7]] == [
        (4, "A04", "團隊意識", "積極參與並支持團隊，能彼此鼓勵共同達成團隊目標。"),
        (5, None, "主動積極", None), (6, None, "持續學習", None), (7, None, "追求卓越", None)]
    assert [a["attitude_code"] for a in attitudes[7:]] == ["A05", "A06", "A07"]
    assert _findings(doc, "attitude-without-code") == [(7, "主動積極"), (7, "持續學習"),
                                                       (7, "追求卓越")]
    assert _findings(doc, "attitude-line-joined") == []


def test_a_code_less_attitude_with_colon_is_not_the_rest_of_the_name_above(
    tmp_path: Path
) -> None:
    """`A07追求卓越` printed without colon or description, then `團隊合作：…`: two attitudes,
    the second without a code — its warning names the other reading (the rest of A07's name)."""
    path = _edited(SAMPLE, tmp_path, "A07追求卓越：", "A07追求卓越\n\n團隊合作：")
    doc = run_stages(path)
    assert [(a["attitude_code"], a["name"], a["description"][:6] if a["description"] else None)
            for a in doc.tables["attitudes"][6:]] == [
        ("A07", "追求卓越", None), (None, "團隊合作", "會為自我設定")]
    [warning] = [f for f in doc.findings if f.code == "attitude-without-code"]
    assert (warning.severity, warning.page, warning.where) == ("warning", 7, "團隊合作")
    assert "rest of A07's name '追求卓越'" in warning.message


def test_an_attitude_description_printed_below_its_name_is_joined_once() -> None:
    rows = (GridRow(6, ("A03謹慎細心",)),
            GridRow(6, ("對於任務的執行過程，能謹慎考量及處理所有細節。",)),
            GridRow(7, ("並持續對其保持高度關注。",)),
            GridRow(7, ("A04團隊意識",)),
            GridRow(7, ("自我管理",)))
    attitudes, findings = parse_attitudes(rows, "X")
    assert [(a["attitude_code"], a["name"], a["description"], a["page_end"])
            for a in attitudes] == [
        ("A03", "謹慎細心",
         "對於任務的執行過程，能謹慎考量及處理所有細節。\n並持續對其保持高度關注。", 7),
        ("A04", "團隊意識", None, 7),
        (None, "自我管理", None, 7)]
    assert [(f.code, f.severity, f.page, f.where) for f in findings] == [
        ("attitude-line-joined", "info", 6, "A03"),
        ("attitude-description-continued", "warning", 7, "A03"),
        ("attitude-without-code", "warning", 7, "自我管理")]


def test_a_name_wrapped_inside_its_cell_stays_one_name() -> None:
    """How a PDF prints a name too long for its cell: one cell, a line break inside it."""
    attitudes, findings = parse_attitudes(
        (GridRow(6, ("A02應對不確\n定性：能在當狀況不明的情況下完成任務。",)),), "X")
    assert [(a["attitude_code"], a["name"]) for a in attitudes] == [("A02", "應對不確\n定性")]
    assert findings == []


# ---------------------------------------------------------------- notes


def test_a_glossary_marker_closing_a_paragraph_is_a_reference_not_an_entry() -> None:
    """`作業手冊。【註3】`: nothing follows the marker, so it is no 【註3】 entry of its own."""
    rows = (GridRow(7, ("其他補充說明：",)),
            GridRow(7, ("【註2】OPERATION：進出口作業程序，詳見業者之作業手冊。【註3】",)),
            GridRow(7, ("【註3】承攬運送：以自己之名義，為他人之計算。",)))
    notes, findings = parse_notes(rows, "X", [], [])
    assert findings == []
    assert [(n["section"], n["position"], n["text"]) for n in notes] == [
        ("glossary", 1, "【註2】OPERATION：進出口作業程序，詳見業者之作業手冊。【註3】"),
        ("glossary", 2, "【註3】承攬運送：以自己之名義，為他人之計算。")]


def test_a_glossary_marker_after_a_sentence_end_followed_by_text_still_starts_an_entry() -> None:
    rows = (GridRow(7, ("其他補充說明：",)),
            GridRow(7, ("【註1】甲：乙。 【註2】丙：丁。",)))
    notes, _ = parse_notes(rows, "X", [], [])
    assert [n["text"] for n in notes] == ["【註1】甲：乙。", "【註2】丙：丁。"]
