"""Stitch: the main table's per-page grids → one logical row per row-group, page breaks undone.

Column positions are not reliable (a row whose merged 主要職責 cell is empty comes shifted left,
and a continuation row may be aligned differently from the row it continues), so every cell is
given a role by what it contains — the code it starts with, or a level digit — never by its index.

A page break can split a row in two ways, both reported so an analyst can audit every repair:
- between two items of a list cell (`K04…` on page N, `K05…` on page N+1): ``row-continued``;
- inside one item's text (`K04…資訊系` | `統和文件`): the fragment is joined to the item it
  continues, ``split-cell-joined``.
A continuation fragment that carries no code is matched, in column order, to the roles that had
text before the break; when that is ambiguous the row is not guessed: ``unplaceable-fragment``.
Word leaves a split row's level cell empty on the next page, so a page's first row that prints
its own level and is a whole level block of the task above starts that block instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline import layout
from pipeline.cell_repairs import CellRepairs
from pipeline.normalize import clean_text
from pipeline.records import (
    ExtractedDocument,
    Finding,
    GridRow,
    LogicalRow,
    Piece,
    StitchedDocument,
)
from pipeline.severity import finding

_TAGS = layout.HTML_TAGS
# A code inside a cell, printed with its letter: a letterless `04.2.1` there is as likely a form
# number in a sentence, so it never decides a fragment's role (parse reads it, task in hand).
_ANY_CODE = regex.compile("|".join(p.pattern for p in layout.LETTERED_ITEM_START.values()))


def _bare(text: str) -> str:
    """Cell text without HTML residue, outer white space and the marks of words the layout
    broke (``layout.WORD_BREAK``: `O` | `1.1.1` is one code), for recognising codes."""
    return _TAGS.sub(" ", text).replace(layout.WORD_BREAK, "").strip()


def _shown(text: str, role: str | None = None) -> str:
    """A fragment as quoted in a one-line finding message: cleaned like the field it ends up
    in and, for a list cell, only the last item's part — the same on every source route."""
    bare = _bare(text)
    pattern = layout.ITEM_START.get(role) if role else None
    if pattern is not None:
        starts = [m.start() for m in pattern.finditer(bare)]
        if starts:
            bare = bare[starts[-1]:]
    return clean_text(bare)


@dataclass(frozen=True)
class _Cell:
    column: int
    text: str
    role: str | None  # None: a fragment with no code, placed later
    leads_with_fragment: bool  # text before the first code continues the previous item


# The start of an output, indicator, K or S code, all a page's part of a cell holds.
_CODE_START = r"([OPKS])(?:[.． ]?[0-9]+)*"
_CODE_CUT_AT_PAGE_END = regex.compile(_CODE_START + r"[.．]?")
_ROLE_OF_LETTER = {"O": layout.OUTPUT, "P": layout.INDICATOR, "K": layout.KNOWLEDGE,
                   "S": layout.SKILL}


def classify_cell(text: str, column: int) -> _Cell:
    """The role a non-empty cell plays, read from its content."""
    bare = _bare(text)
    if layout.LEVEL_CELL.fullmatch(layout.squash(bare)):
        return _Cell(column, text, layout.LEVEL, False)
    role = layout.role_of_code(bare)
    if role is not None:
        return _Cell(column, text, role, False)
    cut = _CODE_CUT_AT_PAGE_END.fullmatch(bare)
    if cut is not None:
        # A cell that holds only the start of a code: the page ended inside it (`O1.` | `2.1…`;
        # parse reads the two parts as one code).
        return _Cell(column, text, _ROLE_OF_LETTER[cut.group(1)], False)
    inner = _ANY_CODE.search(bare)
    if inner is not None:
        inner_role = layout.role_of_code(inner.group(0))
        if inner_role in layout.LIST_ROLES:
            return _Cell(column, text, inner_role, True)
    return _Cell(column, text, None, True)


def _non_empty_cells(row: GridRow) -> list[_Cell]:
    return [classify_cell(c, i) for i, c in enumerate(row.cells) if _bare(c)]


def _last_code(pieces: tuple[Piece, ...], role: str) -> str:
    """The code of the last item printed in a cell (what a leading fragment continues)."""
    pattern = layout.ITEM_START.get(role)
    if pattern is None:
        return role
    found = ""
    for piece in pieces:
        for match in pattern.finditer(_bare(piece.text)):
            found = match.group(0)
    return found or "?"


class _RowBuilder:
    """Accumulates one logical row across pages."""

    def __init__(self, page: int) -> None:
        self.cells: dict[str, list[Piece]] = {}
        self.page_start = page
        self.page_end = page

    def add(self, role: str, text: str, page: int) -> None:
        self.cells.setdefault(role, []).append(Piece(text, page))
        self.page_end = max(self.page_end, page)

    def task_code(self) -> str:
        pieces = self.cells.get(layout.TASK, [])
        if not pieces:
            return "?"
        match = layout.CODE_PATTERNS[layout.TASK].match(_bare(pieces[0].text))
        return match.group(0) if match else "?"

    def build(self) -> LogicalRow:
        return LogicalRow(
            cells={role: tuple(p) for role, p in self.cells.items()},
            page_start=self.page_start,
            page_end=self.page_end,
        )


def _start_row(row: GridRow, findings: list[Finding], row_no: int) -> _RowBuilder:
    """A row that begins a new row-group: every cell must announce its role."""
    builder = _RowBuilder(row.page)
    cells = _non_empty_cells(row)
    task_column = next((c.column for c in cells if c.role == layout.TASK), None)
    for cell in cells:
        if (cell.role is None and task_column is not None and cell.column < task_column
                and _bare(cell.text) == layout.CODE_LETTER[layout.DUTY]):
            # A duty code the page cut after its letter, in a one-character duty column (`T` at
            # the page's foot, `2智慧…` heading the next): the rest continues this duty cell and
            # parse reads the two parts as one code. (Left of the row's task, so no task's.)
            cell = _Cell(cell.column, cell.text, layout.DUTY, False)
        if cell.role is None or cell.leads_with_fragment:
            findings.append(finding(
                "unplaceable-cell", row.page, f"row {row_no} column {cell.column + 1}",
                f"cell starts with no recognised code: {_bare(cell.text)[:40]!r}"))
            continue
        if cell.role in builder.cells:
            findings.append(finding(
                "duplicate-role-cell", row.page, f"row {row_no} column {cell.column + 1}",
                f"a second {cell.role} cell in one row: {_bare(cell.text)[:40]!r}"))
            continue
        builder.add(cell.role, cell.text, row.page)
    return builder


def _place_fragments(cells: list[_Cell], open_roles: list[str], row_width: int,
                     columns: tuple[str | None, ...]) -> list[_Cell]:
    """Give each code-less fragment the role it continues, or leave it None when ambiguous.

    Fragments between two coded cells can only continue roles that lie between those cells'
    roles in column order and that had text before the break; when fragments and such roles are
    equally many they pair in order. Otherwise a row as wide as the header is read by the role
    its header names for that column.
    """
    placed = list(cells)
    order = layout.ROLE_ORDER
    i = 0
    while i < len(placed):
        if placed[i].role is not None:
            i += 1
            continue
        j = i
        while j < len(placed) and placed[j].role is None:
            j += 1
        low = order.index(placed[i - 1].role) if i > 0 and placed[i - 1].role else -1
        high = order.index(placed[j].role) if j < len(placed) and placed[j].role else len(order)
        candidates = [r for r in open_roles if low < order.index(r) < high]
        run = placed[i:j]
        if len(candidates) == len(run):
            for k, role in enumerate(candidates):
                placed[i + k] = _Cell(run[k].column, run[k].text, role, True)
        elif row_width == len(columns):
            for k, cell in enumerate(run):
                named = columns[cell.column]
                if named in candidates:
                    placed[i + k] = _Cell(cell.column, cell.text, named, True)
        i = j
    return placed


# A code the page cut after a separator at the end of a cell's text (`…\nO3.2.`): a whole
# code (`O3.2.1`) or a lone letter (`維生素 K`) continues with no digit.
_CUT_CODE_AT_END = regex.compile(r"(?<!\S)" + _CODE_START + r"[.．]\Z")


def _continues_cut_code(builder: _RowBuilder, role: str | None) -> bool:
    """Whether the row's ``role`` cell so far ends with the start of that role's code."""
    pieces = builder.cells.get(role or "", [])
    cut = _CUT_CODE_AT_END.search(_bare(pieces[-1].text)) if pieces else None
    return cut is not None and _ROLE_OF_LETTER[cut.group(1)] == role


def _continue_row(
    builder: _RowBuilder, row: GridRow, findings: list[Finding], row_no: int,
    columns: tuple[str | None, ...], columns_placed: bool = False,
) -> None:
    """The first row of a page with no task code: the rest of the row-group cut by the break.
    ``columns_placed``: the page's cells lie under their header columns (a PDF's geometry; a
    text export shifts a row whose duty cell is empty), so a fragment read by a code inside it
    must lie under that code's column — else the two readings disagree, and it is not placed."""
    open_roles = [r for r in layout.ROLE_ORDER if r in builder.cells and r != layout.LEVEL]
    # The rest of an open range (`4級` | `以上`) in the 職能級別 column continues the level.
    found = [_Cell(c.column, c.text, layout.LEVEL, True)
             if (c.role is None and c.column < len(columns) and columns[c.column] == layout.LEVEL
                 and layout.LEVEL in builder.cells
                 and layout.LEVEL_REST.fullmatch(layout.squash(_bare(c.text)))) else c
             for c in _non_empty_cells(row)]
    # The rest of a code the page cut (`O3.2.` | `1` in a narrow 工作產出 column) reads like a
    # level digit: under its own column's header (a PDF's geometry: a text export shifts
    # cells), after that cut, it continues the code.
    found = [_Cell(c.column, c.text, columns[c.column], True)
             if (columns_placed and c.role == layout.LEVEL and c.column < len(columns)
                 and _continues_cut_code(builder, columns[c.column])) else c
             for c in found]
    cells = _place_fragments(found, open_roles, len(row.cells), columns)
    if columns_placed:
        cells = [_Cell(c.column, c.text, None, True)
                 if (c.leads_with_fragment and c.role in layout.LIST_ROLES
                     and c.column < len(columns) and columns[c.column] not in (None, c.role))
                 else c for c in cells]
    task = builder.task_code()
    for cell in cells:
        where = f"row {row_no} column {cell.column + 1}"
        if cell.role is None:
            findings.append(finding(
                "unplaceable-fragment", row.page, where,
                f"continuation text matches no cell of {task}: {_bare(cell.text)[:40]!r}"))
            continue
        previous = tuple(builder.cells.get(cell.role, ()))
        if cell.role == layout.LEVEL and previous and cell.leads_with_fragment:
            findings.append(finding(
                "split-cell-joined", previous[-1].page, f"{task}:{cell.role}",
                f"{_shown(previous[-1].text)!r} (p.{previous[-1].page}) + "
                f"{_shown(cell.text)!r} (p.{row.page})"))
            builder.add(cell.role, cell.text, row.page)
            continue
        if cell.role == layout.LEVEL and previous:
            if _bare(previous[-1].text) != _bare(cell.text):
                findings.append(finding(
                    "conflicting-level", row.page, where,
                    f"{task} level printed as {_bare(previous[-1].text)!r} and "
                    f"{_bare(cell.text)!r} across a page break"))
            else:
                # Word leaves a split row's level cell empty on the next page: a level printed
                # again is a doubt (a further level block not whole enough to be read as one).
                findings.append(finding(
                    "level-printed-again", row.page, where,
                    f"the rest of {task}'s row prints its level {_bare(cell.text)!r} again "
                    "(a row continued from the page before leaves it empty); read as the rest "
                    "of the row, not a further level block (the row is not whole)"))
            continue
        if cell.leads_with_fragment and previous:
            head = _bare(cell.text)
            first = _ANY_CODE.search(head)
            fragment = head[: first.start()].strip() if first else head
            findings.append(finding(
                "split-cell-joined", previous[-1].page,
                f"{task}:{cell.role}:{_last_code(previous, cell.role)}",
                f"{_shown(previous[-1].text, cell.role)!r} (p.{previous[-1].page}) + "
                f"{_shown(fragment)!r} (p.{row.page})"))
        elif cell.leads_with_fragment:
            findings.append(finding(
                "unplaceable-fragment", row.page, where,
                f"continuation text for an empty {cell.role} cell of {task}: "
                f"{_bare(cell.text)[:40]!r}"))
            continue
        elif cell.role not in layout.LIST_ROLES and cell.role != layout.LEVEL:
            findings.append(finding(
                "unplaceable-cell", row.page, where,
                f"a new {cell.role} code inside a continuation row of {task}"))
            continue
        builder.add(cell.role, cell.text, row.page)
    findings.append(finding(
        "row-continued", row.page, task,
        f"row of {task} continues from page {builder.page_start} onto page {row.page}"))


def _is_next_level_block(cells: list[_Cell], current: _RowBuilder) -> bool:
    """A row with no task code, but whole: its own level cell, its own indicators, every cell
    starting with a code — and every output or indicator code naming a task of the row before.
    That is the next level block of the same task, printed with the task cell merged over both
    rows (``task-cell-merged``). Not a page's first row, anything less stays an orphan row; a
    page's first row is otherwise the rest of the row above (whose level cell Word leaves empty
    on the new page, so a whole row with its own level is a new block there too)."""
    roles = [c.role for c in cells]
    if (None in roles or any(c.leads_with_fragment for c in cells)
            or layout.DUTY in roles or layout.TASK in roles
            or layout.LEVEL not in roles or layout.INDICATOR not in roles):
        return False
    tasks = {
        m.group(0)
        for piece in current.cells.get(layout.TASK, [])
        for m in layout.ITEM_START[layout.TASK].finditer(_bare(piece.text))
    }
    for cell in cells:
        if cell.role in (layout.OUTPUT, layout.INDICATOR):
            for item in layout.ITEM_START[cell.role].finditer(_bare(cell.text)):
                task = layout.task_of_item(item.group(0)) or "?"
                # A task code printed glued to a name starting with a digit reads longer.
                if not any(t == task or (t.startswith(task) and t[len(task):].isdigit())
                           for t in tasks):
                    return False
    return True


def _start_merged_block(current: _RowBuilder, row: GridRow, findings: list[Finding],
                        row_no: int, starts_page: bool) -> _RowBuilder:
    """The next level block of ``current``'s task, its task cell merged over both rows."""
    where = f" at the top of page {row.page} (a row continued there leaves its level empty)"
    findings.append(finding(
        "task-cell-merged", row.page, f"row {row_no}",
        f"a row with its own level and items of {current.task_code()} but no task cell"
        f"{where if starts_page else ''}: a further level block of that task (its task cell "
        "merged over both)"))
    block = _start_row(row, findings, row_no)
    block.cells[layout.TASK] = list(current.cells[layout.TASK])
    return block


def _carry_duty_name(row: GridRow, cells: list[_Cell], columns: tuple[str | None, ...],
                     current: _RowBuilder, rows: list[LogicalRow],
                     findings: list[Finding]) -> GridRow:
    """A page's first row that starts a task (or continues the last task's row, its cells under
    their header's columns) beside the rest of the duty's name: the merged 主要職責 cell carried
    on from the page before (`T2 天線特性測試` | `驗證`). The fragment joins
    the duty cell it continues (``split-cell-joined``) and leaves the row."""
    fragment = next((c for c in cells if c.role is None and c.column < len(columns)
                     and columns[c.column] == layout.DUTY), None)
    built = next((r for r in reversed(rows) if layout.DUTY in r.cells), None)
    previous = tuple(current.cells.get(layout.DUTY, ())) or (
        built.cells[layout.DUTY] if built is not None else ())
    if fragment is None or not previous:
        return row
    findings.append(finding(
        "split-cell-joined", previous[-1].page, f"duty:{_last_code(previous, 'duty')}",
        f"{_shown(previous[-1].text)!r} (p.{previous[-1].page}) + {_shown(fragment.text)!r} "
        f"(p.{row.page})"))
    if layout.DUTY in current.cells:
        current.add(layout.DUTY, fragment.text, row.page)
    elif built is not None:
        built.cells[layout.DUTY] = (*previous, Piece(fragment.text, row.page))
    return GridRow(row.page, tuple("" if j == fragment.column else c
                                   for j, c in enumerate(row.cells)))


def stitch_rows(pages: tuple[tuple[int, tuple[GridRow, ...]], ...],
                columns: tuple[tuple[str | None, ...], ...] = (),
                columns_placed: bool = False) -> tuple[list[LogicalRow], list[Finding]]:
    """Per-page main-table rows → logical rows. Pure; the core of this stage. ``columns``: per
    page, the role its own header names for each grid column (pdfplumber's grid can differ from
    page to page); none given, every page has the template's seven."""
    if not columns:
        columns = (layout.ROLE_ORDER,) * len(pages)
    if len(columns) != len(pages):
        raise ValueError(f"{len(columns)} page headers for {len(pages)} pages")
    findings: list[Finding] = []
    rows: list[LogicalRow] = []
    current: _RowBuilder | None = None
    row_no = 0
    repairs = CellRepairs()
    for (_page, grid_rows), page_columns in zip(pages, columns, strict=True):
        # A cell past the header's last column (a text export's row is kept as read) has no
        # role: extract reported it, cell-outside-columns, its one report.
        width = max((j + 1 for j, role in enumerate(page_columns) if role is not None), default=0)
        first = True  # the page's first row with text (a row of empty cells carries nothing)
        for printed in grid_rows:
            row_no += 1
            row = GridRow(printed.page, tuple(repairs.mend(c, printed.page)
                                              for c in printed.cells[:width]))
            cells = _non_empty_cells(row)
            if not cells:
                continue
            starts_page, first = first, False
            has_task = any(c.role == layout.TASK for c in cells)
            if has_task and starts_page and current is not None:
                row = _carry_duty_name(row, cells, page_columns, current, rows, findings)
            if has_task:
                if current is not None:
                    rows.append(current.build())
                current = _start_row(row, findings, row_no)
            elif current is not None and _is_next_level_block(cells, current):
                rows.append(current.build())
                current = _start_merged_block(current, row, findings, row_no, starts_page)
            elif starts_page and current is not None:
                if columns_placed and layout.DUTY not in current.cells:
                    # The rest of a duty cell merged over the rows above, beside the rest of
                    # the last task's row (`…數位金融產` | `品`).
                    row = _carry_duty_name(row, cells, page_columns, current, rows, findings)
                _continue_row(current, row, findings, row_no, page_columns, columns_placed)
            else:
                findings.append(finding(
                    "orphan-row", row.page,
                    f"row {row_no} column {cells[0].column + 1}",
                    "a main-table row with no task code that does not continue a row "
                    f"split by a page break: {' | '.join(_bare(c.text)[:20] for c in cells)!r}"))
    if current is not None:
        rows.append(current.build())
    return rows, [*findings, *repairs.findings()]


def _main_columns(doc: ExtractedDocument) -> tuple[tuple[str | None, ...], list[Finding]]:
    """The main table's columns as its first header names them; a page whose header names other
    columns is an error (its rows would be read against the wrong header). Where on the grid a
    page's columns lie may differ (pdfplumber adds a grid column for a stray rule): each page's
    rows are read against its own header's grid, so only the roles are compared here."""
    if not doc.main:
        return layout.ROLE_ORDER, []
    first = doc.main[0].columns
    findings = [
        finding("header-changed", grid.page, "main table header",
                f"columns {_roles(grid.columns)} differ from page {doc.main[0].page}'s "
                f"{_roles(first)}")
        for grid in doc.main[1:]
        if _roles(grid.columns) != _roles(first)
    ]
    return first, findings


def _roles(columns: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c is not None)


def stitch_document(doc: ExtractedDocument) -> StitchedDocument:
    columns, findings = _main_columns(doc)
    rows, row_findings = stitch_rows(tuple((g.page, g.rows) for g in doc.main),
                                     tuple(g.columns for g in doc.main),
                                     columns_placed=doc.source.format == "pdf")
    return StitchedDocument(
        source=doc.source,
        title=doc.title,
        versions=doc.versions,
        profile=doc.profile,
        columns=_roles(columns),
        rows=tuple(rows),
        attitudes=doc.attitudes,
        notes=doc.notes,
        findings=(*doc.findings, *findings, *row_findings),
    )
