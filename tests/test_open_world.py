"""Prints nobody tuned the parser for (issue #13): layout words in any width, punctuation or
spacing, headers over several rows, titles and labels where real standards print them, and
unusual but unambiguous content read with a warning rather than rejected.

The printed forms below are written out as a person would see them on a page (several are quoted
from the public parsers' notes on real PDFs), never taken from ``pipeline.layout``: a test that
fed the parser its own constants would prove nothing about real documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import headers, layout
from pipeline.extract import extract_file
from pipeline.records import GridRow, Source
from pipeline.sections import parse_notes, parse_profile
from tests.conftest import SAMPLE, run_stages

ROLES = ("duty", "task", "output", "indicator", "level", "knowledge", "skill")


@pytest.mark.parametrize(("printed", "template"), [
    ("職能內涵（A=attitude態度）", "職能內涵 (A=attitude 態度)"),
    ("職能內涵\n(A=attitude\n態度)", "職能內涵 (A=attitude 態度)"),
    ("說 明 與 補 充 事 項：", "說明與補充事項"),
    ("職能內涵（Ｋ＝ｋｎｏｗｌｅｄｇｅ　知識）", "職能內涵 (K=knowledge 知識)"),
    ("\uf0b7 ⼯作任務", "工作任務"),  # a bullet and a Kangxi radical 工 (U+2F2F)
])
def test_a_layout_word_folds_alike_in_any_width_punctuation_or_spacing(printed: str,
                                                                       template: str) -> None:
    assert layout.fold(printed) == layout.fold(template)


def test_folding_is_for_recognition_only_data_keeps_its_punctuation(sample) -> None:  # type: ignore[no-untyped-def]
    """The sample's indicators keep their full-width ， and 。: no stage folds data."""
    texts = [r["text"] for r in sample.tables["indicators"]]
    assert any("，" in t for t in texts) and all("," not in t for t in texts)


FULL_WIDTH_HEADER = ["主要職責", "工作任務", "工作產出", "行為指標", "職能級別",
                     "職能內涵（K=knowledge知識）", "職能內涵（S=skills技能）"]


@pytest.mark.parametrize(("rows", "header_rows"), [
    # The official header, full-width parentheses and no spaces.
    ([FULL_WIDTH_HEADER], 1),
    # A narrow level column wraps its word one character a line, the last one in row two.
    ([["主要職責", "工作任務", "工作產出", "行為指標", "職\n能\n級", "職能內涵", None],
      [None, None, None, None, "別", "（K=knowledge\n知識）", "（S=skills\n技能）"]], 2),
    # Three rows: 職能內涵 spanned, then the letter, then the word.
    ([["主要職責", "工作任務", "工作產出", "行為指標", "職能", "職能內涵", None],
      [None, None, None, None, "級", "(K=knowledge", "(S=skills"],
      [None, None, None, None, "別", "知識)", "技能)"]], 3),
    # The end of a header word pushed into the row below the header.
    ([[*FULL_WIDTH_HEADER[:4], "職能", *FULL_WIDTH_HEADER[5:]],
      [None, None, None, None, "級別", None, None]], 2),
    # A spilled word below a header already whole.
    ([FULL_WIDTH_HEADER, ["", "", "", "", "級別", "", ""]], 2),
    # A narrow column's word cut short by a repeated three-row header (`工\n作\n產`, its `出`
    # pushed into the first body row): all three rows, the third not read as body text
    # (layouts 19/32, layout-regressions/main-header-word-cut-over-a-third-header-row).
    ([["工作職責", "工作任務", "工\n作\n產", "行為指標", "職能", "職能內涵", None],
      [None, None, None, None, "級別", "知識", "技能"],
      [None, None, None, None, None, "K=knowledge", "S=skills"]], 3),
    # The same header's last row printed alone at the next page's top (not repeated, 21/94):
    # read under the rows above it, it still names every column whole, one row more.
    ([["主要職責", "工作任務", "工作產\n出", "行為指標", "級\n別", "職能內涵", None],
      [None, None, None, None, None, "K=knowledge", "S=skills"],
      ["", "", "", "", "", "知識", "技能"]], 3),
    # 職業內涵: a misprint real standards carry.
    ([[*FULL_WIDTH_HEADER[:5], "職業內涵 (K=knowledge 知識)", "職業內涵 (S=skills 技能)"]], 1),
])
def test_a_header_over_one_to_three_rows_names_every_column(
        rows: list[list[str | None]], header_rows: int) -> None:
    header = headers.classify_header(*rows, ["T1.1管理", "", "", "P1.1.1領導", "5", "K01", "S01"])
    assert header is not None and (header.kind, header.rows) == ("main", header_rows)
    assert tuple(r for r in header.columns if r is not None) == ROLES


def test_a_body_row_is_never_read_as_part_of_the_header() -> None:
    header = headers.classify_header(FULL_WIDTH_HEADER,
                                    ["", "", "", "", "3", "", ""])  # a level alone: body
    assert header is not None and header.rows == 1


@pytest.mark.parametrize(("line", "section"), [
    ("職能內涵（A=attitude態度）", "attitudes"),
    ("職能內涵 (A=attitude 態度)：", "attitudes"),
    ("職業內涵（A=attitude態度）", "attitudes"),
    ("說明與補充事項", "notes"),
    ("說 明 與 補 充 事 項", "notes"),
    ("說明與補充", "notes"),
    ("A01主動積極：不需他人指示", None),
])
def test_section_titles_are_recognised_in_any_print(line: str, section: str | None) -> None:
    assert layout.section_of_title(line) == section


@pytest.mark.parametrize(("line", "page"), [
    ("第 3 頁，總共 11 頁", "3"), ("第3頁，共11頁", "3"), ("第 3 頁 / 共 11 頁", "3"),
    # The page numbers drawn as a field apart from the words.
    ("第 頁，總共 頁", ""),
])
def test_a_footer_is_read_whatever_its_punctuation_or_where_its_digits_are(line: str,
                                                                         page: str) -> None:
    match = layout.FOOTER_FOLDED.fullmatch(layout.fold(line))
    assert match is not None and match.group(1) == page


def test_a_note_heading_with_its_first_paragraph_on_the_same_line() -> None:
    rows = (GridRow(5, ("建議擔任此職類／職業之學歷／經驗／或能力條件：大專以上畢業。",)),
            GridRow(5, ("其他補充說明：本職能基準參考國際規範。",)))
    notes, findings = parse_notes(rows, "X", [], [])
    assert findings == []
    assert [(n["section"], n["text"]) for n in notes] == [
        ("qualifications", "大專以上畢業。"), ("supplementary", "本職能基準參考國際規範。")]


def test_the_profile_is_read_by_its_labels_not_its_cell_positions() -> None:
    """pdfplumber may add empty spacer columns to the profile's grid."""
    rows = (
        GridRow(1, ("職能基準代碼", "", "FISI223-002v2", "", "", "")),
        GridRow(1, ("職能基準名稱\n（擇一填寫）", "職類", "", "", "", "")),
        GridRow(1, ("", "職業", "", "產品設計人員", "", "")),
        GridRow(1, ("所屬類別", "職類別", "", "金融財務／保險", "職類別代碼", "FIS")),
        GridRow(1, ("", "職業別", "", "其他資料庫及網路專業人員", "職業別代碼", "2529")),
        GridRow(1, ("", "行業別", "", "金融及保險業／保險業", "行業別代碼", "K6510")),
        GridRow(1, ("基準級別", "", "4", "", "", "")),
    )
    standard, categories, findings = parse_profile(
        rows, GridRow(1, ("產品設計人員職能基準",)), Source("x.pdf", "", "pdf", 3))
    assert (standard["standard_code"], standard["standard_id"], standard["version"],
            standard["name"], standard["name_kind"], standard["level"],
            standard["description"]) == ("FISI223-002v2", "FISI223-002", 2, "產品設計人員",
                                         "職業", 4, None)
    assert [(c["kind"], c["name"], c["code"]) for c in categories] == [
        ("job_category", "金融財務／保險", "FIS"),
        ("occupation", "其他資料庫及網路專業人員", "2529"),
        ("industry", "金融及保險業／保險業", "K6510")]
    assert sorted((f.code, f.severity) for f in findings) == [
        ("missing-description", "warning"), ("unusual-standard-code", "warning")]


_PROFILE = (
    GridRow(1, ("職能基準代碼", "SMS2521-001v3")),
    GridRow(1, ("職能基準名稱\n（擇一填寫）", "職類", "")),
    GridRow(1, ("", "職業", "巨量資料分析師")),
    GridRow(1, ("工作描述", "分析資料。")),
    GridRow(1, ("基準級別", "5")),
)


@pytest.mark.parametrize(("printed", "title", "above"), [
    # A platform's name as a page header of a one-page document (nothing repeats it): the
    # title is the last lines, the 《歷史資料》 mark read from them. Regression: layouts seed
    # 6/166 exported is_historical False (platform-name-above-the-title-of-a-one-page-document).
    ("iCAP職能發展應用平台\n《歷史資料》巨量資料分析師職能基準",
     "《歷史資料》巨量資料分析師職能基準", "iCAP職能發展應用平台"),
    # A title wrapped over two lines is one title, whatever precedes it.
    ("平台\n《歷史資料》巨量資料分析師\n職能基準", "《歷史資料》巨量資料分析師職能基準", "平台"),
    ("巨量資料分析師\n職能基準", "巨量資料分析師職能基準", None),
])
def test_the_title_is_the_last_lines_that_read_the_name(printed: str, title: str,
                                                         above: str | None) -> None:
    standard, _categories, findings = parse_profile(
        _PROFILE, GridRow(1, (printed,)), Source("x.pdf", "", "pdf", 1))
    assert standard["is_historical"] == title.startswith("《歷史資料》")
    assert [f.code for f in findings if f.code == "title-name-mismatch"] == []
    found = [f for f in findings if f.code == "line-above-title"]
    assert [(f.severity, above in f.message) for f in found] == (
        [("warning", True)] if above else [])


def test_a_title_that_does_not_read_the_name_is_every_line_and_reported() -> None:
    _standard, _categories, findings = parse_profile(
        _PROFILE, GridRow(1, ("平台\n資料分析師職能基準",)), Source("x.pdf", "", "pdf", 1))
    assert [f.message for f in findings if f.code == "title-name-mismatch"] == [
        "title '平台資料分析師職能基準' does not read '巨量資料分析師職能基準'"]
    assert not [f for f in findings if f.code == "line-above-title"]


def _edited_sample(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "edited.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_unusual_but_unambiguous_content_is_read_with_warnings(tmp_path: Path) -> None:
    """A standard code of another shape, no 工作描述, an output printed without a name and
    indicators with a fourth number: each is a warning, the document is exported."""
    path = _edited_sample(
        tmp_path,
        ("RTM1324-002", "FISI223-002"),
        ("工作描述\t督導及管理國際貨運部門人員進行國際貨運運輸業務開發、服務及管理規劃之相關作業。",
         "工作描述\t"),
        ("O3.1.1國際貨運運輸客戶服務準則", "O3.1.1"),
        *((f"P1.2.{n}", f"P1.2.1.{n}") for n in range(1, 6)),
    )
    doc = run_stages(path)
    errors = [(f.code, f.message) for f in doc.findings if f.severity == "error"]
    assert errors == [] and not doc.is_rejected
    warned = {f.code for f in doc.findings if f.severity == "warning"}
    assert {"unusual-standard-code", "missing-description", "empty-name",
            "fourth-code-level"} <= warned
    assert doc.tables["standards"][0]["standard_code"] == "FISI223-002v4"
    assert doc.tables["standards"][0]["description"] is None
    output = next(o for o in doc.tables["outputs"] if o["output_code"] == "O3.1.1")
    assert output["name"] is None
    indicators = {r["indicator_code"]: r["task_code"] for r in doc.tables["indicators"]}
    assert [indicators[f"P1.2.1.{n}"] for n in range(1, 6)] == ["T1.2"] * 5


def test_bullets_before_item_codes_are_set_aside_and_counted(tmp_path: Path) -> None:
    path = _edited_sample(tmp_path, ("<p>P1.2.1", "<p>\uf0b7P1.2.1"), ("<p>P1.2.2", "<p>• P1.2.2"),
                          (" K02國際貿易", " \uf0b7K02國際貿易"))
    doc = run_stages(path)
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]
    marks = [f for f in doc.findings if f.code == "mark-before-code"]
    assert len(marks) == 1 and marks[0].severity == "info"
    assert "U+2022 ×1" in marks[0].message and "U+F0B7 ×" in marks[0].message
    base = {r["indicator_code"]: r["text"] for r in run_stages(SAMPLE).tables["indicators"]}
    texts = {r["indicator_code"]: r["text"] for r in doc.tables["indicators"]}
    assert texts == base


def test_the_sample_reads_exactly_as_before(sample) -> None:  # type: ignore[no-untyped-def]
    """The open-world reading adds no finding to the sample export."""
    extracted = extract_file(SAMPLE)
    assert extracted.findings == ()
    assert not sample.is_rejected


def test_attitudes_printed_several_to_a_line_or_cell_are_one_row_each() -> None:
    from pipeline.attitudes import parse_attitudes

    rows = (GridRow(4, ("A01外部意識、A02溝通協調能力、A03成\n果導向",)),
            # A table printed code | name | description, one attitude a row.
            GridRow(4, ("A04", "主動積極", "不需他人指示或要求能自動自發做事")),
            # One cell holding two bulleted attitudes, one of them mentioning A4 paper.
            GridRow(5, ("\uf0b7 A05謹慎細心：文件以A3、A4紙張列印\n\uf0b7 A06團隊合作：協同",)))
    attitudes, findings = parse_attitudes(rows, "X")
    assert [(a["attitude_code"], a["name"], a["description"]) for a in attitudes] == [
        ("A01", "外部意識", None), ("A02", "溝通協調能力", None), ("A03", "成\n果導向", None),
        ("A04", "主動積極", "不需他人指示或要求能自動自發做事"),
        ("A05", "謹慎細心", "文件以A3、A4紙張列印"), ("A06", "團隊合作", "協同")]
    assert [f.code for f in findings] == ["attitudes-on-one-line", "attitudes-on-one-line"]


def test_an_attitude_is_titled_at_its_first_colon_of_either_width() -> None:
    """`A04團隊意識:團隊意識：積極…` — the description repeats the name after a full-width colon;
    the title ends at the first colon (a half-width one here), as a reader takes it."""
    from pipeline.attitudes import parse_attitudes

    attitudes, _ = parse_attitudes(
        (GridRow(4, ("A04團隊意識:團隊意識：積極參與並支持團隊。",)),
         GridRow(4, ("A05資訊:詳見 https://example.org/a 說明",))), "X")
    assert [(a["name"], a["description"]) for a in attitudes] == [
        ("團隊意識", "團隊意識：積極參與並支持團隊。"), ("資訊", "詳見 https://example.org/a 說明")]


def test_a_colon_inside_brackets_does_not_end_an_attitudes_title() -> None:
    from pipeline.attitudes import parse_attitudes

    attitudes, findings = parse_attitudes(
        (GridRow(4, ("A02溝通協調(含口語:書面)：清楚表達。",)),
         GridRow(4, ("A03 Integrity:正直誠實：展現高道德標準。",))), "X")
    assert [(a["name"], a["description"]) for a in attitudes] == [
        ("溝通協調(含口語:書面)", "清楚表達。"), (" Integrity", "正直誠實：展現高道德標準。")]
    # The second could be titled at either colon: read at the first, the other reading named.
    assert [(f.code, f.severity, f.where) for f in findings] == [
        ("title-colon-choice", "warning", " Integrity")]


def test_list_separators_after_attitudes_are_set_aside_alike() -> None:
    from pipeline.attitudes import parse_attitudes

    attitudes, _ = parse_attitudes(
        (GridRow(4, ("A01主動積極：描述一；\nA02自我管理：描述二；",)),
         GridRow(4, ("A03", "團隊意識", "描述三；")),), "X")
    assert [a["description"] for a in attitudes] == ["描述一", "描述二", "描述三"]


def test_a_description_cut_after_a_comma_by_a_page_break_keeps_the_comma() -> None:
    """`…努力、` at a page's foot and `承諾…` on the next: one description; only a list of
    names wrapped after its separator (`A08壓力容忍、`) loses the separator."""
    from pipeline.attitudes import parse_attitudes

    attitudes, _ = parse_attitudes(
        (GridRow(5, ("A02自我管理：展現高度進取、努力、",)), GridRow(6, ("承諾及負責任的行為。",)),
         GridRow(6, ("A03外部意識、A04壓力容忍、\nA05成果導向",))), "X")
    assert [(a["attitude_code"], a["name"], a["description"]) for a in attitudes] == [
        ("A02", "自我管理", "展現高度進取、努力、\n承諾及負責任的行為。"),
        ("A03", "外部意識", None), ("A04", "壓力容忍", None), ("A05", "成果導向", None)]


def test_attitudes_glued_into_one_description_are_an_error_not_an_export() -> None:
    """The census: an A-code where an attitude starts, inside another's text (here numbered out
    of sequence, so not split), means two attitudes were read as one."""
    from pipeline.attitudes import parse_attitudes

    _attitudes, findings = parse_attitudes(
        (GridRow(4, ("A01主動積極：自動自發。\nA03謹慎細心：注意細節",)),), "X")
    assert [(f.code, f.severity) for f in findings] == [("code-in-item-text", "error")]


@pytest.mark.parametrize(("text", "codes"), [
    ("方法、輪廓虛線省略等製圖技\n術，按照圖紙正確還原。\nP1.1.3根據圖紙", ["P1.1.3"]),
    ("風險管理能力。K05風險評估", ["K05"]),
    ("依表 04.2.1 格式填寫", []),  # a letterless form number is text
    ("確認顧客需求\nT1.1.1 確認客戶需求", []),  # an activity code is no item of the table
    ("國際運送承攬業相關資訊系\n統和文件", []),
])
def test_the_census_finds_codes_printed_where_an_item_starts(text: str,
                                                             codes: list[str]) -> None:
    from pipeline.census import codes_at_item_starts

    assert codes_at_item_starts(text) == codes


def test_an_indicator_line_left_in_a_knowledge_cell_rejects_the_document(tmp_path: Path) -> None:
    path = _edited_sample(tmp_path, (" K02國際貿易", "<p>P9.9.9國際貿易"))
    doc = run_stages(path)
    assert doc.is_rejected
    errors = [f for f in doc.findings if f.severity == "error"]
    assert (errors[0].code, errors[0].where) == ("code-in-item-text", "block 1:knowledge:K01")
    # Every block that cites K02 after K01 holds the line: the census names each.
    assert {f.code for f in errors} == {"code-in-item-text"}


class _Page:
    """As much of a pdfplumber page as pipeline.page_copies reads."""

    def __init__(self, chars: list[dict[str, object]], height: float = 800.0,
                 rules: tuple[float, ...] = (),
                 columns: tuple[tuple[float, float, float], ...] = ()) -> None:
        self.chars, self.bbox = chars, (0.0, 0.0, 600.0, height)
        self.horizontal_edges = [{"top": y} for y in rules]
        self.vertical_edges = [{"top": top, "bottom": bottom, "x0": x}
                               for top, bottom, x in columns]

    def filter(self, keep):  # type: ignore[no-untyped-def]
        return _Page([c for c in self.chars if keep(c)], self.bbox[3],
                     tuple(e["top"] for e in self.horizontal_edges),
                     tuple((e["top"], e["bottom"], e["x0"]) for e in self.vertical_edges))


def _glyphs(text: str, x0: float, top: float, size: float = 10.0) -> list[dict[str, object]]:
    """A line's glyphs laid out from x0: CJK characters and the bullet an em wide (as the CJK
    fonts draw `•`), Latin half an em."""
    def wide(ch: str) -> bool:
        return ord(ch) > 0x2E80 or ch == "•"

    out = []
    for i, ch in enumerate(text):
        width = size if wide(ch) else size / 2
        x = x0 + sum(size if wide(c) else size / 2 for c in text[:i])
        out.append({"text": ch, "x0": x, "x1": x + width, "top": top, "bottom": top + size,
                    "doctop": top, "upright": True, "height": size, "width": width,
                    "fontname": "F", "size": size})
    return out


@pytest.mark.parametrize(("foot", "next_top", "dropped"), [
    # A row moved to the next page left its name's glyphs at this page's foot, its code unpainted.
    ((_glyphs("縫機", 115.0, 735.0)), _glyphs("S10縫機", 100.0, 55.0), True),
    # The same item printed again in the next block, at the same place: data, kept.
    (_glyphs("K07縫機零配件知識", 100.0, 735.0), _glyphs("K07縫機零配件知識", 100.0, 55.0), False),
    # The next page's first item shares characters, at other places: kept.
    (_glyphs("操作能力", 100.0, 735.0), _glyphs("S10縫機操作能力", 100.0, 55.0), False),
    # A paragraph ends where the next page's first one begins, at the same place: only what
    # follows is missing, so it is text of its own, kept.
    (_glyphs("等。", 72.0, 735.0), _glyphs("等。另應注意相關法規", 72.0, 55.0), False),
    # A line moved to the next page left its text at this page's foot, its code printed one
    # space before it unpainted (layouts 4/257, layout-regressions/clipped-copy-of-a-line-whose-
    # code-is-one-space-before-it): dropped.
    (_glyphs("恪遵永續會展政", 135.0, 735.0), _glyphs("P2.3.3 恪遵永續會展政", 100.0, 55.0),
     True),
    # One glyph of a letter-spaced title moved to the next page (layouts 5/481, which it
    # rejected as uncovered text; layout-regressions/letter-spaced-title-glyph-left-at-a-page-foot).
    (_glyphs("事", 126.0, 735.0), _glyphs("說 明 與 補 充 事 項", 51.0, 55.0), True),
    # The words before it are no letters of a spaced title: kept.
    (_glyphs("事", 126.0, 735.0), _glyphs("說明與補充 事 項", 71.0, 55.0), False),
    # A list mark alone at the foot, its item moved to the next page (layouts 11/475, rejected:
    # an attitude with an empty name; layout-regressions/list-mark-left-at-a-page-foot).
    (_glyphs("●", 100.0, 735.0), _glyphs("●A06追求卓越：會為自己設定", 100.0, 55.0), True),
    # The word one space before it is no item's code: what is missing is not the line's start.
    (_glyphs("恪遵永續會展政", 135.0, 735.0), _glyphs("依照規範 恪遵永續會展政", 90.0, 55.0),
     False),
    # One glyph a browser left at the foot, inside a word of the next page's first line whose
    # start it lacks (layouts 15/216, layout-regressions/clipped-copy-one-glyph-of-the-next-
    # pages-first-line-mid-cell): dropped.
    (_glyphs("構", 110.0, 735.0), _glyphs("建構方式與流程。", 100.0, 55.0), True),
    # The same glyph at the same place but not on the next page's first line: kept.
    (_glyphs("構", 110.0, 735.0), _glyphs("K05互動媒體", 100.0, 55.0)
     + _glyphs("建構方式與流程。", 100.0, 67.0), False),
    # The same character drawn at another size is another glyph: kept.
    (_glyphs("構", 109.5, 735.0), _glyphs("建構方式與流程。", 100.0, 55.0, size=9.5), False),
])
def test_a_line_the_page_cut_off_and_the_next_page_prints_again_is_read_once(
        foot: list[dict[str, object]], next_top: list[dict[str, object]], dropped: bool) -> None:
    from pipeline.page_copies import without_clipped_copy

    above = _glyphs("S09縫機上線能力", 100.0, 700.0)
    kept, findings = without_clipped_copy(_Page(above + foot), _Page(next_top), 1)
    assert [c["text"] for c in kept.chars] == [c["text"] for c in above + ([] if dropped else foot)]
    assert [(f.code, f.severity) for f in findings] == ([("clipped-copy", "warning")] if dropped
                                                        else [])


def test_an_item_printed_again_beside_another_cells_text_is_no_clipped_copy() -> None:
    """The same `S18…` in the next block at the same place, the K cell's text ending 3.8 pt to
    its left: another cell's word, not missing characters of this one (a layout read with seed
    5, case 328)."""
    from pipeline.page_copies import without_clipped_copy

    foot = _glyphs("•S18抽樣計畫判斷能力", 448.8, 780.0, size=9.0)
    next_line = _glyphs("•K13環規與塞規", 377.5, 141.5, size=9.0) + foot_copy(foot, 141.5)
    kept, findings = without_clipped_copy(_Page(foot), _Page(next_line), 2)
    assert (len(kept.chars), findings) == (len(foot), [])


def test_a_glyph_alone_at_a_foot_is_no_copy_of_the_running_header_it_lines_up_with() -> None:
    """`師` ends a cell alone on the page's last line, at the very place where the title printed
    over every page has its `師`: a running header is no line moved to the next page, so the
    glyph is kept (the cold review of the one-glyph rule found it dropped)."""
    from pipeline.page_copies import without_clipped_copy

    def header(top: float) -> list[dict[str, object]]:
        return _glyphs("天線設計工程師職能基準", 200.0, top, size=9.0)

    body = _glyphs("S09縫機上線能力", 100.0, 700.0, size=9.0)
    foot = _glyphs("師", 200.0 + 6 * 9.0, 735.0, size=9.0)
    next_page = header(20.0) + _glyphs("K05互動媒體設計", 100.0, 55.0, size=9.0)
    kept, findings = without_clipped_copy(_Page(header(20.0) + body + foot), _Page(next_page), 1)
    assert (len(kept.chars), findings) == (len(header(20.0) + body + foot), [])


def _row_rules(top: float, bottom: float) -> tuple[tuple[float, float, float], ...]:
    return tuple((top, bottom, x) for x in (38.2, 134.2, 572.8))


_FOOT_ROWS = (*_row_rules(704.8, 753.5), *_row_rules(753.5, 768.5))


@pytest.mark.parametrize(("foot_rows", "next_row", "dropped"), [
    # The row the next page prints, its rules and first glyph painted at this page's foot too
    # (layouts 19/33, layout-regressions/clipped-copy-first-glyph-of-a-moved-row-…): dropped.
    (_FOOT_ROWS, _row_rules(38.3, 53.2), True),
    # A row of another height: a line that merely begins as the foot's ends, kept.
    (_FOOT_ROWS, _row_rules(38.3, 75.0), False),
    # Other columns: kept.
    (_FOOT_ROWS, tuple((38.3, 53.2, x) for x in (38.2, 300.0, 572.8)), False),
    # The glyph ends a row that prints other lines (a paragraph's last character, wrapped
    # alone), even one as high as the next page's first: kept.
    (_row_rules(740.0, 768.5), _row_rules(38.3, 66.8), False),
])
def test_a_glyph_alone_at_the_foot_in_the_next_pages_first_row_painted_twice_is_a_copy(
        foot_rows: tuple[tuple[float, float, float], ...],
        next_row: tuple[tuple[float, float, float], ...], dropped: bool) -> None:
    """A browser moved the notes table's `其他補充說明` row to the next page but painted its
    rules and its first glyph at this page's foot as well, under a clip: only what follows the
    glyph is missing, as when a paragraph merely ends where the next begins — the ruled row of
    the same height between the same rules tells the copy (it was exported as a fourth
    qualification, `其`, silently)."""
    from pipeline.page_copies import without_clipped_copy

    above = _glyphs("＊需通過公司內部主管考核。", 138.2, 740.9, size=11.0)
    foot = _glyphs("其", 138.2, 752.9, size=11.0)
    page = _Page(above + foot, 792.0, columns=foot_rows)
    next_page = _Page(_glyphs("其他補充說明", 138.2, 37.6, size=11.0), 792.0, columns=next_row)
    kept, findings = without_clipped_copy(page, next_page, 5)
    assert [c["text"] for c in kept.chars] == [c["text"] for c in above + ([] if dropped else foot)]
    assert [f.code for f in findings] == (["clipped-copy"] if dropped else [])


def foot_copy(glyphs: list[dict[str, object]], top: float) -> list[dict[str, object]]:
    return [{**g, "top": top, "bottom": top + 9.0, "doctop": top} for g in glyphs]


def test_a_foot_line_whose_characters_open_a_later_line_of_the_next_page_is_kept() -> None:
    """`類別` ends K19 at a page's foot; the next page prints `類別及構造` at the same place
    further down, below K20's own lines: the moved text would open the page there (a layout
    read with seed 5, case 451)."""
    from pipeline.page_copies import without_clipped_copy

    foot = _glyphs("類別", 410.3, 701.0, size=9.7)
    next_page = (_glyphs("K20 纖維加工", 410.3, 105.5, size=9.7)
                 + _glyphs("類別及構造", 410.3, 229.1, size=9.7))
    kept, findings = without_clipped_copy(_Page(_glyphs("K19 被染整物", 410.3, 688.3, 9.7) + foot),
                                  _Page(next_page), 3)
    assert (len(kept.chars), findings) == (len("K19 被染整物類別"), [])


@pytest.mark.parametrize(("left", "beside", "section"), [
    ("職能內涵", "A01主動積極", "attitudes"),       # the rest of the title on the next page
    ("職 能 內 涵", "• A01 主動積極：不需他人指示", "attitudes"),
    ("職能內涵", "K01 課程計畫相關法規", None),     # the main table's K/S header word
    ("職能內涵", "主動積極", None),
])
def test_a_left_cell_title_a_page_break_cut_to_its_first_word_is_read_by_what_it_heads(
        left: str, beside: str, section: str | None) -> None:
    assert layout.section_of_cut_title(left, beside) == section


@pytest.mark.parametrize(("cut", "below", "rest"), [
    ("職能", "級", True),     # `職\n能` in a narrow header cell, `級` in the row below, `別` lost
    ("職能級", "別", True),
    ("職能", "4", False),      # a level is no rest of the word
    ("職能", "級別\n4", True),
])
def test_the_rest_of_a_cut_level_header_below_it_is_no_text_of_the_row(
        cut: str, below: str, rest: bool) -> None:
    assert headers.header_word_rest(cut, "level", below) is rest


def _line(text: str, x0: float, x1: float, top: float, height: float = 11.0) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + height, "chars": []}


def test_a_list_mark_drawn_raised_is_read_on_the_line_it_marks() -> None:
    """`▪` drawn 3 pt above its text is a line of its own to pdfplumber: read alone it was an
    attitude with an empty name, which rejected the document (layouts 7/91,
    layout-regressions/list-mark-raised-above-its-lines-text)."""
    from pipeline.pdf_text import with_marks_on_their_lines

    lines = [_line("職能內涵（A=attitude態度）", 30.7, 168.2, 550.0),
             _line("▪", 30.7, 41.7, 559.5), _line("A01自我管理:設立…", 41.7, 602.7, 562.8),
             _line("▪", 30.7, 41.7, 572.3), _line("A02謹慎細心:對於…", 41.7, 602.7, 575.5),
             # A mark whose middle is level with no line after it stays as printed.
             _line("▪", 30.7, 41.7, 600.0), _line("說明", 41.7, 90.0, 640.0)]
    assert [line["text"] for line in with_marks_on_their_lines(lines)] == [
        "職能內涵（A=attitude態度）", "▪A01自我管理:設立…", "▪A02謹慎細心:對於…", "▪", "說明"]


def test_a_list_mark_drawn_lower_and_read_apart_marks_the_line_before_it() -> None:
    """`⚫` (another font) drawn a point lower than `A05…`, its foot touching the notes table
    below, was read apart and after its line: an attitude with an empty name, which rejected
    the document (layouts 16/208, layout-regressions/list-mark-drawn-lower-touching-the-table-
    below). A mark level with the next line still marks that one."""
    from pipeline.pdf_text import with_marks_on_their_lines

    lines = [_line("⚫A04彈性：能夠…", 66.0, 600.0, 1011.0),
             _line("A05應對不確定性：當狀況…", 74.8, 600.0, 1023.0),
             _line("⚫", 66.0, 74.8, 1024.1),
             _line("⚫", 66.0, 74.8, 1040.0), _line("A06…", 74.8, 300.0, 1038.5)]
    assert [line["text"] for line in with_marks_on_their_lines(lines)] == [
        "⚫A04彈性：能夠…", "⚫A05應對不確定性：當狀況…", "⚫A06…"]


@pytest.mark.parametrize(("top_line", "dropped"), [
    # The end of the foot's last line painted again above the next page's first rule, its
    # code not (layouts 12/45, rejected as uncovered text;
    # layout-regressions/line-end-painted-again-above-the-next-pages-table).
    (_glyphs("指引⼿冊", 125.0, 34.0), True),
    # The whole line there: an item printed again, not a copy.
    (_glyphs("◎K05 指引⼿冊", 100.0, 34.0), False),
    # Other glyphs at those places: text of its own.
    (_glyphs("資訊安全", 125.0, 34.0), False),
])
def test_a_line_end_painted_again_above_the_next_pages_first_rule_is_read_once(
        top_line: list[dict[str, object]], dropped: bool) -> None:
    from pipeline.page_copies import without_copy_above

    previous = _Page(_glyphs("◎K05 指引⼿冊", 100.0, 785.0))
    table = _glyphs("◎T5.1 收費與交件", 100.0, 60.0)
    page = _Page(top_line + table, rules=(-6.7, 45.0, 120.0))
    kept, findings = without_copy_above(page, previous, 2)
    assert len(kept.chars) == len(table) + (0 if dropped else len(top_line))
    assert [(f.code, f.where) for f in findings] == ([("clipped-copy", "page top")] if dropped
                                                     else [])


@pytest.mark.parametrize(("top", "bottom", "hangs_to"), [
    (95.2, 105.4, 105.4),   # a line across the fragment's last rule: the open cell's text
    (100.05, 111.0, 111.0),  # painted right at the rule (layouts 12/295, `風險所`): the same
    (101.0, 112.0, 100.0),  # a point below it: a line of its own, not the cell's
])
def test_an_open_cells_line_hangs_from_it_only_across_or_right_at_its_last_rule(
        top: float, bottom: float, hangs_to: float) -> None:
    from pipeline.pdf_tables import hanging_bottom

    glyph = {"text": "險", "x0": 60.0, "x1": 70.0, "top": top, "bottom": bottom}
    assert hanging_bottom([glyph], (50.0, 20.0, 300.0, 100.0), [(50.0, 100.0)]) == hangs_to
