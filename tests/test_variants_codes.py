"""Layout variants of the real catalogue about codes and the sections around the main table
(issue: every layout the catalogue uses): printed code forms, attitudes, notes, private-use and
compatibility characters, unplaceable rows, nested tables.

Each fixture is the sample edited to show one variant; its golden (``tests/golden/variants/
<fixture>/``) is written from the edit, and both the text route and the fast PDF route must meet
it. The variant table (variant → fixture → behaviour) is in the README.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from pipeline import layout
from pipeline.catalogue import findings_rows
from pipeline.codes import split_items
from pipeline.export import assemble, csv_text
from pipeline.extract import extract_file
from pipeline.records import Finding, GridRow, Piece, TableSet
from pipeline.sections import parse_notes
from pipeline.spec import TABLES
from pipeline.stitch import classify_cell, stitch_rows
from tests.conftest import REPO, SAMPLE, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import as_free_text, nest_table, sample_layout

FIXTURES = REPO / "tests" / "fixtures" / "variants"
GOLDEN = REPO / "tests" / "golden" / "variants"
SAMPLE_GOLDEN = REPO / "tests" / "golden" / "RTM1324-002v4"
# Which file was read (name, hash, text or pdf) is not content: the variants share the sample's.
SOURCE_COLUMNS = ["source_file", "source_sha256", "source_format"]
ROUTES = ["text", "pdf"]


def _routes(name: str, tmp: Path, free_text: bool = False) -> dict[str, TableSet]:
    """The fixture through the text route, and rendered by the fast route through the PDF one
    (and, with ``free_text``, rendered with the back matter as paragraphs: ``pdf-free-text``)."""
    text = FIXTURES / f"{name}.txt"
    paged = sample_layout(extract_file(text))
    routes = {"text": run_stages(text)}
    for route, layout_ in (("pdf", paged), ("pdf-free-text", as_free_text(paged))):
        if route == "pdf-free-text" and not free_text:
            continue
        pdf = tmp / f"{name}-{route}.pdf"
        pdf.write_bytes(render_fast(layout_))
        routes[route] = run_stages(pdf)
    return routes


def _golden(case: str, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (GOLDEN / case / f"{table}.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _as_text(value: object) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _natural(row: dict[str, str], columns: tuple[str, ...]) -> tuple[object, ...]:
    return tuple((0, int(row[c]), "") if row[c].isdigit() else (1, 0, row[c]) for c in columns)


def assert_table_matches(doc: TableSet, case: str, table: str,
                         sort_by: tuple[str, ...] = ()) -> None:
    """The golden's columns of every row of the table, in printed order (or both sorted by
    ``sort_by``, the golden's primary key, when the golden is written in key order)."""
    columns, expected = _golden(case, table)
    got = [{c: _as_text(row.get(c)) for c in columns} for row in doc.tables[table]]
    assert expected, "an empty golden checks nothing"
    if sort_by:
        got.sort(key=lambda r: _natural(r, sort_by))
        expected.sort(key=lambda r: _natural(r, sort_by))
    assert got == expected


def assert_findings_match(doc: TableSet, case: str) -> None:
    """Every finding of the codes the golden names, and nothing else of those codes, in the
    golden's columns of the curated findings rows (``standard_code`` included)."""
    columns, expected = _golden(case, "findings")
    codes = {r["code"] for r in expected}
    rows = findings_rows(doc.tables["standards"][0]["standard_code"], doc.findings)
    got = [{c: _as_text(r[c]) for c in columns} for r in rows if r["code"] in codes]
    key = lambda r: tuple(r[c] for c in columns)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


def _accepted(doc: TableSet) -> None:
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]


# ---------------------------------------------------------------- 5. codes as printed


@pytest.fixture(scope="module")
def printed_codes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSet]:
    return _routes("printed-codes", tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize("route", ROUTES)
def test_printed_codes_are_stored_canonical_with_the_printed_form_kept(
    printed_codes: dict[str, TableSet], route: str
) -> None:
    doc = printed_codes[route]
    _accepted(doc)
    assert_table_matches(doc, "printed-codes", "outputs")
    assert_table_matches(doc, "printed-codes", "indicators")
    assert_findings_match(doc, "printed-codes")


def test_a_letterless_code_inside_a_page_top_fragment_does_not_make_it_an_output() -> None:
    """`符合事項（依表 04.2.1）。` at the top of a page continues P1.5.2: the form number inside it
    is not an output code, so the fragment is placed by the open cells (here: the indicator's)
    and the output cell above is not given the indicators that follow. Only a cell that starts
    with the zero form is an output cell (parse then checks the task's numbers)."""
    fragment = classify_cell("符合事項（依表 04.2.1）。 P1.5.3運用適當方法", 3)
    assert (fragment.role, fragment.leads_with_fragment) == (layout.INDICATOR, True)
    assert classify_cell("符合事項（依表 04.2.1）。", 3).role is None
    assert classify_cell("01.5.1進出口物流相關計畫", 2).role == layout.OUTPUT


def _piece(text: str) -> tuple[Piece, ...]:
    return (Piece(text, 1),)


def test_a_code_printed_without_its_letter_is_read_only_where_the_task_expects_it() -> None:
    items, leading = split_items(_piece("04.2.1報告"), layout.OUTPUT, "O4.2.")
    assert [(i.code, i.code_as_printed, i.text) for i in items] == [("O4.2.1", "04.2.1", "報告")]
    assert leading == ""
    # Another task's numbers: text, so the cell has text before any code (an uncoded-text error).
    items, leading = split_items(_piece("04.2.1報告"), layout.OUTPUT, "O1.2.")
    assert items == [] and leading == "04.2.1報告"
    # Inside an item, after white space, with numbers that are not the task's: part of the name.
    items, _ = split_items(_piece("O1.2.1計畫 (form 04.2.1)"), layout.OUTPUT, "O1.2.")
    assert [(i.code, i.text) for i in items] == [("O1.2.1", "計畫 (form 04.2.1)")]


def test_a_letterless_code_is_an_item_only_at_the_start_of_the_cell_or_of_a_line() -> None:
    """After other text on its line, even with the task's own numbers, `01.4.2` is a reference
    inside the name; at the start of a printed line or paragraph it starts the next output."""
    items, _ = split_items(_piece("O1.4.1進出口物流規劃文件 (依 01.4.2 格式)"), layout.OUTPUT,
                           "O1.4.")
    assert [(i.code, i.text) for i in items] == [("O1.4.1", "進出口物流規劃文件 (依 01.4.2 格式)")]
    for printed in ("O1.4.1規劃文件\n01.4.2作業報告", "<p>O1.4.1規劃文件</p> <p>01.4.2作業報告</p>",
                    "O1.4.1規劃文件\n  01.4.2作業報告"):
        items, _ = split_items(_piece(printed), layout.OUTPUT, "O1.4.")
        assert [(i.code, i.code_as_printed) for i in items] == [("O1.4.1", None),
                                                                ("O1.4.2", "01.4.2")], printed
    # A cell's second piece (after a page break) starts a printed line.
    items, _ = split_items((Piece("O1.4.1規劃文件", 3), Piece("01.4.2作業報告", 4)), layout.OUTPUT,
                           "O1.4.")
    assert [(i.code, i.page_start) for i in items] == [("O1.4.1", 3), ("O1.4.2", 4)]


def test_printed_code_forms_are_read_only_at_an_item_start_and_only_in_their_column() -> None:
    # Glued to the text before it, a code-like string is text.
    items, _ = split_items(_piece("P1.1.1依規範P 1.1.2執行"), layout.INDICATOR, "P1.1.")
    assert [i.code for i in items] == ["P1.1.1"]
    # An indicator cell has no letterless codes: `01.1.2` there is text.
    items, _ = split_items(_piece("P1.1.1依 01.1.2 執行"), layout.INDICATOR, "P1.1.")
    assert [(i.code, i.text) for i in items] == [("P1.1.1", "依 01.1.2 執行")]
    # A canonical code keeps no printed form.
    items, _ = split_items(_piece("P1.1.1甲 P.1.1.2乙"), layout.INDICATOR, "P1.1.")
    assert [(i.code, i.code_as_printed) for i in items] == [("P1.1.1", None), ("P1.1.2", "P.1.1.2")]


@pytest.mark.parametrize(("code", "task"), [
    ("P1.3.2", "T1.3"), ("O12.4.1", "T12.4"), ("P.1.3.2", "T1.3"), ("P 2.1.10", "T2.1"),
    ("O 1.2.1", "T1.2"), ("04.2.1", "T4.2"),
    ("T1.3", None), ("K01", None), ("P1.3", None), ("P1.3.2甲", None),
])
def test_the_task_an_item_code_names_in_any_printed_form(code: str, task: str | None) -> None:
    assert layout.task_of_item(code) == task


def test_a_merged_level_block_is_recognised_by_indicator_codes_in_any_printed_form() -> None:
    """A row with no task cell, its own level and indicators `P.3.2.3` / `P 3.2.4`: the next
    level block of T3.2 (read through the one item → task rule), not an orphan row."""
    first = ("", "T3.2督導客戶諮詢服務", "", "P3.2.1督導。 P3.2.2指導。", "4", "K01甲", "S01乙")
    second = ("", "", "", "P.3.2.3修正。 P 3.2.4調整。", "5", "K04丙", "S05丁")
    rows, findings = stitch_rows(((6, (GridRow(6, first), GridRow(6, second))),))
    assert [f.code for f in findings] == ["task-cell-merged"]
    assert len(rows) == 2 and rows[1].cells[layout.TASK] == rows[0].cells[layout.TASK]


# ---------------------------------------------------------------- 9. notes


@pytest.fixture(scope="module")
def notes_glossary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSet]:
    return _routes("notes-glossary", tmp_path_factory.mktemp("variants"), free_text=True)


@pytest.mark.parametrize("route", [*ROUTES, "pdf-free-text"])
def test_glossary_entries_related_categories_and_leading_digits(
    notes_glossary: dict[str, TableSet], route: str
) -> None:
    """【註n】 entries one note each (two printed in one paragraph are split; a marker inside a
    sentence is a reference and stays), the 相關所屬類別 list one note per entry, wrapped lines
    joined, and `2年…` / `3D列印技術` keep their digits when the bullet before them goes."""
    doc = notes_glossary[route]
    _accepted(doc)
    assert_table_matches(doc, "notes-glossary", "notes", sort_by=("section", "position"))


def test_a_glossary_marker_inside_a_sentence_is_not_an_entry() -> None:
    rows = (GridRow(1, ("其他補充說明：",)),
            GridRow(1, ("照明相關規範【註2】概要：見 【註2】說明",)))
    notes, findings = parse_notes(rows, "X", [], [])
    assert findings == []
    assert [(n["section"], n["text"]) for n in notes] == [
        ("supplementary", "照明相關規範【註2】概要：見 【註2】說明")]


# ---------------------------------------------------------------- 7. attitudes


@pytest.fixture(scope="module")
def attitudes_shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSet]:
    return _routes("attitudes-shared-table", tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize("route", ROUTES)
def test_attitudes_sharing_the_last_tasks_table_uncoded_and_wrapped(
    attitudes_shared: dict[str, TableSet], route: str
) -> None:
    """A01–A03 and 團隊意識 printed as rows of the main table under T3.2 (page 6): the task
    keeps its rows, every attitude its position; A02's name wrapped before its colon is joined,
    A03's description printed below its name is joined; code-less attitudes keep a null code."""
    doc = attitudes_shared[route]
    _accepted(doc)
    assert_table_matches(doc, "attitudes-shared-table", "attitudes")
    assert_findings_match(doc, "attitudes-shared-table")
    last = doc.tables["blocks"][-1]
    assert (last["block_no"], last["page_start"], last["page_end"]) == (10, 6, 6)
    assert [r["skill_code"] for r in doc.tables["task_skills"] if r["block_no"] == 10][-1] == "S14"


def test_the_attitude_title_row_inside_the_main_table_starts_the_attitude_section() -> None:
    from pipeline.extract_pdf import _read_table
    from pipeline.pdf_text import Sections as _Sections

    class Row:
        cells = tuple((10.0 * j, 0.0, 10.0 * j + 10, 10.0) for j in range(7))

    class Table:
        page = None  # no cell here is read from the page's characters
        rows = (Row(),) * 4
        cells = Row.cells  # the body's cells are not needed: nothing is nested
        bbox = (0.0, 0.0, 70.0, 40.0)

        def extract(self) -> list[list[str | None]]:
            header = ["主要職責", "工作任務", "工作產出", "行為指標", "職能級別",
                      "職能內涵 (K=knowledge 知識)", "職能內涵 (S=skills 技能)"]
            return [header, ["", "T1.1甲", "", "P1.1.1乙", "3", "K01丙", "S01丁"],
                    ["職能內涵 (A=attitude 態度)", *[None] * 6], ["A01戊：己", *[None] * 6]]

    state = _Sections()
    _read_table(Table(), 4, state)
    assert [len(g.rows) for g in state.main] == [1]
    assert state.attitudes == [GridRow(4, ("A01戊：己", "", "", "", "", "", ""))]
    assert state.current == "attitudes"


# ---------------------------------------------------------------- 11. private use, Kangxi


PRIVATE_USE = "private-use-kangxi"
# Printed with code points the fast route's CID font cannot encode: the PDF is rendered once by
# tests/render/make_private_use_fixture.py (TrueType AR PL UMing) and committed.
ODD_CODE_POINTS = {"\uf0b7", "\uf09f", "\uf06c", "\u2f08", "\u2f12", "\u2f1d", "\u2fa8",
                   "\u2fb5", "\uf9b4", "\uf9e4", "\ufa63"}


@pytest.fixture(scope="module")
def private_use() -> dict[str, TableSet]:
    return {"text": run_stages(FIXTURES / f"{PRIVATE_USE}.txt"),
            "pdf": run_stages(FIXTURES / f"{PRIVATE_USE}.pdf")}


def test_the_committed_pdfs_text_layer_has_the_odd_code_points() -> None:
    import pdfplumber

    with pdfplumber.open(FIXTURES / f"{PRIVATE_USE}.pdf") as pdf:
        printed = {c["text"] for page in pdf.pages for c in page.chars}
    assert ODD_CODE_POINTS <= printed
    text = (FIXTURES / f"{PRIVATE_USE}.txt").read_text(encoding="utf-8")
    assert ODD_CODE_POINTS <= set(text)


@pytest.mark.parametrize("route", ROUTES)
def test_private_use_bullets_removed_and_ideographs_mapped_are_counted(
    private_use: dict[str, TableSet], route: str
) -> None:
    """Every curated text equals the sample's (whose text has none of these code points), the
    added `3D列印技術` note keeps its 3 after its U+F06C bullet, and each table where a character
    was removed or mapped has a finding counting them by code point, at the first page."""
    doc = private_use[route]
    _accepted(doc)
    sample_golden = REPO / "tests" / "golden" / "RTM1324-002v4"
    for table in ("duties", "tasks", "indicators", "outputs", "knowledge", "skills",
                  "attitudes", "task_knowledge", "task_skills"):
        with (sample_golden / f"{table}.csv").open(encoding="utf-8") as handle:
            expected = list(csv.DictReader(handle))
        got = [{c: _as_text(r.get(c)) for c in expected[0]} for r in doc.tables[table]]
        assert sorted(got, key=str) == sorted(expected, key=str), table
    assert doc.tables["standards"][0]["description"].startswith("督導及管理國際貨運部門人員")
    assert_table_matches(doc, PRIVATE_USE, "notes", sort_by=("section", "position"))
    assert_findings_match(doc, PRIVATE_USE)
    texts = [v for rows in doc.tables.values() for r in rows for v in r.values()
             if isinstance(v, str)]
    assert not any(set(v) & ODD_CODE_POINTS for v in texts)


# ---------------------------------------------------------------- 13. rows that cannot be placed


@pytest.mark.parametrize("case", ["orphan-row", "cell-outside-columns"])
def test_a_row_or_cell_that_cannot_be_placed_rejects_the_document_with_its_location(
    case: str, tmp_path: Path
) -> None:
    """orphan-row: a code-less row in the middle of page 2 (row 4, the K column), not a page
    continuation. cell-outside-columns: T2.1's row (row 9, page 4) carries an eighth cell, drawn
    right of the table in the PDF, under no header column. Every error is in the golden — page,
    row and column — and the document contributes no row to the catalogue."""
    for route, doc in _routes(case, tmp_path).items():
        assert doc.is_rejected, route
        _, expected = _golden(case, "findings")
        errors = sorted((f.code, f.severity, str(f.page), f.where)
                        for f in doc.findings if f.severity == "error")
        assert errors == sorted(tuple(r.values()) for r in expected), route
        tables, entries = assemble([doc], {})
        assert [e.status for e in entries] == ["rejected"], route
        assert all(not rows for name, rows in tables.items() if name != "findings"), route


def _two_row_headers(text: str) -> str:
    """A text export with every main-table header printed on two lines, as in
    ``header-two-rows.txt`` (職能內涵 over the line naming K and S)."""
    two = (FIXTURES / "header-two-rows.txt").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(two) if line.startswith("主要職責\t"))
    one = next(line for line in text.split("\n") if line.startswith("主要職責\t"))
    return text.replace(one, "\n".join(two[start:start + 2]))


@pytest.mark.parametrize("header", ["two-row", "no-duty-column"])
def test_a_cell_outside_the_columns_is_found_under_every_header_variant(
    header: str, tmp_path: Path
) -> None:
    """The header's own columns bound a row, whatever the header: cell-outside-columns with every
    header printed on two lines (7 columns, K and S named on the lower line: T2.1's eighth cell
    is still the one outside), and header-no-duty-column with a seventh cell added to T2.1's row
    (6 columns: the seventh is outside). Both routes: page 4, row 9 (header lines are not rows),
    one column past the header's last — one error for the one cell (it has no code either, but
    a cell with no column is not also an unplaceable-cell)."""
    if header == "two-row":
        text = _two_row_headers((FIXTURES / "cell-outside-columns.txt").read_text(encoding="utf-8"))
        width = 7
    else:
        lines = (FIXTURES / "header-no-duty-column.txt").read_text(encoding="utf-8").split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith("T2.1"))
        lines[row] += "\t附註"
        text = "\n".join(lines)
        width = 6
    path = tmp_path / f"outside-{header}.txt"
    path.write_text(text, encoding="utf-8")
    pdf = tmp_path / f"outside-{header}.pdf"
    pdf.write_bytes(render_fast(sample_layout(extract_file(path))))
    where = f"row 9 column {width + 1}"
    for route, doc in {"text": run_stages(path), "pdf": run_stages(pdf)}.items():
        errors = sorted((f.code, f.page, f.where) for f in doc.findings if f.severity == "error")
        assert errors == [("cell-outside-columns", 4, where)], route
        outside = next(f for f in doc.findings if f.code == "cell-outside-columns")
        assert f"{width} header columns" in outside.message, route


def test_a_pdf_cell_left_of_the_header_is_reported_once_and_left_out_of_the_row() -> None:
    """A grid column left of 主要職責 (a cell whose rules reach past the header's left edge):
    the error names row 1, column 1, and the page's rows keep the header's seven cells, so the
    stitch stage reads T1.1's row as printed and adds no second error for the same cell."""
    from pipeline.extract_pdf import _read_table
    from pipeline.pdf_text import Sections as _Sections
    from pipeline.stitch import stitch_rows

    class Row:
        def __init__(self, top: float, first: bool) -> None:
            self.cells = tuple((10.0 * j, top, 10.0 * j + 10, top + 10) if j or first else None
                               for j in range(8))

    class Table:
        page = None  # no cell here is read from the page's characters
        rows = (Row(0.0, False), Row(10.0, True))
        cells = tuple(c for r in rows for c in r.cells if c is not None)
        bbox = (0.0, 0.0, 80.0, 20.0)

        def extract(self) -> list[list[str | None]]:
            header = [None, "主要職責", "工作任務", "工作產出", "行為指標", "職能級別",
                      "職能內涵 (K=knowledge 知識)", "職能內涵 (S=skills 技能)"]
            return [header, ["附註", "T1甲", "T1.1乙", "", "P1.1.1丙", "3", "K01丁", "S01戊"]]

    state = _Sections()
    _read_table(Table(), 2, state)
    assert [(f.code, f.page, f.where) for f in state.findings] == [
        ("cell-outside-columns", 2, "row 1 column 1")]
    (grid,) = state.main
    assert grid.columns == layout.ROLE_ORDER
    assert grid.rows == (GridRow(2, ("T1甲", "T1.1乙", "", "P1.1.1丙", "3", "K01丁", "S01戊")),)
    rows, findings = stitch_rows(((2, grid.rows),), (grid.columns,))
    assert len(rows) == 1 and findings == []


# ---------------------------------------------------------------- 8. nested tables


NESTED = (("指標", "目標值"), ("貨損率", "0.5%以下"), ("準時率", "95%以上"))


@pytest.fixture(scope="module")
def nested_table(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSet]:
    """The text export lists the nested table's cells as paragraphs after P2.2.2's text; the
    PDF draws them as a 3×2 table inside T2.2's 行為指標 cell (page 4)."""
    text = FIXTURES / "nested-table.txt"
    pdf = tmp_path_factory.mktemp("variants") / "nested-table.pdf"
    paged = nest_table(sample_layout(extract_file(text)), 4, "T2.2", 3, NESTED)
    pdf.write_bytes(render_fast(paged))
    return {"text": run_stages(text), "pdf": run_stages(pdf)}


def test_the_rendered_nested_table_comes_back_from_pdfplumber_as_extra_cells(tmp_path: Path
                                                                             ) -> None:
    """What the fold-back undoes: pdfplumber alone gives an extra column and three task-less
    rows (read as they come, they would be orphan rows)."""
    import pdfplumber

    paged = nest_table(sample_layout(extract_file(FIXTURES / "nested-table.txt")), 4, "T2.2",
                       3, NESTED)
    (tmp_path / "n.pdf").write_bytes(render_fast(paged))
    with pdfplumber.open(tmp_path / "n.pdf") as pdf:
        rows = pdf.pages[3].find_tables()[0].extract()
    assert len(rows[0]) == 8
    assert [[c for c in r if c] for r in rows[-3:]] == [list(r) for r in NESTED]


def assert_as_sample_but_nested_indicators(doc: TableSet) -> None:
    """Every curated table equals the sample's golden (the fixture changes P2.2.2 only), but for
    T2.2's indicators, which are the nested-table golden's; and so do the sample's findings a
    reader can name (split-cell-joined, description-fuzzy-match)."""
    curated = assemble([doc], {})[0]
    for spec in TABLES:
        if spec.name in ("findings", "version_changes"):
            continue
        produced = _frame(csv_text(spec, curated[spec.name]))
        expected = _frame((SAMPLE_GOLDEN / f"{spec.name}.csv").read_text(encoding="utf-8"))
        if spec.name == "standards":
            # Which file was read is not content.
            produced, expected = (f.drop(columns=SOURCE_COLUMNS) for f in (produced, expected))
        if spec.name == "indicators":
            columns, nested = _golden("nested-table", "indicators")
            assert produced[produced["task_code"] == "T2.2"][columns].to_dict("records") == nested
            produced, expected = (f[f["task_code"] != "T2.2"].reset_index(drop=True)
                                  for f in (produced, expected))
        pd.testing.assert_frame_equal(produced, expected, obj=spec.name)
    expected = _frame((SAMPLE_GOLDEN / "findings.csv").read_text(encoding="utf-8"))
    named = [{c: _as_text(r[c]) for c in expected.columns}
             for r in curated["findings"] if r["code"] in set(expected["code"])]
    assert named == expected.to_dict("records")


@pytest.mark.parametrize("route", ROUTES)
def test_a_nested_tables_text_is_kept_in_its_cell_in_reading_order(
    nested_table: dict[str, TableSet], route: str
) -> None:
    """T2.2's indicators are the golden's (P2.2.2 ends with the nested cells, row by row);
    every other row of every table is the sample's golden's. The findings differ by route: the
    PDF route folds the nested table (nested-table-folded at T2.2's row and 行為指標 column), the
    text route, which lists the same cells as paragraphs of the cell, has nothing to fold."""
    doc = nested_table[route]
    _accepted(doc)
    assert_as_sample_but_nested_indicators(doc)
    if route == "pdf":
        assert_findings_match(doc, "nested-table")
    else:
        assert [f for f in doc.findings if "nested" in f.code] == []


def test_a_cell_outside_the_columns_below_a_nested_table_is_located_as_stitch_counts(
    tmp_path: Path
) -> None:
    """One page (4) with both: the nested table drawn in T2.1's 行為指標 cell (pdfplumber adds
    three task-less rows and a column for it) and an eighth cell on T2.2's row below it. The
    error names T2.2's row and the column past the header's last as the text route and stitch
    count them (row 10, column 8) — not pdfplumber's grid before the fold (row 13, column 9)."""
    text = SAMPLE.read_text(encoding="utf-8")
    end = "並提出建議以改善績效。"
    assert text.count(end) == 1
    text = text.replace(end, end[:-1] + "：" + "".join(f"</p><p>{c}" for r in NESTED for c in r)
                        + "</p>")
    lines = text.split("\n")
    t22 = next(i for i, line in enumerate(lines) if line.startswith("\tT2.2"))
    lines[t22] += "\t附註"
    path = tmp_path / "nested-and-outside.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    pdf = tmp_path / "nested-and-outside.pdf"
    pdf.write_bytes(render_fast(nest_table(sample_layout(extract_file(path)), 4, "T2.1", 3,
                                           NESTED)))
    for route, doc in {"text": run_stages(path), "pdf": run_stages(pdf)}.items():
        errors = [(f.code, f.page, f.where) for f in doc.findings if f.severity == "error"]
        assert errors == [("cell-outside-columns", 4, "row 10 column 8")], route
    folded = [(f.page, f.where) for f in doc.findings if f.code == "nested-table-folded"]
    assert folded == [(4, "row 9 column 4")]


def test_a_nested_table_under_a_two_row_header_is_folded_into_the_same_cell(
    tmp_path: Path
) -> None:
    """The fold reads the header's columns, not its first row: under a two-row header (職能內涵
    spanning K and S above) K and S are still two columns, the lower header line is no body row,
    and the nested table is folded exactly as under the one-row header."""
    text = tmp_path / "nested-two-rows.txt"
    text.write_text(_two_row_headers((FIXTURES / "nested-table.txt").read_text(encoding="utf-8")),
                    encoding="utf-8")
    pdf = tmp_path / "nested-two-rows.pdf"
    pdf.write_bytes(render_fast(nest_table(sample_layout(extract_file(text)), 4, "T2.2", 3,
                                           NESTED)))
    doc = run_stages(pdf)
    _accepted(doc)
    assert_findings_match(doc, "nested-table")
    assert_as_sample_but_nested_indicators(doc)


def test_a_nested_cell_reaching_into_the_next_row_is_rejected_with_its_place() -> None:
    """Geometry no fold-back can place: a sub-cell of the first row's second column runs past
    the second row's top."""
    from pipeline.pdf_columns import fold_nested

    class Row:
        cells = ((0.0, 0.0, 10.0, 10.0), (10.0, 0.0, 20.0, 10.0))

    class Page:
        chars: tuple[dict[str, object], ...] = ()

    class Table:
        page = Page()
        bbox = (0.0, 0.0, 20.0, 60.0)
        cells = (*Row.cells, (0.0, 10.0, 10.0, 30.0), (10.0, 10.0, 20.0, 15.0),
                 (10.0, 15.0, 20.0, 40.0), (0.0, 30.0, 10.0, 60.0), (10.0, 30.0, 20.0, 60.0))

    findings: list[Finding] = []
    rows = fold_nested(Table(), list(enumerate(Row.cells)), 3, 5, findings)
    assert rows is not None and len(rows) == 2
    assert [(f.code, f.severity, f.page, f.where) for f in findings
            if f.severity == "error"] == [("unplaceable-nested-cell", "error", 3, "row 6 column 2")]
