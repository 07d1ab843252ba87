"""Lay a Standard out on A4 pages the way Word flows an iCAP document, and record where each
piece of text landed.

Rows of the main table may break across pages at a line boundary (Word's "allow row to break
across pages"): the lines that fit stay on page N under a closing rule, the rest continue on page
N+1 under the repeated header. 主要職責 is a vertically merged cell. The attitude and notes tables
repeat their title row on a new page and never split a row.

``Placement`` records, for every block row, cell item, attitude and note, the pages its lines were
printed on: with the Standard it is the complete truth for the round trip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.render import pdf_fast
from tests.render.model import (
    PagedDocument,
    PageLayout,
    Standard,
    TableBlock,
    TableRow,
    TextBlock,
)
from tests.render.sample_layout import (
    ATTITUDE_TITLE,
    FULL_WIDTH,
    MAIN_HEADER,
    MAIN_WIDTHS,
    NOTES_TITLE,
    PROFILE_WIDTHS,
    VERSION_HEADER,
    VERSION_WIDTHS,
)

ROLES = ("duty", "task", "output", "indicator", "level", "knowledge", "skill")
QUALIFICATIONS_HEADING = "建議擔任此職類 / 職業之學歷 / 經歷 / 或能力條件："
SUPPLEMENTARY_HEADING = "其他補充說明："
RELATED_CATEGORIES_HEADING = "相關所屬類別："
CATEGORY_LABELS = {"job_category": ("職類別", "職類別代碼"), "occupation": ("職業別", "職業別代碼"),
                   "industry": ("行業別", "行業別代碼")}

Measure = Callable[[str | None, float], list[str]]


@dataclass
class Placement:
    """Pages where things were printed. Keys: (block_no, role, item index) for cell items,
    block_no for rows, ("attitude", i) and ("note", section, i) for the back matter."""

    items: dict[tuple[int, str, int], list[int]] = field(default_factory=dict)
    blocks: dict[int, list[int]] = field(default_factory=dict)
    back: dict[tuple[object, ...], int] = field(default_factory=dict)
    page_count: int = 0


def _row_cells(std: Standard) -> list[tuple[str, list[list[str]]]]:
    """Per block: its duty code and, per role, the list of item paragraphs printed in the cell."""
    out = []
    for duty in std.duties:
        for index, task in enumerate(duty.tasks):
            cells = [
                [duty.code + duty.name] if index == 0 else [],
                [task.code + task.name],
                [o.code + o.text for o in task.outputs],
                [p.code + p.text for p in task.indicators],
                [task.level] if task.level else [],
                [k.code + k.text for k in task.knowledge],
                [s.code + s.text for s in task.skills],
            ]
            out.append((duty.code, cells))
    return out


@dataclass(frozen=True)
class MainTable:
    """How the main table is printed: its header row(s), the role of each printed column (in
    order) and the columns' widths. The default is the current template; layout variants (see
    ``tests.render.variants``) print other headers or leave the 主要職責 column out."""

    header: tuple[TableRow, ...] = (TableRow(MAIN_HEADER),)
    roles: tuple[str, ...] = ROLES
    widths: tuple[float, ...] = MAIN_WIDTHS


class _Pager:
    def __init__(self, fill: float) -> None:
        self.capacity = pdf_fast.usable_height() * fill
        self.pages: list[list[TableBlock | TextBlock]] = [[]]
        self.used = 0.0

    @property
    def number(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        self.pages.append([])
        self.used = 0.0

    def room(self) -> float:
        return self.capacity - self.used

    def add(self, block: TableBlock | TextBlock, height: float) -> None:
        self.pages[-1].append(block)
        self.used += height + pdf_fast.BLOCK_GAP


def _front_matter(std: Standard) -> list[TableBlock]:
    versions = TableBlock("versions", (TableRow(VERSION_HEADER),), tuple(
        TableRow((v.label, v.code, v.name, v.status, v.note, v.date)) for v in std.versions
    ), VERSION_WIDTHS)
    name_rows = [
        TableRow(("職能基準名稱 (擇一填寫)", "職類", std.name if std.name_kind == "職類" else "",
                  None, None)),
        TableRow(("", "職業", std.name if std.name_kind == "職業" else "", None, None),
                 (True, False, False, False, False)),
    ]
    category_rows = []
    for kind in ("job_category", "occupation", "industry"):
        label, code_label = CATEGORY_LABELS[kind]
        for category in (c for c in std.categories if c.kind == kind):
            first = not category_rows
            category_rows.append(TableRow(
                ("所屬類別" if first else "", label, category.name, code_label, category.code),
                (not first, False, False, False, False)))
    profile = TableBlock("profile", (), (
        TableRow(("職能基準代碼", std.code, None, None, None)),
        *name_rows,
        *category_rows,
        TableRow(("工作描述", std.description, None, None, None)),
        TableRow(("基準級別", "" if std.level is None else str(std.level), None, None, None)),
    ), PROFILE_WIDTHS)
    return [versions, profile]


def _split_lines(lines_by_cell: list[list[tuple[str, int, int]]], fit: int
                 ) -> tuple[list[list[tuple[str, int, int]]], list[list[tuple[str, int, int]]]]:
    return [c[:fit] for c in lines_by_cell], [c[fit:] for c in lines_by_cell]


def _cell_text(lines: list[tuple[str, int, int]]) -> str:
    return "\n".join(text for text, _item, _line in lines)


def paginate(std: Standard, fill: float = 1.0, main: MainTable = MainTable()
             ) -> tuple[PagedDocument, Placement]:
    """Lay the standard out; ``fill`` < 1 leaves slack for renderers with wider fonts; ``main``
    says how the main table's header and columns are printed."""
    pager = _Pager(fill)
    placement = Placement()
    title = TextBlock(std.title)
    pager.add(title, pdf_fast.TITLE_SIZE + 4)
    for block in _front_matter(std):
        pager.add(block, pdf_fast.table_height(block))

    header = main.header
    widths = main.widths
    columns = [ROLES.index(role) for role in main.roles]
    duty_col = main.roles.index("duty") if "duty" in main.roles else None
    header_height = sum(pdf_fast.row_height(r, widths) for r in header)
    rows: list[TableRow] = []
    line_height = pdf_fast.LEADING

    def flush(closed: bool = True) -> None:
        if rows:
            block = TableBlock("main", header, tuple(rows), widths, closed)
            pager.add(block, pdf_fast.table_height(block))
            rows.clear()

    if pager.room() < header_height + line_height * 3:
        pager.new_page()
    used_in_table = header_height
    previous_duty = None
    for block_no, (duty_code, all_cells) in enumerate(_row_cells(std), start=1):
        cells = [all_cells[i] for i in columns]
        # Each cell as printed lines, each line tagged with the item it belongs to.
        lines_by_cell: list[list[tuple[str, int, int]]] = []
        for col, paragraphs in enumerate(cells):
            lines: list[tuple[str, int, int]] = []
            for item, paragraph in enumerate(paragraphs):
                wrapped = pdf_fast.cell_lines(paragraph, widths[col])
                lines += [(text, item, n) for n, text in enumerate(wrapped)]
            lines_by_cell.append(lines)
        placement.blocks[block_no] = []
        first_part = True
        while True:
            tallest = max(len(c) for c in lines_by_cell)
            room = pager.room() - used_in_table - 2 * pdf_fast.PAD
            fit = int(room // line_height)
            if fit >= tallest:
                part, rest = lines_by_cell, [[] for _ in lines_by_cell]
            elif fit >= 2 or (fit >= 1 and not first_part):
                part, rest = _split_lines(lines_by_cell, fit)
            else:
                flush()
                pager.new_page()
                used_in_table = header_height
                continue
            # 主要職責 is one cell merged over its tasks' rows.
            merged = [False] * len(columns)
            if duty_col is not None:
                merged[duty_col] = (bool(rows) and duty_code == previous_duty
                                    and not part[duty_col])
            row = TableRow(tuple(_cell_text(c) for c in part), tuple(merged))
            rows.append(row)
            used_in_table += pdf_fast.row_height(row, widths)
            placement.blocks[block_no].append(pager.number)
            for col, lines in enumerate(part):
                for _text, item, _n in lines:
                    key = (block_no, main.roles[col], item)
                    pages = placement.items.setdefault(key, [])
                    if pager.number not in pages:
                        pages.append(pager.number)
            previous_duty = duty_code
            first_part = False
            if not any(rest):
                break
            flush()
            pager.new_page()
            used_in_table = header_height
            lines_by_cell = rest
    flush()

    _back_table(pager, placement, "attitudes", ATTITUDE_TITLE, [
        (("attitude", i), f"{a.code}{a.name}：{a.description}")
        for i, a in enumerate(std.attitudes)
    ])
    # The template always prints 說明與補充事項 with both headings, even when they hold nothing.
    notes: list[tuple[tuple[object, ...], str]] = [
        (("heading", "qualifications"), QUALIFICATIONS_HEADING),
        *((("note", "qualifications", i), t) for i, t in enumerate(std.qualifications)),
        (("heading", "supplementary"), SUPPLEMENTARY_HEADING),
        *((("note", "supplementary", i), t) for i, t in enumerate(std.supplementary)),
    ]
    if std.related_categories:
        notes += [(("heading", "related_categories"), RELATED_CATEGORIES_HEADING),
                  *((("note", "related_categories", i), t)
                    for i, t in enumerate(std.related_categories))]
    _back_table(pager, placement, "notes", NOTES_TITLE, notes)

    placement.page_count = pager.number
    pages = tuple(PageLayout(n, tuple(blocks)) for n, blocks in enumerate(pager.pages, start=1))
    return PagedDocument(pages), placement


def _back_table(pager: _Pager, placement: Placement, kind: str, title: str,
                lines: list[tuple[tuple[object, ...], str]]) -> None:
    """A one-column table whose rows never split; the title row repeats on each page."""
    if not lines:
        return
    header = (TableRow((title,)),)
    header_height = pdf_fast.row_height(header[0], FULL_WIDTH)
    rows: list[TableRow] = []
    used = header_height
    for key, text in lines:
        row = TableRow((text,))
        height = pdf_fast.row_height(row, FULL_WIDTH)
        if used + height > pager.room():
            if rows:
                block = TableBlock(kind, header, tuple(rows), FULL_WIDTH)
                pager.add(block, pdf_fast.table_height(block))
                rows = []
            pager.new_page()
            used = header_height
        rows.append(row)
        used += height
        placement.back[key] = pager.number
    block = TableBlock(kind, header, tuple(rows), FULL_WIDTH)
    pager.add(block, pdf_fast.table_height(block))
