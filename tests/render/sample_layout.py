"""The sample standard laid out page by page exactly as its text export shows it.

The text export's page grids say which fragment of which cell is printed on which page (K04,
P1.1.4, P1.3.2, T1.5's name, O1.5.1 and P1.5.2 are cut by page breaks), so a PDF rendered from
this layout splits the same cells. What a PDF would not show is undone here: `<p>` residue
becomes paragraph breaks, items listed with spaces get one paragraph each, and the rows the text
export shifts left are put back under their own column header.
"""

from __future__ import annotations

import dataclasses
import re

from pipeline import layout
from pipeline.records import ExtractedDocument, GridRow, PageGrid
from tests.render.model import PagedDocument, PageLayout, TableBlock, TableRow, TextBlock

MAIN_HEADER = ("主要職責", "工作任務", "工作產出", "行為指標", "職能級別",
               "職能內涵 (K=knowledge 知識)", "職能內涵 (S=skills 技能)")
VERSION_HEADER = ("版本", "職能基準代碼", "職能基準名稱", "狀態", "更新說明", "發展更新日期")
ATTITUDE_TITLE = "職能內涵 (A=attitude 態度)"
NOTES_TITLE = "說明與補充事項"

MAIN_WIDTHS = (58.0, 74.0, 62.0, 131.0, 32.0, 77.0, 77.28)
VERSION_WIDTHS = (36.0, 92.0, 92.0, 60.0, 151.28, 80.0)
PROFILE_WIDTHS = (88.0, 60.0, 223.28, 70.0, 70.0)
FULL_WIDTH = (511.28,)
OUTSIDE_WIDTH = 30.0

# Role of a cell that starts with a code (or is a level digit), by the code it starts with.
_ROLE_OF = (
    (re.compile(r"T\d+\.\d+"), layout.TASK),
    (re.compile(r"T\d+"), layout.DUTY),
    (re.compile(r"O[ .]?\d|0[1-9]\d*\.\d"), layout.OUTPUT),
    (re.compile(r"P[ .]?\d"), layout.INDICATOR),
    (re.compile(r"(?:[1-7]{1,2}|[1-7]級以上|[1-7][（(].{1,4}[）)]|[1-7] ?[A-Z]|級別)$"),
     layout.LEVEL),
    (re.compile(r"K\d"), layout.KNOWLEDGE),
    (re.compile(r"S\d"), layout.SKILL),
)
# Width of each role's column; a table without a 主要職責 column gives its width to the tasks.
_WIDTH_OF = dict(zip(layout.ROLE_ORDER, MAIN_WIDTHS, strict=True))
# Before each coded item; a code printed `P 5.1.2` or `P.1.1.1` too (`04.2.1` is not broken before:
# the printed-codes fixture prints such an output alone in its cell, and text like it elsewhere).
_ITEM_BREAK = re.compile(r"\s+(?=[TOPKS]\d|[OP][ .]\d)")


def _pdf_text(cell: str) -> str:
    """A text-export cell as the PDF prints it: one paragraph per `<p>` and per coded item."""
    text = re.sub(r"</p>\s*<p>", "\n", cell)
    text = re.sub(r"</?p>", "", text).strip()
    return "\n".join(_ITEM_BREAK.sub("\n", line).strip() for line in text.split("\n"))


def _role(cell: str) -> str:
    bare = re.sub(r"</?p>", "", cell).strip()
    for pattern, role in _ROLE_OF:
        if pattern.match(bare):
            return role
    raise ValueError(f"no column for {bare[:20]!r}")


def main_row(row: GridRow, aligned: bool,
             columns: tuple[str | None, ...] = layout.ROLE_ORDER) -> tuple[str, ...]:
    """A text-export row under its own column header: by position for a row with no task code
    (a page-break continuation, a further level block, an orphan row: the export aligns those),
    by the code it starts with otherwise (the export shifts those left). Cells past the header's
    columns are left out (``_main_block`` draws them outside the table)."""
    cells = ["" for _ in columns]
    for index, cell in enumerate(row.cells[:len(columns)]):
        if not cell.strip():
            continue
        column = index if aligned else columns.index(_role(cell))
        cells[column] = _pdf_text(cell)
    return tuple(cells)


def _widths(columns: tuple[str | None, ...]) -> tuple[float, ...]:
    widths = [_WIDTH_OF[role] if role else 0.0 for role in columns]
    if layout.DUTY not in columns:
        widths[columns.index(layout.TASK)] += _WIDTH_OF[layout.DUTY]
    return tuple(widths)


def _header_rows(grid: PageGrid) -> tuple[TableRow, ...]:
    """The header as printed: one row, or two where the upper row's last cell spans the columns
    the lower row names (the columns left empty below are merged with the cell above them)."""
    width = len(grid.columns)
    if len(grid.header) == 1:
        return (TableRow(tuple(grid.header[0]) + ("",) * (width - len(grid.header[0]))),)
    upper, lower = grid.header
    lower = tuple(lower) + ("",) * (width - len(lower))
    spanned = tuple(upper) + (None,) * (width - len(upper))
    return (TableRow(spanned),
            TableRow(lower, tuple(not c.strip() for c in lower)))


def _main_block(grid: PageGrid) -> TableBlock:
    columns = grid.columns
    has_duty = columns[0] == layout.DUTY
    printed: list[TableRow] = []
    outside: list[tuple[int, str, float]] = []
    for index, row in enumerate(grid.rows):
        has_task = any(re.match(r"T\d+\.\d+", re.sub(r"</?p>", "", c).strip()) for c in row.cells)
        is_continuation = index == 0 and not has_task
        cells = main_row(row, aligned=not has_task, columns=columns)
        # 主要職責 is merged over its tasks' rows; a task cell over its further level blocks.
        merged = [False] * len(columns)
        if has_duty and index > 0 and not cells[0]:
            merged[0] = True
        if not is_continuation and not has_task:
            merged[columns.index(layout.TASK)] = True
        printed.append(TableRow(cells, tuple(merged)))
        # Cells beyond the header's columns are drawn right of the table, beside their row.
        outside += [(index, _pdf_text(c), OUTSIDE_WIDTH)
                    for c in row.cells[len(columns):] if c.strip()]
    return TableBlock("main", _header_rows(grid), tuple(printed), _widths(columns),
                      outside=tuple(outside))


def _profile_row(row: GridRow, follows_label: bool) -> TableRow:
    cells = [c.strip() for c in row.cells] + [""] * (5 - len(row.cells))
    merged = (follows_label and not cells[0], False, False, False, False)
    if cells[1] in ("職類", "職業"):
        return TableRow((cells[0], cells[1], cells[2], None, None), merged)
    if not any(cells[2:]):
        return TableRow((cells[0], cells[1], None, None, None), merged)
    return TableRow(tuple(cells), merged)


def _line_block(kind: str, title: str, rows: list[GridRow]) -> TableBlock:
    lines = tuple(TableRow((" ".join(c for c in r.cells if c.strip()),)) for r in rows)
    return TableBlock(kind, (TableRow((title,)),), lines, FULL_WIDTH)


def sample_layout(doc: ExtractedDocument) -> PagedDocument:
    """Pages of the sample as its text export prints them."""
    page_count = max([g.page for g in doc.main] + [r.page for r in (*doc.attitudes, *doc.notes)])
    blocks: dict[int, list[TableBlock | TextBlock]] = {p: [] for p in range(1, page_count + 1)}
    blocks[1].append(TextBlock(doc.title.cells[0]))
    blocks[1].append(TableBlock("versions", (TableRow(VERSION_HEADER),),
                                tuple(TableRow(tuple(r.cells)) for r in doc.versions),
                                VERSION_WIDTHS))
    profile = [
        _profile_row(r, follows_label=i > 0)
        for i, r in enumerate(doc.profile)
    ]
    blocks[1].append(TableBlock("profile", (), tuple(profile), PROFILE_WIDTHS))
    # Attitude lines printed as rows of the main table (a text export gives them one cell per
    # main-table column) are drawn in that table, under a title row spanning it.
    shared = {r for r in doc.attitudes if len(r.cells) == len(MAIN_HEADER)}
    for grid in doc.main:
        block = _main_block(grid)
        on_page = [r for r in doc.attitudes if r in shared and r.page == grid.page]
        if on_page:
            span = (None,) * (len(block.widths) - 1)
            rows = [TableRow((ATTITUDE_TITLE, *span))]
            rows += [TableRow((" ".join(c for c in r.cells if c.strip()), *span))
                     for r in on_page]
            block = dataclasses.replace(block, rows=(*block.rows, *rows))
        blocks[grid.page].append(block)
    for page in range(1, page_count + 1):
        attitudes = [r for r in doc.attitudes if r.page == page and r not in shared]
        if attitudes:
            blocks[page].append(_line_block("attitudes", ATTITUDE_TITLE, attitudes))
        notes = [r for r in doc.notes if r.page == page]
        if notes:
            blocks[page].append(_line_block("notes", NOTES_TITLE, notes))
    return PagedDocument(tuple(PageLayout(p, tuple(b)) for p, b in sorted(blocks.items())))


def nest_table(paged: PagedDocument, page: int, task_code: str, column: int,
               rows: tuple[tuple[str, ...], ...]) -> PagedDocument:
    """The same document with a table nested in one main-table cell: the cell of ``column`` in
    the row of ``task_code`` on ``page``, whose last paragraphs are the sub-cells' texts in
    reading order (as the text export lists them), draws those as the nested ``rows``."""
    flat = [text for row in rows for text in row]
    pages = []
    for layout_ in paged.pages:
        blocks = []
        for block in layout_.blocks:
            if layout_.number == page and isinstance(block, TableBlock) and block.kind == "main":
                printed = []
                for row in block.rows:
                    if (row.cells[1] or "").startswith(task_code):
                        paragraphs = (row.cells[column] or "").split("\n")
                        if paragraphs[-len(flat):] != flat:
                            raise ValueError(f"{task_code}'s cell does not end with {flat}")
                        cells = list(row.cells)
                        cells[column] = "\n".join(paragraphs[:-len(flat)])
                        row = dataclasses.replace(row, cells=tuple(cells),
                                                  nested=((column, rows),))
                    printed.append(row)
                block = dataclasses.replace(block, rows=tuple(printed))
            blocks.append(block)
        pages.append(dataclasses.replace(layout_, blocks=tuple(blocks)))
    return dataclasses.replace(paged, pages=tuple(pages))


def as_free_text(paged: PagedDocument) -> PagedDocument:
    """The attitude and notes sections printed as wrapped paragraphs instead of table rows."""
    pages = []
    for page in paged.pages:
        blocks: list[TableBlock | TextBlock] = []
        for block in page.blocks:
            if isinstance(block, TableBlock) and block.kind in ("attitudes", "notes"):
                blocks.append(TextBlock(block.header[0].cells[0] or "", style="body"))
                blocks += [TextBlock(row.cells[0] or "", style="body") for row in block.rows]
            else:
                blocks.append(block)
        pages.append(dataclasses.replace(page, blocks=tuple(blocks)))
    return dataclasses.replace(paged, pages=tuple(pages))
