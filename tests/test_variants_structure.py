"""Layout variants of the main table's structure (issue: every layout the catalogue uses): header
words, a missing 主要職責 column, a two-row header, task groups, one task in several level blocks,
the older 工作任務/工作活動 template.

Each fixture is the sample's text export edited to show one variant (`tests/fixtures/variants/`).
Its golden folder (`tests/golden/variants/<variant>/`) holds, written by hand from the edit, every
curated table that differs from the sample's own golden (`tests/golden/RTM1324-002v4/`); every
other table must still equal the sample's. Both the text route and the fast PDF route rendered
from the fixture must meet it. The variant table is in the README.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import regex

from pipeline import headers, layout
from pipeline.codes import split_items, split_unpadded
from pipeline.export import csv_text
from pipeline.extract import extract_file, extract_text_export
from pipeline.parse import parse_main_table
from pipeline.records import Finding, GridRow, LogicalRow, Piece, Source, TableSet
from pipeline.spec import TABLES_BY_NAME
from pipeline.stitch import stitch_rows
from tests.conftest import SAMPLE, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import sample_layout
from tests.variant_goldens import (
    ENTITY_TABLES,
    FIXTURES,
    ROUTES,
    SAMPLE_GOLDEN,
    assert_findings_match,
    assert_frames_equal,
    curated,
    frame,
    golden,
    route_tables,
)

VARIANTS = ("header-duty-alias", "header-no-duty-column", "header-two-rows", "task-groups",
            "level-blocks", "older-template")


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], TableSet]:
    return route_tables(VARIANTS, tmp_path_factory.mktemp("structure"))


# Goldens holding only the rows of the tasks a variant changes: every other task's rows are the
# sample's, in the one block the task has in both, renumbered as the variant's block_tasks
# golden numbers it (level-blocks adds two blocks, so later blocks move up).
PARTIAL = {("level-blocks", "task_knowledge"), ("level-blocks", "task_skills")}


def _expected(variant: str, table: str) -> pd.DataFrame:
    own = frame(golden(variant, table).read_text(encoding="utf-8"))
    if (variant, table) not in PARTIAL:
        return own
    blocks = frame(golden(variant, "block_tasks").read_text(encoding="utf-8"))
    changed = set(own["task_code"])
    block_of = {task: block for task, block in zip(blocks["task_code"], blocks["block_no"],
                                                   strict=True) if task not in changed}
    sample = frame((SAMPLE_GOLDEN / f"{table}.csv").read_text(encoding="utf-8"))
    sample = sample[~sample["task_code"].isin(changed)]
    assert len(block_of) == len(set(sample["task_code"])), "an unchanged task with two blocks"
    sample = sample.assign(block_no=sample["task_code"].map(block_of))
    return _in_key_order(pd.concat([own, sample]), table)


def _in_key_order(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Rows by primary key, numbers as numbers (``K09`` before ``K10``, block 9 before 10)."""
    def natural(column: pd.Series) -> pd.Series:
        return column.map(lambda v: tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                                          for p in regex.split(r"(\d+)", v)))
    key = list(TABLES_BY_NAME[table].primary_key)
    return frame.sort_values(key, key=natural).reset_index(drop=True)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_is_accepted(routes: dict[tuple[str, str], TableSet], variant: str,
                             route: str) -> None:
    doc = routes[variant, route]
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]


@pytest.mark.parametrize("table", ENTITY_TABLES)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_tables_match_golden(routes: dict[tuple[str, str], TableSet], variant: str, route: str,
                             table: str) -> None:
    produced = frame(csv_text(TABLES_BY_NAME[table], curated(routes[variant, route])[table]))
    expected = _expected(variant, table)
    assert_frames_equal(produced, expected, table)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_findings_a_reader_can_name_match_golden(routes: dict[tuple[str, str], TableSet],
                                                 variant: str, route: str) -> None:
    """The golden's finding codes, each where the edit puts it, and no other of those codes."""
    assert_findings_match(routes[variant, route], variant)


@pytest.mark.parametrize("route", ROUTES)
def test_a_task_group_is_one_block_whose_items_keep_their_own_task(
        routes: dict[tuple[str, str], TableSet], route: str) -> None:
    """T1.2 and T1.3 printed in one task cell: one block; P1.3.x stay T1.3's. T2.2 and T2.3:
    one block whose indicators (P2.2.x) and K/S items both tasks share."""
    tables = routes["task-groups", route].tables
    group = {b: [t["task_code"] for t in tables["block_tasks"] if t["block_no"] == b]
             for b in (2, 6)}
    assert group == {2: ["T1.2", "T1.3"], 6: ["T2.2", "T2.3"]}
    owners = {i["indicator_code"]: (i["task_code"], i["block_no"]) for i in tables["indicators"]}
    assert owners["P1.2.5"] == ("T1.2", 2) and owners["P1.3.3"] == ("T1.3", 2)
    assert not any(code.startswith("P2.3.") for code in owners)
    cited = {(k["task_code"], k["knowledge_code"]) for k in tables["task_knowledge"]
             if k["block_no"] == 6}
    assert cited == {(t, f"K0{n}") for t in ("T2.2", "T2.3") for n in range(1, 6)}


def test_an_item_naming_a_task_outside_its_group_is_not_moved(tmp_path: Path) -> None:
    """P1.4.1 in a block of T1.2 and T1.3 belongs to neither: it stays with the block's first
    task and validation rejects the document (code-parent-mismatch), nothing is guessed."""
    text = (FIXTURES / "task-groups.txt").read_text(encoding="utf-8")
    edited = text.replace("P1.3.1依工作程序", "P1.4.9依工作程序", 1)
    assert edited != text
    path = tmp_path / "task-group-foreign-indicator.txt"
    path.write_text(edited, encoding="utf-8")
    doc = run_stages(path)
    assert doc.is_rejected
    assert [(f.code, f.where) for f in doc.findings if f.severity == "error"] == [
        ("code-parent-mismatch", "indicators:P1.4.9")]


def test_a_task_code_inside_a_task_name_is_an_error_not_a_silent_task_group(tmp_path: Path
                                                                           ) -> None:
    """`T1.3制訂應變管理策略 (承 T1.2)` reads like a group of T1.3 and T1.2 (named `)`). T1.2
    printed again under another name is a task-name-mismatch error at T1.3's row, so the
    document is rejected instead of T1.3 losing `T1.2)` from its name and T1.2 citing block 3's
    K and S; the group itself is listed (task-group, info) like every other."""
    text = SAMPLE.read_text(encoding="utf-8")
    edited = text.replace("T1.3制訂應變管理策略\t", "T1.3制訂應變管理策略 (承 T1.2)\t", 1)
    assert edited != text
    path = tmp_path / "task-reference.txt"
    path.write_text(edited, encoding="utf-8")
    pdf = tmp_path / "task-reference.pdf"
    pdf.write_bytes(render_fast(sample_layout(extract_file(path))))
    for route, doc in {"text": run_stages(path), "pdf": run_stages(pdf)}.items():
        assert doc.is_rejected, route
        assert [(f.code, f.page, f.where) for f in doc.findings if f.severity == "error"] == [
            ("task-name-mismatch", 2, "block 3:task:T1.2")], route
        assert [(f.page, f.where) for f in doc.findings if f.code == "task-group"] == [
            (2, "block 3")], route


@pytest.mark.parametrize("route", ROUTES)
def test_older_template_keeps_codes_as_printed_and_sub_items_with_their_item(
        routes: dict[tuple[str, str], TableSet], route: str) -> None:
    """工作任務 (T1) / 工作活動 (T1.1) headers; K1 … K10 and S1 … S14 kept as printed — K10 is
    the tenth item, not K1 + a name starting with 0 (codes without zero padding have no usual
    width); K5's bulleted sub-items stay in K5's name, also where a page break falls between
    them, and are neither items of their own nor part of K6."""
    tables = routes["older-template", route].tables
    assert [k["knowledge_code"] for k in tables["knowledge"]] == [f"K{n}" for n in range(1, 11)]
    assert [s["skill_code"] for s in tables["skills"]] == [f"S{n}" for n in range(1, 15)]
    names = {k["knowledge_code"]: k["name"] for k in tables["knowledge"]}
    assert names["K5"] == "風險評估和管理原則●風險辨識●風險處理"
    assert names["K6"] == "國際運送承攬業人力資源管理"
    assert {d["duty_code"] for d in tables["duties"]} == {"T1", "T2", "T3"}


def test_older_template_k3_glued_to_a_name_starting_with_3_is_read_as_k3(tmp_path: Path
                                                                         ) -> None:
    """Every `K3國際運送…` of older-template.txt printed `K33PL承攬業管理程序與規範`: K3 is the
    next in each list (K2 < K3 < K4, or K3 first before K4) and printed nowhere on its own,
    K33 fits no list and has no K32 or K34 beside it: read as K3 + `3PL…`, one
    code-digits-split warning per printing, never exported as K33."""
    text = (FIXTURES / "older-template.txt").read_text(encoding="utf-8")
    edited = text.replace("K3國際運送承攬業管理程序與規範", "K33PL承攬業管理程序與規範")
    assert edited.count("K33PL") == 10
    path = tmp_path / "older-k3.txt"
    path.write_text(edited, encoding="utf-8")
    pdf = tmp_path / "older-k3.pdf"
    pdf.write_bytes(render_fast(sample_layout(extract_file(path))))
    for route, doc in {"text": run_stages(path), "pdf": run_stages(pdf)}.items():
        assert not doc.is_rejected, route
        names = {k["knowledge_code"]: k["name"] for k in doc.tables["knowledge"]}
        assert list(names) == [f"K{n}" for n in range(1, 11)], route
        assert names["K3"] == "3PL承攬業管理程序與規範", route
        cited = [k["block_no"] for k in doc.tables["task_knowledge"] if k["knowledge_code"] == "K3"]
        split = [f for f in doc.findings if f.code == "code-digits-split"]
        assert [f.where for f in split] == ["knowledge:K3"] * len(cited) == ["knowledge:K3"] * 10


def _unpadded(*cells: str) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    findings: list[Finding] = []
    listed = [split_items((Piece(cell, 1),), layout.KNOWLEDGE)[0] for cell in cells]
    read = split_unpadded(listed, layout.KNOWLEDGE, findings)
    return ([[f"{i.code}|{i.text.strip()}" for i in items] for items in read],
            [(f.code, f.severity, f.where) for f in findings])


def test_an_unpadded_code_glued_to_a_digit_is_split_only_where_the_list_tells() -> None:
    # K7 + 2D… last in its list, K7 printed nowhere on its own, no K71 or K73: K7.
    read, found = _unpadded("K1甲 K2乙 K6丙 K72D繪圖", "K8戊 K9己 K10庚")
    assert read[0][-1] == "K7|2D繪圖"
    assert found == [("code-digits-split", "warning", "knowledge:K7")]
    # K10 after K9, K12 first in a list while K1 is printed: items of their own.
    read, found = _unpadded("K1甲 K9乙 K10丙", "K12丁 K13戊")
    assert read == [["K1|甲", "K9|乙", "K10|丙"], ["K12|丁", "K13|戊"]] and found == []


@pytest.mark.parametrize(("cells", "errors", "codes"), [
    # K3 printed nowhere on its own: K32 fits its list (after K2, last) beside a printed K31 and
    # K33, and K31 (first, before K33) beside K32 — each could be K3 + a digit.
    (("K1甲 K2乙 K32D繪圖", "K31丁 K33戊"), ["knowledge:K32", "knowledge:K31"],
     ["K1", "K2", "K32", "K31", "K33"]),
    # K133: K1 + 33… or K13 + 3…, neither printed on its own (K13 alone, with no K12 or K14,
    # is K1 + 3D原理).
    (("K133D列印", "K13D原理 K23D進階"), ["knowledge:K133"], ["K133", "K1", "K2"]),
])
def test_an_unpadded_code_the_list_cannot_take_apart_is_an_error(
        cells: tuple[str, ...], errors: list[str], codes: list[str]) -> None:
    read, found = _unpadded(*cells)
    assert [w for code, sev, w in found if (code, sev) == ("ambiguous-code-digits", "error")] \
        == errors
    assert [i.split("|")[0] for items in read for i in items] == codes


# ---------------------------------------------------------------- one header classifier

TEXT_HEADER = ("主要職責\t工作任務\t工作產出\t行為指標\t職能級別\t職能內涵 (K=knowledge 知識)\t"
               "職能內涵 (S=skills 技能)")


@pytest.mark.parametrize(("first", "second", "kind", "rows", "roles"), [
    # The text export's one-line header, and pdfplumber's wrapped header words.
    (TEXT_HEADER.split("\t"), None, "main", 1, layout.ROLE_ORDER),
    (["主要職責", "工作任務", "工作產出", "行為指標", "職能級\n別", "職能內涵\n(K=knowledge 知識)",
      "職能內涵\n(S=skills 技能)"], None, "main", 1, layout.ROLE_ORDER),
    (["工作職責", *TEXT_HEADER.split("\t")[1:]], None, "main", 1, layout.ROLE_ORDER),
    (TEXT_HEADER.split("\t")[1:], None, "main", 1, layout.ROLE_ORDER[1:]),
    # The older template: 工作任務 heads the T1 column when 工作活動 heads the T1.1 column.
    (["工作任務", "工作活動", *TEXT_HEADER.split("\t")[2:]], None, "main", 1, layout.ROLE_ORDER),
    # A two-row header as pdfplumber returns it (None under spanned and merged cells) and as the
    # text export prints it (two lines, the lower one padded with empty cells).
    (["主要職責", "工作任務", "工作產出", "行為指標", "職能\n級別", "職能內涵", None],
     [None, None, None, None, None, "(K=knowledge 知\n識)", "(S=skills 技能)"],
     "main", 2, layout.ROLE_ORDER),
    ("主要職責\t工作任務\t工作產出\t行為指標\t職能級別\t職能內涵".split("\t"),
     "\t\t\t\t\t(K=knowledge 知識)\t(S=skills 技能)".split("\t"), "main", 2, layout.ROLE_ORDER),
    (["版本", "職能基準代碼", "職能基準名稱", "狀態", "更新說明", "發展更新日期"], None, "versions",
     1, ()),
    (["職能基準代碼", "RTM1324-002v4", "", ""], None, "profile", 0, ()),
    (["職能內涵 (A=attitude 態度)"], None, "attitudes", 1, ()),
    (["說明與補充事項", None], None, "notes", 1, ()),
])
def test_one_header_rule_for_both_routes(first: list[str | None], second: list[str | None] | None,
                                         kind: str, rows: int, roles: tuple[str, ...]) -> None:
    header = headers.classify_header(first, second)
    assert header is not None
    assert (header.kind, header.rows) == (kind, rows)
    assert tuple(r for r in header.columns if r is not None) == roles


@pytest.mark.parametrize(("first", "second"), [
    # 職能內涵 over K and S, but no row below naming them: not a header.
    ("主要職責\t工作任務\t工作產出\t行為指標\t職能級別\t職能內涵".split("\t"), None),
    ("主要職責\t工作任務\t工作產出\t行為指標\t職能級別\t職能內涵".split("\t"),
     "T1.1管理\t\tP1.1.1領導\t5\tK01標準\tS01領導".split("\t")),
    # A column out of order, or one missing that is not optional.
    (["工作任務", "主要職責", *TEXT_HEADER.split("\t")[2:]], None),
    (TEXT_HEADER.split("\t")[:-1], None),
])
def test_anything_else_is_no_header(first: list[str], second: list[str] | None) -> None:
    assert headers.classify_header(first, second) is None


def test_text_route_keeps_the_two_header_lines_and_their_columns() -> None:
    text = (FIXTURES / "header-two-rows.txt").read_text(encoding="utf-8")
    doc = extract_text_export(text, Source("header-two-rows.txt", "", "text", 0))
    assert [len(g.header) for g in doc.main] == [2] * 6
    assert all(g.columns == layout.ROLE_ORDER for g in doc.main)
    # The lower header line is not read as a table row: page 1's first row is T1.1's.
    assert doc.main[0].rows[0].cells[1].startswith("T1.1")


def test_a_header_that_changes_between_pages_is_an_error(tmp_path: Path) -> None:
    """Rows are read against their page's header: a page whose header names other columns than
    the first page's is not silently read against the wrong one."""
    text = (FIXTURES / "header-no-duty-column.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("工作任務\t"))
    lines[first] = "主要職責\t" + lines[first]
    path = tmp_path / "mixed-headers.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = run_stages(path)
    assert doc.is_rejected
    changed = [(f.page, f.severity) for f in doc.findings if f.code == "header-changed"]
    assert changed == [(p, "error") for p in range(2, 7)]


# ---------------------------------------------------------------- one task, several level blocks


@pytest.mark.parametrize("route", ROUTES)
def test_one_task_in_several_level_blocks_is_one_task_with_a_block_per_level(
        routes: dict[tuple[str, str], TableSet], route: str) -> None:
    """T1.4 printed twice (code and name again, the name starting with a digit: `T1.43PL…`) and
    T3.2 once with its task cell merged over a second row: two blocks each, each with its own
    level and items; one task each, whose level is null since its blocks differ."""
    tables = routes["level-blocks", route].tables
    blocks = {b["block_no"]: b["level"] for b in tables["blocks"]}
    of_task = {code: [(b["block_no"], blocks[b["block_no"]]) for b in tables["block_tasks"]
                      if b["task_code"] == code] for code in ("T1.4", "T3.2")}
    assert of_task == {"T1.4": [(4, 3), (5, 4)], "T3.2": [(11, 4), (12, 5)]}
    tasks = {t["task_code"]: (t["name"], t["level"]) for t in tables["tasks"]}
    assert tasks["T1.4"] == ("3PL進出口物流的作業期程", None) and tasks["T3.2"][1] is None
    assert len(tasks) == 10
    assert [(o["output_code"], o["block_no"]) for o in tables["outputs"]
            if o["task_code"] == "T1.4"] == [("O1.4.1", 4), ("O1.4.2", 5)]


def _block(page: int, **cells: str) -> LogicalRow:
    return LogicalRow({role: (Piece(text, page),) for role, text in cells.items()}, page, page)


def _tasks_and_blocks(rows: list[LogicalRow]) -> tuple[list[tuple[str, str]], list[tuple[int, str]],
                                                       list[str]]:
    main, findings = parse_main_table(tuple(rows), "RTM1324-002v4")
    return ([(t["task_code"], t["name"]) for t in main.tasks],
            [(b["block_no"], b["task_code"]) for b in main.block_tasks],
            [f.where for f in findings if f.code == "code-digits-split"])


def test_a_glued_code_is_read_the_same_when_its_task_comes_back_in_another_level_block() -> None:
    """`T1.1` + `2D繪圖` prints `T1.12D繪圖` in each of the task's blocks. The second time the
    next code in sequence is T1.2, yet the printed code is T1.1's again (same name): it is read
    as T1.1, not as a new task T1.12, and the T1.2 that follows is still expected."""
    common = {"knowledge": "K01甲", "skill": "S01乙"}
    rows = [
        _block(1, duty="T1繪圖", task="T1.12D繪圖", indicator="P1.1.1畫", level="3", **common),
        _block(1, task="T1.12D繪圖", indicator="P1.1.2審", level="4", **common),
        _block(2, task="T1.23D建模", indicator="P1.2.1建", level="4", **common),
    ]
    tasks, blocks, split = _tasks_and_blocks(rows)
    assert tasks == [("T1.1", "2D繪圖"), ("T1.2", "3D建模")]
    assert blocks == [(1, "T1.1"), (2, "T1.1"), (3, "T1.2")]
    assert split == ["task:T1.1", "task:T1.1", "task:T1.2"]


def test_a_task_coming_back_does_not_move_the_expected_next_code_backwards() -> None:
    """T1.1 again after T1.2: the next new task is still T1.3, so `T1.33D…` reads T1.3 + 3D…"""
    common = {"knowledge": "K01甲", "skill": "S01乙"}
    rows = [
        _block(1, duty="T1繪圖", task="T1.1繪圖", indicator="P1.1.1畫", level="3", **common),
        _block(1, task="T1.2審圖", indicator="P1.2.1審", level="3", **common),
        _block(2, task="T1.1繪圖", indicator="P1.1.2畫", level="4", **common),
        _block(2, task="T1.33D建模", indicator="P1.3.1建", level="4", **common),
    ]
    tasks, blocks, split = _tasks_and_blocks(rows)
    assert [code for code, _name in tasks] == ["T1.1", "T1.2", "T1.3"]
    assert blocks == [(1, "T1.1"), (2, "T1.2"), (3, "T1.1"), (4, "T1.3")]
    assert split == ["task:T1.3"]


def test_a_code_that_only_looks_glued_to_a_task_seen_before_is_kept() -> None:
    """T1.12 printed after T1.1…T1.10 (T1.11 missing) is not T1.1 + a name starting with 2: a
    task that comes back carries its name again, and `2任務十二` is not T1.1's name. The gap is
    validation's to report (numbering-gap), not parse's to repair."""
    common = {"knowledge": "K01甲", "skill": "S01乙"}
    rows = [_block(1, duty="T1職責", task=f"T1.{n}任務{n}", indicator=f"P1.{n}.1做", level="3",
                   **common) for n in range(1, 11)]
    rows.append(_block(2, task="T1.12任務十二", indicator="P1.12.1做", level="3", **common))
    tasks, _blocks, split = _tasks_and_blocks(rows)
    assert tasks[-1] == ("T1.12", "任務十二") and split == []


T32 = ("", "T3.2督導與管理團隊客戶諮詢服務", "", "P3.2.1督導團隊。 P3.2.2依據需求。", "4",
       "K01國際運送承攬 K02國際貿易", "S01領導能力")


@pytest.mark.parametrize(("second", "merged"), [
    # Its own level, indicators of T3.2: the next level block of T3.2.
    (("", "", "", "P3.2.3依公司程序。", "5", "K04資訊系統", "S05緊急應變能力"), True),
    # Indicators of another task, no level, or a fragment: still an orphan row, not guessed.
    (("", "", "", "P3.3.1依公司程序。", "5", "K04資訊系統", "S05緊急應變能力"), False),
    (("", "", "", "P3.2.3依公司程序。", "", "K04資訊系統", "S05緊急應變能力"), False),
    (("", "", "", "程序。 P3.2.3依公司程序。", "5", "K04資訊系統", "S05緊急應變能力"), False),
])
def test_a_row_without_a_task_cell_is_a_level_block_only_when_whole(
        second: tuple[str, ...], merged: bool) -> None:
    rows, findings = stitch_rows(((6, (GridRow(6, T32), GridRow(6, second))),))
    codes = [f.code for f in findings]
    if merged:
        assert len(rows) == 2 and codes == ["task-cell-merged"]
        assert rows[1].cells[layout.TASK] == rows[0].cells[layout.TASK]
        assert [p.text for p in rows[1].cells[layout.INDICATOR]] == ["P3.2.3依公司程序。"]
    else:
        assert len(rows) == 1 and codes == ["orphan-row"]


# A page's first row is printed T3.2's second block (its task cell merged over both, the page
# break falling between the blocks) or the rest of T3.2's first row.
T32_TOP = ("", "", "", "P3.2.3依公司程序。", "4", "K04資訊系統", "S05緊急應變能力")


@pytest.mark.parametrize(("second", "blocks", "codes"), [
    # Whole, its own level: Word leaves a continued row's level cell empty, so this is the next
    # level block — at the same level as the block above, at another, or restarting at K01.
    (T32_TOP, 2, ["task-cell-merged"]),
    ((*T32_TOP[:4], "5", *T32_TOP[5:]), 2, ["task-cell-merged"]),
    ((*T32_TOP[:5], "K01國際運送承攬 K04資訊系統", *T32_TOP[6:]), 2, ["task-cell-merged"]),
    # No level: the rest of the row above.
    ((*T32_TOP[:4], "", *T32_TOP[5:]), 1, ["row-continued"]),
    # A level but not whole (a fragment first): read as the rest of the row, never silently —
    # the same level is a doubt (warning), another level an error.
    (("", "", "", "程序。 P3.2.3依公司程序。", "4", "K04資訊系統", "S05緊急應變能力"), 1,
     ["split-cell-joined", "level-printed-again", "row-continued"]),
    (("", "", "", "程序。 P3.2.3依公司程序。", "5", "K04資訊系統", "S05緊急應變能力"), 1,
     ["split-cell-joined", "conflicting-level", "row-continued"]),
])
def test_a_whole_row_with_its_own_level_at_a_page_top_is_the_next_level_block(
        second: tuple[str, ...], blocks: int, codes: list[str]) -> None:
    rows, findings = stitch_rows(((6, (GridRow(6, T32),)), (7, (GridRow(7, second),))))
    assert len(rows) == blocks
    assert [f.code for f in findings] == codes
    if blocks == 2:
        assert rows[1].cells[layout.TASK] == rows[0].cells[layout.TASK]
        assert [p.text for p in rows[1].cells[layout.LEVEL]] == [second[4]]
        assert (rows[1].page_start, findings[0].page, findings[0].where) == (7, 7, "row 2")


_LEVEL_BLOCK_AT_PAGE_TOP = "\t\t\tP3.2.3依公司程序，修正或調整客戶諮詢服務程序。\t"
_K01_AGAIN = "K01國際運送承攬與運送業之標準作業程序與行業規範 K04"


@pytest.mark.parametrize("knowledge", ["K04", _K01_AGAIN], ids=["K04", "K01-again"])
@pytest.mark.parametrize("route", ROUTES)
def test_a_level_block_starting_a_page_at_the_same_level_is_not_merged_into_the_one_above(
        tmp_path: Path, route: str, knowledge: str) -> None:
    """level-blocks.txt with a page break (the header printed again) before T3.2's second block,
    whose level is printed 4 like the first's: still two blocks of T3.2, not one row continued
    onto the next page (nor, when it restarts at K01, a duplicate citation rejecting it)."""
    text = (FIXTURES / "level-blocks.txt").read_text(encoding="utf-8")
    old = _LEVEL_BLOCK_AT_PAGE_TOP + "5\tK04"
    assert text.count(old) == 1
    edited = text.replace(old, TEXT_HEADER + "\n" + _LEVEL_BLOCK_AT_PAGE_TOP + "4\t" + knowledge)
    path = tmp_path / "level-block-at-page-top.txt"
    path.write_text(edited, encoding="utf-8")
    if route == "pdf":
        pdf = tmp_path / "level-block-at-page-top.pdf"
        pdf.write_bytes(render_fast(sample_layout(extract_file(path))))
        path = pdf
    doc = run_stages(path)
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]
    tables = doc.tables
    levels = {b["block_no"]: (b["level"], b["page_start"], b["page_end"]) for b in tables["blocks"]}
    assert len(levels) == 12
    of_t32 = [levels[b["block_no"]] for b in tables["block_tasks"] if b["task_code"] == "T3.2"]
    assert of_t32 == [(4, 6, 6), (4, 7, 7)]
    merged = [(f.page, f.where) for f in doc.findings if f.code == "task-cell-merged"]
    assert merged == [(7, "row 17")]
    assert not [f for f in doc.findings if f.code == "row-continued" and f.where == "T3.2"]
    first = next(k["knowledge_code"] for k in tables["task_knowledge"] if k["block_no"] == 12)
    assert first == knowledge[:3]


def test_a_four_number_code_glued_to_a_digit_led_text_is_read_in_sequence() -> None:
    """`P1.1.1.1…` then `P1.1.1.23D工作圖…`: a code with a fourth number is numbered in sequence
    under its first three, so the second is P1.1.1.2 + `3D工作圖…` (a code-digits-split warning),
    not P1.1.1.23 (layouts 6/373 and 7/399 exported it so, flagged)."""
    from pipeline.codes import CodeSequence
    from pipeline.records import Item

    findings: list[Finding] = []
    sequence = CodeSequence(findings)
    read = [sequence.take(Item(code, text, 2, 2), "P1.1.", layout.INDICATOR)
            for code, text in (("P1.1.1.1", "檢查圖面"), ("P1.1.1.23", "D工作圖檔轉檔"),
                               ("P1.1.2.1", "確認"), ("P1.1.2.2", "回報"))]
    assert [(i.code, i.text) for i in read] == [
        ("P1.1.1.1", "檢查圖面"), ("P1.1.1.2", "3D工作圖檔轉檔"), ("P1.1.2.1", "確認"),
        ("P1.1.2.2", "回報")]
    assert [(f.code, f.where) for f in findings] == [("code-digits-split", "indicator:P1.1.1.2")]
