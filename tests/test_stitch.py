"""Each way a page break cuts the sample's main table, stitched back by role, not by column.

Grids are written the way the text export prints them (7 tab-separated cells, `''` for empty),
using the sample's own fragments, so each test is one case an analyst can find in the document.
"""

from __future__ import annotations

import dataclasses

from pipeline import layout
from pipeline.codes import split_items
from pipeline.normalize import clean_text
from pipeline.records import (
    ExtractedDocument,
    Finding,
    GridRow,
    LogicalRow,
    PageGrid,
    Piece,
    Source,
    TableSet,
)
from pipeline.stitch import stitch_document, stitch_rows

Page = tuple[int, tuple[GridRow, ...]]


def page(number: int, *rows: tuple[str, ...]) -> Page:
    return number, tuple(GridRow(number, r) for r in rows)


def items(row: LogicalRow, role: str) -> dict[str, str]:
    found, leading = split_items(row.cells[role], role)
    assert leading == ""
    return {i.code: clean_text(i.text) for i in found}


def codes(findings: list[Finding], code: str) -> list[str]:
    return [f.where for f in findings if f.code == code]


T11 = ("T1管理國際貨運運輸承攬服務", "T1.1管理與督導國際貨運運輸處理作業", "",
       "P1.1.3依團隊或客戶需求。 P1.1.4評估、修正與協調適當的工作程序系統，", "5",
       "K03國際運送承攬業管理程序與規範 K04國際運送承攬業相關資訊系", "S01領導能力 S06談判與協商能力")


def test_split_inside_a_knowledge_item_and_an_indicator_is_joined() -> None:
    rows, findings = stitch_rows((
        page(1, T11),
        page(2, ("", "", "", "<p>以利團隊進行國際貨運運輸安排，包括合適的風險分析。</p> <p>P1.1.5督導人力。</p>",
                 "", "統和文件 K05風險評估和管理原則", "S07資訊科技應用能力")),
    ))
    assert len(rows) == 1
    row = rows[0]
    assert items(row, layout.KNOWLEDGE) == {
        "K03": "國際運送承攬業管理程序與規範",
        "K04": "國際運送承攬業相關資訊系統和文件",
        "K05": "風險評估和管理原則",
    }
    assert items(row, layout.INDICATOR)["P1.1.4"] == (
        "評估、修正與協調適當的工作程序系統，以利團隊進行國際貨運運輸安排，包括合適的風險分析。"
    )
    assert items(row, layout.SKILL) == {"S01": "領導能力", "S06": "談判與協商能力",
                                        "S07": "資訊科技應用能力"}
    assert sorted(codes(findings, "split-cell-joined")) == [
        "T1.1:indicator:P1.1.4", "T1.1:knowledge:K04"]
    assert codes(findings, "row-continued") == ["T1.1"]
    assert (row.page_start, row.page_end) == (1, 2)


def test_split_items_keep_the_pages_of_each_fragment() -> None:
    rows, _ = stitch_rows((page(1, T11), page(2, ("", "", "", "", "", "統和文件 K05風險評估", ""))))
    found, _ = split_items(rows[0].cells[layout.KNOWLEDGE], layout.KNOWLEDGE)
    pages = {i.code: (i.page_start, i.page_end) for i in found}
    assert pages == {"K03": (1, 1), "K04": (1, 2), "K05": (2, 2)}


def test_shifted_task_row_continued_on_an_aligned_row_pairs_fragments_by_role() -> None:
    """T1.5: task and output printed one column left; their continuations sit in the header's
    columns, so '的流程' lands under 工作任務 only by luck — it must join the task, and '文件' the
    output, because those are the cells that had text before the break."""
    rows, findings = stitch_rows((
        page(3, ("T1.5掌握及協調進出口物流相關計畫", "O1.5.1進出口物流相關計畫", "",
                 "<p>P1.5.1掌握進出口物流。</p> <p>P1.5.2確認作業標準、規劃流程，並監管改正不</p>", "5",
                 "K01國際運送承攬與運送業之標準作業程序與行業規範", "S01領導能力")),
        page(4, ("", "的流程", "文件", "符合事項。 P1.5.3運用適當方法。", "", "K03國際運送承攬業管理程序與規範",
                 "S04問題解決能力")),
    ))
    row = rows[0]
    assert items(row, layout.TASK) == {"T1.5": "掌握及協調進出口物流相關計畫的流程"}
    assert items(row, layout.OUTPUT) == {"O1.5.1": "進出口物流相關計畫文件"}
    assert items(row, layout.INDICATOR)["P1.5.2"] == "確認作業標準、規劃流程，並監管改正不符合事項。"
    assert sorted(codes(findings, "split-cell-joined")) == [
        "T1.5:indicator:P1.5.2", "T1.5:output:O1.5.1", "T1.5:task:T1.5"]


def test_split_inside_an_indicator_with_html_residue() -> None:
    """P1.3.2 ends `…風險及影</p>` on one page and resumes `<p>響。</p>` on the next."""
    rows, findings = stitch_rows((
        page(2, ("T1.3制訂應變管理策略", "", "", "<p>P1.3.1確認作業標準。</p> <p>P1.3.2評估進出口物流規劃中潛在的風險及影</p>",
                 "5", "K01國際運送承攬與運送業之標準作業程序與行業規範", "S01領導能力")),
        page(3, ("", "", "", "<p>響。</p> <p>P1.3.3制訂應變管理策略。</p>", "", "K03管理程序", "S04問題解決能力")),
    ))
    assert items(rows[0], layout.INDICATOR) == {
        "P1.3.1": "確認作業標準。",
        "P1.3.2": "評估進出口物流規劃中潛在的風險及影響。",
        "P1.3.3": "制訂應變管理策略。",
    }
    assert codes(findings, "split-cell-joined") == ["T1.3:indicator:P1.3.2"]


def test_a_break_between_items_is_a_continued_row_not_a_split() -> None:
    """T2.2 and T3.1: the next page starts with whole items (P2.2.3, K04, S07 / only K and S)."""
    rows, findings = stitch_rows((
        page(4, ("", "T2.2確認國際貨運運輸的安全需求", "O2.2.1運輸安全計畫", "P2.2.1評估效益。 P2.2.2訂定計畫。", "4",
                 "K01標準作業程序", "S02溝通協調能力")),
        page(5, ("", "", "", "P2.2.3制定實施策略。", "", "K04資訊系統和文件", "S07資訊科技應用能力"),
             ("", "T2.3執行國際貨運運輸安全的計畫和政策", "", "P2.3.1確認優先順序。", "5", "K01標準作業程序",
              "S02溝通協調能力")),
    ))
    assert [items(r, layout.TASK) for r in rows] == [
        {"T2.2": "確認國際貨運運輸的安全需求"}, {"T2.3": "執行國際貨運運輸安全的計畫和政策"}]
    assert list(items(rows[0], layout.INDICATOR)) == ["P2.2.1", "P2.2.2", "P2.2.3"]
    assert list(items(rows[0], layout.KNOWLEDGE)) == ["K01", "K04"]
    assert codes(findings, "split-cell-joined") == []
    assert codes(findings, "row-continued") == ["T2.2"]
    assert (rows[0].page_start, rows[0].page_end, rows[1].page_start) == (4, 5, 5)


def test_row_shifted_left_with_a_trailing_empty_cell_is_read_by_content() -> None:
    """T3.2 is printed with every cell one column left and an empty seventh cell."""
    rows, findings = stitch_rows((
        page(6, ("T3.2督導與管理團隊客戶諮詢服務", "", "P3.2.1督導團隊。 P3.2.2指導團隊。", "5",
                 "K01標準作業程序 K07專案管理原則", "S01領導能力 S14國際客戶關係經營能力", "")),
    ))
    row = rows[0]
    assert set(row.cells) == {layout.TASK, layout.INDICATOR, layout.LEVEL, layout.KNOWLEDGE,
                              layout.SKILL}
    assert [p.text for p in row.cells[layout.LEVEL]] == ["5"]
    assert list(items(row, layout.SKILL)) == ["S01", "S14"]
    assert [f for f in findings if f.severity == "error"] == []


def test_a_row_split_across_three_pages_loses_and_duplicates_nothing() -> None:
    rows, findings = stitch_rows((
        page(1, ("T1作業", "T1.1處理危險品申", "", "P1.1.1依規定辦理", "3", "K01法規", "S01溝通")),
        page(2, ("", "報及文件", "", "並完成申報", "", "", "")),
        page(3, ("", "作業", "", "與核對。 P1.1.2確認。", "", "K02文件", "S02協調")),
    ))
    row = rows[0]
    assert items(row, layout.TASK) == {"T1.1": "處理危險品申報及文件作業"}
    assert items(row, layout.INDICATOR) == {"P1.1.1": "依規定辦理並完成申報與核對。", "P1.1.2": "確認。"}
    assert (row.page_start, row.page_end) == (1, 3)
    assert [f.page for f in findings if f.code == "split-cell-joined"] == [1, 1, 2, 2]


def test_a_fragment_that_matches_no_open_cell_is_an_error_not_a_guess() -> None:
    rows, findings = stitch_rows((
        page(1, ("T1作業", "T1.1處理", "", "P1.1.1依規定", "3", "K01法規", "S01溝通")),
        page(2, ("", "", "", "", "", "孤立文字", "")),
    ))
    # The row had K01 before the break, so a code-less fragment in the K column continues K01 …
    assert items(rows[0], layout.KNOWLEDGE) == {"K01": "法規孤立文字"}
    _, findings = stitch_rows((
        page(1, ("T1作業", "T1.1處理", "", "P1.1.1依規定", "3", "", "S01溝通")),
        page(2, ("", "", "", "", "", "孤立文字", "")),
    ))
    # … but where that column was empty before the break nothing can be continued.
    assert [(f.code, f.severity, f.page) for f in findings if f.severity == "error"] == [
        ("unplaceable-fragment", "error", 2)]


def test_a_row_without_task_code_that_is_not_a_page_continuation_is_an_orphan() -> None:
    _, findings = stitch_rows((
        page(1, ("T1作業", "T1.1處理", "", "P1.1.1依規定", "3", "K01法規", "S01溝通"),
             ("", "", "", "P1.1.2多出的指標", "", "", "")),
    ))
    assert [(f.code, f.page, f.where) for f in findings] == [("orphan-row", 1, "row 2 column 4")]


def test_a_cell_with_no_code_in_a_new_row_is_reported_with_its_position() -> None:
    _, findings = stitch_rows((
        page(1, ("T1作業", "T1.1處理", "沒有代碼的產出", "P1.1.1依規定", "3", "K01法規", "S01溝通")),
    ))
    assert [(f.code, f.severity, f.where) for f in findings] == [
        ("unplaceable-cell", "error", "row 1 column 3")]


def test_sample_split_cells_are_whole(sample: TableSet) -> None:
    """The six cells the sample's page breaks cut, as analysts will read them."""
    tables = sample.tables
    by = {
        "task": {r["task_code"]: r["name"] for r in tables["tasks"]},
        "output": {r["output_code"]: r["name"] for r in tables["outputs"]},
        "indicator": {r["indicator_code"]: r["text"] for r in tables["indicators"]},
        "knowledge": {r["knowledge_code"]: r["name"] for r in tables["knowledge"]},
    }
    assert by["knowledge"]["K04"] == "國際運送承攬業相關資訊系統和文件"
    assert by["indicator"]["P1.1.4"] == (
        "評估、修正與協調適當的工作程序系統，以利團隊進行國際貨運運輸安排，包括合適的風險分析。")
    assert by["indicator"]["P1.3.2"] == "評估進出口物流規劃中潛在的風險及影響。"
    assert by["task"]["T1.5"] == "掌握及協調進出口物流相關計畫的流程"
    assert by["output"]["O1.5.1"] == "進出口物流相關計畫文件"
    assert by["indicator"]["P1.5.2"] == "確認作業標準、規劃流程，並監管改正不符合事項。"
    knowledge_pages = {(r["task_code"], r["knowledge_code"]): (r["page_start"], r["page_end"])
                       for r in tables["task_knowledge"]}
    assert knowledge_pages[("T1.1", "K04")] == (1, 2)
    assert knowledge_pages[("T1.2", "K04")] == (2, 2)


def test_split_inside_a_skill_item_is_joined_without_loss_or_duplication() -> None:
    rows, findings = stitch_rows((
        page(5, ("", "T2.3執行國際貨運運輸安全的計畫和政策", "", "P2.3.1確認優先順序。", "5", "K01標準作業程序",
                 "S10專案管理能力 S11風險管")),
        page(6, ("", "", "", "", "", "", "理能力 S14國際客戶關係經營能力")),
    ))
    assert items(rows[0], layout.SKILL) == {
        "S10": "專案管理能力", "S11": "風險管理能力", "S14": "國際客戶關係經營能力"}
    assert codes(findings, "split-cell-joined") == ["T2.3:skill:S11"]
    printed = "".join(p.text for p in rows[0].cells[layout.SKILL]).replace(" ", "")
    assert printed == "S10專案管理能力S11風險管理能力S14國際客戶關係經營能力"


def test_each_page_is_read_against_its_own_headers_grid() -> None:
    """The same seven columns, on grids laid out differently: page 1's has an empty grid column
    right of 技能, page 2's one under 工作任務 (pdfplumber adds a grid column for a stray rule).
    T1.5's continuation on page 2 has two code-less fragments for six open cells, so only the
    grid places them: 工作產出 and 知識 on page 2's grid (on page 1's they would land in the
    indicator and skill cells — silently wrong, with split-cell-joined info only)."""
    first = (*layout.ROLE_ORDER, None)
    second = (layout.DUTY, layout.TASK, None, *layout.ROLE_ORDER[2:])
    doc = ExtractedDocument(
        source=Source("grids.txt", "", "pdf", 2), title=GridRow(1, ("標題",)), versions=(),
        profile=(), attitudes=(), notes=(),
        main=(PageGrid(1, (GridRow(1, ("T1作業", "T1.5掌握計畫", "O1.5.1計畫", "P1.5.1確認作業標",
                                       "5", "K01國際運送承攬業管理程", "S01領導能力", "")),),
                       (), first),
              PageGrid(2, (GridRow(2, ("", "", "", "文件", "", "", "序與規範", "")),), (), second)))
    stitched = stitch_document(doc)
    assert [f.code for f in stitched.findings if f.code == "header-changed"] == []
    row = stitched.rows[0]
    assert items(row, layout.OUTPUT) == {"O1.5.1": "計畫文件"}
    assert items(row, layout.KNOWLEDGE) == {"K01": "國際運送承攬業管理程序與規範"}
    assert items(row, layout.INDICATOR) == {"P1.5.1": "確認作業標"}
    assert items(row, layout.SKILL) == {"S01": "領導能力"}


def test_the_rest_of_a_merged_duty_cell_beside_the_rest_of_the_last_tasks_row() -> None:
    """The duty cell merged over T1.1 and T1.2 runs on to the next page (`…數位金融產` | `品`)
    beside the rest of T1.2's row (`目`, `報告`): in a PDF, whose cells lie under their header's
    columns, the first is the duty's, the others T1.2's (layouts 5/469 rejected the document:
    `目` matched no cell of T1.2; layout-regressions/merged-duty-cell-run-on-beside-a-continued-row)."""
    t11 = ("T1探索客戶數位金融產", "T1.1了解數位金融市場", "O1.1.1新商品目標市場", "P1.1.1執行新商品。",
           "3", "K01金融市場", "S01人脈拓展")
    t12 = ("", "T1.2確認開發新商品的機會及監控預算項", "O1.2.1新商品開發成本分析", "P1.2.1分析。",
           "3", "K03產業分析", "S02策略性思考")
    rest = ("品", "目", "報告", "", "", "", "")
    rows, findings = stitch_rows((page(1, t11, t12), page(2, rest)),
                                 (layout.ROLE_ORDER, layout.ROLE_ORDER), columns_placed=True)
    assert [clean_text("".join(p.text for p in r.cells[layout.DUTY])) for r in rows
            if layout.DUTY in r.cells] == ["T1探索客戶數位金融產品"]
    assert items(rows[1], layout.OUTPUT) == {"O1.2.1": "新商品開發成本分析報告"}
    assert clean_text("".join(p.text for p in rows[1].cells[layout.TASK])) == (
        "T1.2確認開發新商品的機會及監控預算項目")
    assert codes(findings, "unplaceable-fragment") == []
    assert sorted(codes(findings, "split-cell-joined")) == [
        "T1.2:output:O1.2.1", "T1.2:task:T1.2", "duty:T1"]


def test_a_row_of_empty_cells_above_a_pages_first_row_does_not_make_it_an_orphan() -> None:
    """A recovered rule left a row of empty cells at the top of page 2, above the rest of T1.1's
    row: the first row with text is still the page's first (layouts 11/212 rejected the document
    as an orphan row; layout-regressions/empty-row-above-a-continued-row)."""
    rows, findings = stitch_rows((
        page(1, T11),
        page(2, ("",) * 7, ("", "", "", "", "", "統和文件 K05風險評估和管理原則", "")),
    ))
    assert codes(findings, "orphan-row") == []
    assert items(rows[0], layout.KNOWLEDGE)["K04"] == "國際運送承攬業相關資訊系統和文件"


def _two_page_pdf(first: list[tuple[str, ...]], second: list[tuple[str, ...]]
                  ) -> ExtractedDocument:
    """A PDF's main table over two pages under the template's seven columns."""
    columns = layout.ROLE_ORDER
    return ExtractedDocument(
        source=Source("cut.pdf", "", "pdf", 2), title=GridRow(1, ("標題",)), versions=(),
        profile=(), attitudes=(), notes=(),
        main=tuple(PageGrid(n, tuple(GridRow(n, r) for r in rows), (), columns)
                   for n, rows in ((1, first), (2, second))))


def test_the_rest_of_an_output_code_a_page_cut_is_not_read_as_a_level() -> None:
    """A narrow 工作產出 column: the page ends after `O3.2.` and the next page's part of the row
    holds `1` under 工作產出 — a digit like a level, but under the output's header and after its
    cut code it is the code's rest (layouts 18/148 read it as a second level, `conflicting-level`,
    and rejected the document). It needs the page's geometry: in a text export, which shifts
    a row's cells, the same digit is still read as a level (and the conflict reported)."""
    doc = _two_page_pdf(
        [("T3系統維運", "T3.2調整及改善主機系統", "O3.2.", "P3.2.1系統發生資安問題之頻率與影", "3",
          "K02產業分析", "S08問題解決")],
        [("", "", "1", "響性。", "", "", "")])
    stitched = stitch_document(doc)
    assert [f.code for f in stitched.findings if f.severity == "error"] == []
    row = stitched.rows[0]
    assert items(row, layout.OUTPUT) == {"O3.2.1": ""}
    assert items(row, layout.INDICATOR) == {"P3.2.1": "系統發生資安問題之頻率與影響性。"}
    assert [p.text for p in row.cells[layout.LEVEL]] == ["3"]

    as_text = dataclasses.replace(doc, source=Source("cut.txt", "", "txt", 2))
    assert "conflicting-level" in {f.code for f in stitch_document(as_text).findings}


def test_a_duty_code_a_page_cut_after_its_letter_is_one_code() -> None:
    """A one-character 主要職責 column: the page ends with the duty cell's `⚫T` alone and the next
    page's part of the row opens with `2智` (layouts 18/71: `unplaceable-cell` for the lone `T`,
    then a duty name printed again, and the document was rejected). Left of the row's task
    cell, the letter is the duty's code cut by the page; its rest heads the next page's part."""
    doc = _two_page_pdf(
        [("⚫T\n2智\n慧畜", "⚫T2.2智慧自動化設備導入", "⚫O2.2.1設備紀錄", "⚫P2.2.1導入設備。", "6",
          "⚫K10飼養管理", "⚫S01資訊應用"),
         ("⚫T", "⚫T2.3節能畜舍環境", "⚫O2.3.1畜舍用", "⚫P2.3.1", "5", "⚫K12瞭解", "⚫S01資訊")],
        [("2智\n慧畜", "與水電控管", "水紀錄表", "監控用水。", "", "各類機械", "科技應用")])
    stitched = stitch_document(doc)
    assert [f.code for f in stitched.findings if f.severity == "error"] == []
    cut = stitched.rows[1]
    assert [(p.text, p.page) for p in cut.cells[layout.DUTY]] == [("T", 1), ("2智\n慧畜", 2)]
    assert items(cut, layout.DUTY) == {"T2": "智慧畜"}
    assert items(cut, layout.TASK) == {"T2.3": "節能畜舍環境與水電控管"}


def test_a_latin_word_a_page_cut_is_joined_only_with_its_rest() -> None:
    """Extract marks a cell's last line that one Latin word fills edge to edge at a page's foot
    (``layout.WORD_BREAK``: the word is wider than the cell). Layouts 18/128 printed
    `ProcessCommunic` there and `ation）與Web` on the next page, read `Communic ation`. The next
    page's part joins the word when it opens with its rest; a code or a word of its own (a
    capital and a small letter after a small letter) keeps the line break, and a mark with no
    next part is no text."""
    def joined(*texts: str) -> str:
        found, leading = split_items(tuple(Piece(t, n) for n, t in enumerate(texts, 1)),
                                     layout.SKILL)
        assert leading == ""
        return " | ".join(f"{i.code}:{clean_text(i.text)}:{i.page_start}-{i.page_end}"
                          for i in found)

    cut = "S18 各式IPC（Inter-\nProcessCommunic" + layout.WORD_BREAK
    assert joined(cut, "ation）與Web") == "S18:各式IPC（Inter-ProcessCommunication）與Web:1-2"
    assert joined("S18 HAC" + layout.WORD_BREAK, "CP計畫") == "S18:HACCP計畫:1-2"
    assert joined(cut, "Works") == "S18:各式IPC（Inter-ProcessCommunic Works:1-2"
    assert joined(cut, "S19 規劃") == "S18:各式IPC（Inter-ProcessCommunic:1-1 | S19:規劃:2-2"
    assert joined(cut, "資料") == "S18:各式IPC（Inter-ProcessCommunic資料:1-2"
    assert joined(cut) == "S18:各式IPC（Inter-ProcessCommunic:1-1"
    # Without the mark (the word did not fill its line), a Latin break is a line break.
    assert joined("S18 Process", "ation") == "S18:Process ation:1-2"
