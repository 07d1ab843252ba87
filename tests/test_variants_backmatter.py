"""The back matter (attitudes, 說明與補充事項) where a cold review of the layout variants found
silent guesses: each test is the reviewer's counter-example — the sample or a variant fixture
edited by one line — and what the pipeline must read from it, or report about it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import pdf_text
from pipeline.attitudes import parse_attitudes
from pipeline.extract import extract_file
from pipeline.records import GridRow, TableSet
from pipeline.sections import parse_notes
from tests.conftest import SAMPLE, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import as_free_text, sample_layout
from tests.test_variants_codes import FIXTURES


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


def test_a_names_only_section_reads_a_punctuated_line_as_the_next_name() -> None:
    """Code-less names one a row, then `自我管理（學習力/抗壓/職業道德）`: punctuation does not
    make it the description of `解決問題能力` — the section prints names only. Regression: a
    fresh seed (layouts 9/239) exported it as that description with an info finding alone
    (layout-regressions/attitude-names-one-a-row-with-a-punctuated-name)."""
    names = ("工作熱忱", "解決問題能力", "自我管理（學習力/抗壓/職業道德）", "文化思維")
    attitudes, findings = parse_attitudes(tuple(GridRow(2, (n,)) for n in names), "X")
    assert [(a["attitude_code"], a["name"], a["description"]) for a in attitudes] == [
        (None, name, None) for name in names]
    assert [f.code for f in findings] == ["attitude-without-code"] * 4


def test_a_line_below_a_lone_code_less_name_is_its_description_with_a_warning() -> None:
    """One code-less name so far: the line below may be its description or the next name;
    read as the description, and never below a warning (the reading is not certain)."""
    attitudes, findings = parse_attitudes(
        (GridRow(2, ("工作熱忱",)), GridRow(2, ("自我管理（學習力/抗壓/職業道德）",))), "X")
    assert [(a["name"], a["description"]) for a in attitudes] == [
        ("工作熱忱", "自我管理（學習力/抗壓/職業道德）")]
    assert [(f.code, f.severity) for f in findings] == [
        ("attitude-without-code", "warning"), ("attitude-description-or-name", "warning")]


def test_a_coded_name_cut_by_a_page_break_gets_its_rest_from_the_next_page() -> None:
    """`…、A08追` at a page's foot, `求卓越` at the next page's top: in a section whose attitudes
    all carry codes, the code-less line is the name's rest, with a warning naming the other
    reading. Regression: a fresh seed (layouts 10/377) exported `追` and an attitude `求卓越`
    with nothing located at either
    (layout-regressions/attitude-name-cut-by-a-page-break-in-a-one-line-list)."""
    rows = (GridRow(8, ("A01主動積極、A02正直誠信、A03追",)), GridRow(9, ("求卓越",)))
    attitudes, findings = parse_attitudes(rows, "X")
    assert [(a["attitude_code"], a["name"], a["page_start"], a["page_end"])
            for a in attitudes] == [("A01", "主動積極", 8, 8), ("A02", "正直誠信", 8, 8),
                                    ("A03", "追\n求卓越", 8, 9)]
    assert [(f.code, f.severity, f.where) for f in findings] == [
        ("attitudes-on-one-line", "info", "A01主動積極"),
        ("attitude-name-continued", "warning", "A03")]


@pytest.mark.parametrize("rows", [
    # The same page: no page break cut the name.
    (GridRow(8, ("A01主動積極、A02追",)), GridRow(8, ("求卓越",))),
    # The list ended with its separator: the next line is a new item.
    (GridRow(8, ("A01主動積極、A02正直誠信、",)), GridRow(9, ("求卓越",))),
    # A code-less attitude above: the section does not code every attitude.
    (GridRow(8, ("主動積極",)), GridRow(8, ("A02正直",)), GridRow(9, ("求卓越",))),
])
def test_a_code_less_line_is_a_name_s_rest_only_across_a_page_break_in_a_coded_list(
        rows: tuple[GridRow, ...]) -> None:
    attitudes, findings = parse_attitudes(rows, "X")
    assert attitudes[-1]["name"] == "求卓越"
    assert "attitude-name-continued" not in [f.code for f in findings]


def test_a_hyphen_mark_glued_to_an_attitude_code_is_a_mark() -> None:
    """`- A06…` and `-A07…` (the gap too narrow for pdfplumber to read a space): both marked
    items with their codes. Regression: a fresh seed (layouts 11/492) exported A07 without its
    code, the name `-A07團隊意識`, with no finding on the code
    (layout-regressions/hyphen-mark-glued-to-an-attitude-code)."""
    rows = (GridRow(4, ("- A06謹慎細心：對於任務的執行過程。",)),
            GridRow(4, ("-A07團隊意識：積極參與並支持團隊。",)))
    attitudes, findings = parse_attitudes(rows, "X")
    assert [(a["attitude_code"], a["name"]) for a in attitudes] == [
        ("A06", "謹慎細心"), ("A07", "團隊意識")]
    assert findings == []


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


# ---------------------------------------------------------------- free text


def test_a_free_text_paragraph_whose_last_line_fills_the_width_keeps_the_next_apart(
    tmp_path: Path
) -> None:
    """K02's paragraph lengthened so that its last line ends at the right edge: K03's paragraph
    below it starts with K03's name, so it is K03's explanation, not the rest of K02's."""
    source = _edited(FIXTURES / "notes-glossary.txt", tmp_path, "的定義、目的和用途。",
                     "的定義、目的和用途甲甲。")
    pdf = tmp_path / "notes-glossary-free-text.pdf"
    pdf.write_bytes(render_fast(as_free_text(sample_layout(extract_file(source)))))
    doc = run_stages(pdf)
    assert not doc.is_rejected
    supplementary = [n for n in doc.tables["notes"] if n["section"] == "supplementary"]
    assert [n["refers_to"] for n in supplementary] == ["K01", "K02", "K03", "K04", "S03", None]
    assert supplementary[1]["text"].endswith("的定義、目的和用途甲甲。")
    descriptions = {k["knowledge_code"]: k["description"] for k in doc.tables["knowledge"]}
    assert descriptions["K02"].endswith("甲甲。")
    assert descriptions["K03"].startswith("包括客戶服務規範")


def test_a_wrapped_line_is_read_by_its_content_and_every_doubt_is_reported() -> None:
    names = {"國際運送承攬業管理程序與規範"}
    full = "…的定義、目的和用途。"
    # Titled with an item's name: a paragraph of its own, certainly.
    assert pdf_text.read_wrap(full, "國際運送承攬業管理程序與規範：包括", names) == (False, None)
    # A sentence ended and a title opens the line: a new paragraph, reported.
    joins, doubt = pdf_text.read_wrap(full, "國際貿易與商業的程序與規範：包括", names)
    assert not joins and doubt is not None
    # A sentence ended, no title: joined, reported.
    joins, doubt = pdf_text.read_wrap(full, "並依國際慣例辦理", names)
    assert joins and doubt is not None
    # Mid-sentence, but the line opens like a title: joined, reported.
    joins, doubt = pdf_text.read_wrap("…包括國際運輸法、", "海事行政法：船舶法規", names)
    assert joins and doubt is not None
    # Mid-sentence, plain text: joined, certainly.
    assert pdf_text.read_wrap("…包括國際運輸法、", "海事行政法、船舶法規", names) == (True, None)


def test_an_uncertain_free_text_join_is_a_located_finding() -> None:
    state = pdf_text.Sections(current="notes")
    pdf_text.read_line("規劃與組織能力：包括規劃與安排運送承攬服務時。", 7, state)
    pdf_text.read_line("並依國際慣例辦理。", 7, state, wraps=True)
    assert state.notes == [GridRow(7, ("規劃與組織能力：包括規劃與安排運送承攬服務時。\n"
                                       "並依國際慣例辦理。",))]
    # A reading that could be wrong is a warning, never below (the severity policy, #13).
    assert [(f.code, f.severity, f.page, f.where) for f in state.findings] == [
        ("free-text-wrap-joined", "warning", 7, "notes")]


def test_a_description_a_page_break_moved_below_its_name_is_still_the_description() -> None:
    """`A02謹慎細心` at a page's foot, its description on the next page: a section that gives
    descriptions reads the line as the description, not as the rest of the name (a cold review
    found the page-break rule taking it for the name's rest)."""
    rows = (GridRow(5, ("A01團隊合作",)), GridRow(5, ("能與他人合作完成工作任務。",)),
            GridRow(5, ("A02謹慎細心",)), GridRow(6, ("對於任務的執行過程，能謹慎考量每個細節。",)))
    attitudes, findings = parse_attitudes(rows, "X")
    assert [(a["attitude_code"], a["name"], a["description"]) for a in attitudes] == [
        ("A01", "團隊合作", "能與他人合作完成工作任務。"),
        ("A02", "謹慎細心", "對於任務的執行過程，能謹慎考量每個細節。")]
    assert "attitude-name-continued" not in [f.code for f in findings]
