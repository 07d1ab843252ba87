"""The documented text policy, rule by rule, and what it must never do."""

from __future__ import annotations

import pytest

from pipeline.normalize import (
    clean_text,
    join_with_report,
    join_wrapped_lines,
    latin_evidence,
    map_ideograph,
    normalize_tables,
)
from pipeline.records import TableSet


@pytest.mark.parametrize(
    ("raw", "expected", "rule"),
    [
        ("<p>P1.2.1依確認客戶的需求</p>", "P1.2.1依確認客戶的需求", "paragraph residue"),
        ("<P>甲</P> <p>乙</p>", "甲乙", "residue between CJK leaves no space"),
        ("國際運送承攬業相關資訊系\n統和文件", "國際運送承攬業相關資訊系統和文件", "CJK wrap"),
        ("系統，\n以利團隊", "系統，以利團隊", "full-width punctuation wrap"),
        ("machine\nlearning", "machine learning", "Latin wrap keeps one space"),
        ("PC Base\n程式語言", "PC Base程式語言", "Latin then CJK: no space"),
        ("(Inter-\nProcess)", "(Inter-Process)", "a line ending in a hyphen joins tight"),
        ("dBm/\nm", "dBm/m", "a line ending in a slash joins tight"),
        # UAX #14: no line starts with , . ; : ! ? ) ] } / % nor breaks inside a dotted
        # number; one that does was broken for want of room (layouts seeds 5, 7 and 8).
        ("DirectMail\n, EDM", "DirectMail, EDM", "a line opening with a comma joins tight"),
        ("dBuV\n/m", "dBuV/m", "a line opening with a slash joins tight"),
        ("DataSheet\n)報告", "DataSheet)報告", "a line opening with a closing bracket joins tight"),
        ("報告O1.1.\n2維修", "報告O1.1.2維修", "a dotted number broken at its dot joins tight"),
        ("in 2023.\n3 items", "in 2023. 3 items", "a year and a sentence end are no dotted number"),
        ("國貿條規 (INCOTERMS) 與", "國貿條規 (INCOTERMS) 與", "Latin spacing kept"),
        ("包括：冷靜、謹慎（細心）；", "包括：冷靜、謹慎（細心）；", "full-width punctuation kept"),
        ("  甲   乙\t丙  ", "甲 乙 丙", "space runs collapsed, ends trimmed"),
        ("\uf0b7操作\uf09f機台\uf06c", "操作機台", "private-use bullets removed"),
        ("3D列印技術：說明", "3D列印技術：說明", "leading digit kept"),
        ("資訊系\x0b統和文件", "資訊系統和文件", "Word's manual line break is a line break"),
        ("machine\x0blearning\x07", "machine learning", "other control characters removed"),
        ("\u2f08\u2f2f", "人工", "Kangxi radicals → unified"),
        ("\uf9dc\U0002f800", "隆\u4e3d", "compatibility ideographs (both blocks) → unified"),
        ("\u2e80甲", "\u2e80甲", "CJK radicals supplement: not mapped (no unified equivalent)"),
        ("ＡＢＣ１２３", "ＡＢＣ１２３", "full-width Latin is not NFKC-folded"),
    ],
)
def test_clean_text(raw: str, expected: str, rule: str) -> None:
    assert clean_text(raw) == expected, rule


def test_map_ideograph_touches_only_the_mapped_ranges() -> None:
    assert map_ideograph("\u2f00") == "一"
    assert map_ideograph("，") == "，"
    assert map_ideograph("１") == "１"
    assert map_ideograph("A") == "A"


def test_headings_labels_and_header_words_are_compared_as_unified_ideographs() -> None:
    """A Word PDF prints 力, 工, 行 as Kangxi radicals in headings and labels too (found by the
    round trip's private-use-kangxi variant): they are still the headings they name."""
    from pipeline import headers
    from pipeline.records import GridRow, Source
    from pipeline.sections import parse_notes, parse_profile

    header = headers.classify_header(["主要職責", "\u2f2f作任務", "\u2f2f作產出", "行為指標",
                                     "職能級別", "職能內涵 (K=knowledge 知識)",
                                     "職能內涵 (S=skills 技能)"])
    assert header is not None and header.kind == "main"
    heading = "建議擔任此職類 / 職業之學歷 / 經歷 / 或能\u2f12條件："
    notes, findings = parse_notes((GridRow(1, (heading,)), GridRow(1, ("大專以上畢業。",))),
                                  "X", [], [])
    assert findings == [] and [(n["section"], n["text"]) for n in notes] == [
        ("qualifications", "大專以上畢業。")]
    profile = tuple(GridRow(1, cells) for cells in (
        ("職能基準代碼", "ABC1234-001v1", "", "", ""), ("職能基準名稱", "職類", "", "", ""),
        ("", "職業", "甲", "", ""), ("所屬類別", "\u2f8f業別", "乙", "\u2f8f業別代碼", "H52"),
        ("工作描述", "丙", "", "", ""), ("基準級別", "3", "", "", "")))
    _standard, categories, findings = parse_profile(profile, GridRow(1, ("甲職能基準",)),
                                                    Source("x.txt", "", "text", 1))
    assert [f.code for f in findings] == []
    assert [(c["kind"], c["code"]) for c in categories] == [("industry", "H52")]


def test_join_wrapped_lines_drops_blank_lines() -> None:
    assert join_wrapped_lines("甲\n\n  \n乙") == "甲乙"


def test_normalize_tables_reports_mapped_ideographs_and_leaves_identifiers(
    sample: TableSet,
) -> None:
    tables = {name: [dict(r) for r in rows] for name, rows in sample.tables.items()}
    tables["tasks"][0]["name"] = "\u2f08\u2f2f作業"
    tables["standards"][0]["source_file"] = "a  b.txt"
    out = normalize_tables(TableSet(sample.source, tables))
    assert out.tables["tasks"][0]["name"] == "人工作業"
    assert out.tables["standards"][0]["source_file"] == "a  b.txt"
    assert [(f.code, f.where) for f in out.findings] == [("ideograph-mapped", "tasks")]


def test_nullable_field_emptied_by_the_policy_becomes_null(sample: TableSet) -> None:
    tables = {name: [dict(r) for r in rows] for name, rows in sample.tables.items()}
    tables["knowledge"][0]["description"] = "<p></p>"
    tables["tasks"][0]["name"] = "<p></p>"
    out = normalize_tables(TableSet(sample.source, tables))
    assert out.tables["knowledge"][0]["description"] is None
    assert out.tables["tasks"][0]["name"] == ""


def test_every_latin_wrap_read_as_a_space_is_reported(sample: TableSet) -> None:
    """A layout may break inside an over-long word; such a join must never pass unseen."""
    tables = {name: [dict(r) for r in rows] for name, rows in sample.tables.items()}
    tables["indicators"][0]["text"] = "依 ISO\n9001 與 Total\nIsotropic 規範，\n確認"
    out = normalize_tables(TableSet(sample.source, tables))
    assert out.tables["indicators"][0]["text"] == "依 ISO 9001 與 Total Isotropic 規範，確認"
    joins = [(f.code, f.severity, f.where) for f in out.findings if f.code == "latin-wrap-joined"]
    # Nothing in the document decides these joins: a warning, never below (the severity policy).
    assert joins == [("latin-wrap-joined", "warning", "indicators:P1.1.1:text")] * 2
    messages = [f.message for f in out.findings if f.code == "latin-wrap-joined"]
    assert "'Total' and 'Isotropic'" in messages[1]


def test_a_space_printed_at_a_line_s_end_is_kept_whatever_the_document_prints_elsewhere(
        ) -> None:
    """A PDF that draws a line's last space (LibreOffice, with a font that has the glyph) shows
    the break was between two words: no join to decide, even where the document also prints
    the pair unbroken (`AreaNetwork` in another cell). Regression: layouts 8/419 exported
    `Controller AreaNetwork` (layout-regressions/line-end-space-drawn-between-two-latin-words)."""
    evidence = latin_evidence(["Controller AreaNetwork,"])
    assert join_with_report("（Controller Area \nNetwork,CAN）", evidence) == (
        "（Controller Area Network,CAN）", [])
    text, joins = join_with_report("（Controller Area\nNetwork,CAN）", evidence)
    assert text == "（Controller AreaNetwork,CAN）"
    assert [j.reading for j in joins] == ["unbroken"]
    # Beside a CJK character a wrap still joins with nothing (rule 3).
    assert join_with_report("控制器 \n區域", evidence) == ("控制器區域", [])


@pytest.mark.parametrize(("text", "joined", "reading"), [
    ("QCD(Qualit\ny、Cost、Deliver\ny)的觀念", "QCD(Quality、Cost、Delivery)的觀念", "letter"),
    ("（ZigBee、Z-wav\ne、LiFi）", "（ZigBee、Z-wave、LiFi）", "letter"),
    # `a` and `x` are words of their own.
    ("such as\na test", "such as a test", "space"),
    ("3\nx 5 mm", "3 x 5 mm", "space"),
])
def test_a_lone_small_letter_at_a_break_is_no_word_of_its_own(text: str, joined: str,
                                                               reading: str) -> None:
    """Layouts 5/485 and 8/321 exported `Qualit y` and `Deliver y`, flagged."""
    out, joins = join_with_report(text, latin_evidence([]))
    assert out == joined
    assert {j.reading for j in joins} == {reading}


@pytest.mark.parametrize(("text", "joined", "reading"), [
    ("金屬材料（AST\nM、JIS、BS及ISO）", "金屬材料（ASTM、JIS、BS及ISO）", "acronym"),
    ("TQF、C\nAS、BR\nC、G-GA\nP、Halal", "TQF、CAS、BRC、G-GAP、Halal", "acronym"),
    ("LTE、L\nTE-M、NB-IoT", "LTE、LTE-M、NB-IoT", "acronym"),
    # A capital beside a word not in capitals alone is a word of its own (`Type A`, `A Study`,
    # `5G A`, a code), and two words in capitals may be two (`ROUGH MIX`): nothing decides.
    ("Type\nA 設備", "Type A 設備", "space"),
    ("A\nStudy", "A Study", "space"),
    ("5G\nA", "5G A", "space"),
    ("等級 A\nS08", "等級 A S08", "space"),
    ("（ROUGH\nMIX）", "（ROUGH MIX）", "space"),
    # A capital opening a list's entry is no acronym's letter.
    ("熟悉ISO\nA.品質手冊", "熟悉ISO A.品質手冊", "space"),
])
def test_a_lone_capital_beside_a_word_in_capitals_is_an_acronyms_letter(
        text: str, joined: str, reading: str) -> None:
    """LibreOffice breaks an acronym where the line is full (layouts 7/297 `AST M`, 4/301
    `C AS`, `BR C`, `G-GA P`, 13/36 `L TE-M`, flagged); of the 2,262 words in capitals the
    catalogue prints, a lone capital stands one space from a capital once (`P CBA`, PCBA)."""
    out, joins = join_with_report(text, latin_evidence([]))
    assert out == joined
    assert {j.reading for j in joins} == {reading}


def test_a_break_between_two_digits_is_inside_a_number() -> None:
    """`FSSC 2200` | `0、SQF`: no engine breaks between digits but for want of room (layouts
    7/177 and 11/332 exported `2200 0`, flagged); still reported."""
    out, joins = join_with_report("（如ISO22000、FSSC 2200\n0、SQF）", latin_evidence([]))
    assert out == "（如ISO22000、FSSC 22000、SQF）"
    assert [(j.left, j.right, j.reading) for j in joins] == [("2200", "0", "number")]


def test_a_numbered_entry_needs_the_entry_before_it() -> None:
    """Layout 15/257 exported `Trace3 2、realviewICE` (flagged): `2、` opened no list, there
    was no `1、` before it."""
    out, joins = join_with_report("（如：Trace3\n2、realviewICE、FIDO等）", latin_evidence([]))
    assert out == "（如：Trace32、realviewICE、FIDO等）"
    assert [j.reading for j in joins] == ["number"]


@pytest.mark.parametrize(("text", "joined"), [
    ("1.遵守 ISO 9001\n2.建立文件", "1.遵守 ISO 9001 2.建立文件"),
    ("依 ISO 9001\nb. 建立", "依 ISO 9001 b. 建立"),
])
def test_a_list_entry_after_a_break_is_no_rest_of_a_word_or_number(text: str,
                                                                   joined: str) -> None:
    """A cold review: the letter and number readings glued a list's next entry on
    (`ISO 90012.建立文件`)."""
    out, joins = join_with_report(text, latin_evidence([]))
    assert out == joined
    assert [j.reading for j in joins] == ["space"]
