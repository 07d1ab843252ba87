"""Extract, PDF route: a published PDF → the same section grids as a text export, with pages.

Part of the extract stage (``pipeline.extract`` dispatches here). The PDF is opened once, in a
``with`` block, and each page is closed after use (peak memory stays flat on long documents).
Each page's tables are found with pdfplumber's default ``lines`` strategy, their open rules
closed (``pipeline.pdf_tables``), and recognised by their header rows' content, never by index
(``pipeline.headers``): a main-table part, the version table, the profile, or a table of the
attitude or notes section — with its title in a row, in a left cell beside its text, or in a
paragraph above it; a main-table part printed without its header continues under the last
header's columns. Text outside tables, and a back-matter cell of several lines, is read line by
line (``pipeline.pdf_text``): page furniture, the title, a section title, or attitude and notes
text.

Nothing is dropped unread: every character touching a table must lie in one of its cells
(``uncovered-text``), a cell under no header column is ``cell-outside-columns`` (left out of
the page's rows), and a table nested in a cell is folded back into that cell (``fold_nested``).
A line break the layout forced inside a Latin word is marked for normalise
(``mark_word_breaks``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.text import chars_to_textmap

from pipeline import headers, layout
from pipeline.extract import outside_columns, section_findings
from pipeline.page_copies import without_clipped_copy, without_copy_above
from pipeline.pdf_columns import (
    column_cell,
    columns_outside_header,
    fold_nested,
    header_boxes,
    outer_row_numbers,
    outside_column_numbers,
)
from pipeline.pdf_objects import read_objects
from pipeline.pdf_tables import (
    find_tables,
    holds,
    text_lines_outside,
    uncovered_chars,
)
from pipeline.pdf_text import (
    HeaderStart,
    Sections,
    digits_only,
    end_running_headers,
    footer_number,
    is_running_header,
    is_wrap,
    mark_word_breaks,
    read_cell_lines,
    read_line,
    with_marks_on_their_lines,
)
from pipeline.records import ExtractedDocument, Finding, GridRow, PageGrid, Source
from pipeline.severity import finding


def _cells(row: list[str | None]) -> tuple[str, ...]:
    return tuple("" if c is None else c for c in row)


def _footer_digits(lines: list[dict[str, Any]]) -> set[int]:
    """Lines holding only digits printed beside a footer line (within two line heights): the
    footer's page numbers drawn as a field apart from its words."""
    footers = [line for line in lines if footer_number(line["text"]) is not None]
    near = set()
    for i, line in enumerate(lines):
        if digits_only(line["text"]) and any(
                abs(line["top"] - f["top"]) < 2 * (f["bottom"] - f["top"]) for f in footers):
            near.add(i)
    return near


# The foot of a page, as a share of its height, where a footer is looked for before anything
# else is read.
_FOOT = 0.88


def _without_footer(page: Any, number: int, state: Sections) -> Any:
    """The page without its footer's glyphs: a line at the page's foot that reads as a footer
    (its page numbers on it or on a line of digits beside it), wherever its glyphs fell — even
    inside the cells of a table whose rules reach the foot, spread over several of them."""
    top = page.bbox[1] + _FOOT * (page.bbox[3] - page.bbox[1])
    foot = [c for c in page.chars if c["top"] >= top]
    if not foot:
        return page
    lines = chars_to_textmap(foot).extract_text_lines(return_chars=True)
    footers = [line for line in lines if footer_number(line["text"]) is not None]
    if not footers:
        return page
    furniture = [*footers, *(lines[i] for i in _footer_digits(lines))]
    for line in footers:
        _check_footer(line["text"], footer_number(line["text"]) or "", number, state)
    gone = {id(c) for line in furniture for c in line["chars"]}
    return page.filter(lambda obj: id(obj) not in gone)


# The top of a page, as a share of its height, where a running header is looked for before
# anything else is read.
_HEAD = 0.12


def _without_running_header(page: Any, number: int, state: Sections) -> Any:
    """The page without a running header at its top (the title's first line repeated), even
    where its glyphs overlap a table whose rules start in the page's margin."""
    top = page.bbox[1] + _HEAD * (page.bbox[3] - page.bbox[1])
    head = [c for c in page.chars if c["bottom"] <= top]
    if number < 2 or not head:
        return page
    lines = chars_to_textmap(head).extract_text_lines(return_chars=True)
    first = lines[0] if lines else None
    if first is None or not is_running_header(first["text"], number, True, state):
        return page
    gone = {id(c) for c in first["chars"]}
    return page.filter(lambda obj: id(obj) not in gone)


def _text_right(page: Any, lines: list[dict[str, Any]], tables: list[Any],
                state: Sections) -> float:
    """The right edge of the page's text block, for telling a wrapped line from a paragraph's
    last: the furthest a line or a table reaches on this page or any page of its width before
    it. A page's lines alone are not enough: on a page whose longest free-text line is a short
    paragraph (`…工作經驗。` and then `大專…`), that line would look full and the next
    paragraph would be taken for its wrap. (Tables span the text block; measured on both
    engines, they end within a point of the margin.)"""
    width = round(float(page.width))
    right = max([line["x1"] for line in lines] + [t.bbox[2] for t in tables]
                + [state.text_right.get(width, 0.0)])
    state.text_right[width] = right
    return right


def _read_page(page: Any, number: int, state: Sections) -> None:
    page = _without_running_header(_without_footer(page, number, state), number, state)
    tables = find_tables(page, number, state.findings)
    lines = text_lines_outside(page, tables)
    missed = uncovered_chars(page, tables)
    if missed:
        # Text touching a table but in no cell. A line printed tight against a table (its
        # glyphs' middle outside every table) is a line like any other, and a footer or its
        # digits where a table's rules reach is furniture all the same; anything else is lost.
        missed_lines = chars_to_textmap(missed).extract_text_lines(return_chars=True)
        beside = [m for m in missed_lines
                  if not any(holds(t.bbox, c) for t in tables for c in m["chars"])]
        inside = [m for m in missed_lines if m not in beside]
        lines += beside + [m for m in inside if footer_number(m["text"]) is not None
                           or digits_only(m["text"])]
        lost = [m["text"] for m in inside if footer_number(m["text"]) is None
                and not digits_only(m["text"])]
        if lost:
            state.findings.append(finding("uncovered-text", number, "inside a table",
                                          f"text in a table but in no cell: "
                                          f"{' '.join(lost)[:60]!r}"))
    lines.sort(key=lambda line: line["top"])
    lines = with_marks_on_their_lines(lines)
    apart = _footer_digits(lines)
    items: list[tuple[float, str, Any]] = [(t.bbox[1], "table", t) for t in tables]
    items += [(line["top"], "line", line) for i, line in enumerate(lines) if i not in apart]
    right = _text_right(page, lines, tables, state)
    first_top = min((top for top, _kind, _obj in items), default=0.0)
    first_table = min((t.bbox[1] for t in tables), default=0.0)
    # The table the page's foot may cut: the lowest, with no text below it but the footer.
    lowest = max(tables, key=lambda t: t.bbox[1], default=None)
    if lowest is not None and any(
            kind == "line" and top > lowest.bbox[3] and footer_number(obj["text"]) is None
            and not digits_only(obj["text"]) for top, kind, obj in items):
        lowest = None
    for top, kind, obj in sorted(items, key=lambda item: item[0]):
        if kind == "line":
            _unknown_header_start(state)
            read_line(obj["text"], number, state, is_wrap(state.room, obj["chars"]),
                      at_top=top == first_top)
            state.room = right - obj["x1"]
        else:
            _read_table(obj, number, state, at_top=top == first_table, at_foot=obj is lowest)
            state.room = None


def _continues_profile(rows: list[tuple[str, ...]], at_top: bool) -> bool:
    """Whether a table after the profile carries its last rows on: it opens with a profile
    label (`基準級別 | 4`), or, first on its page, with a label-less row (the rest of
    工作描述 a page break cut, `| 則，進行系統調整…`), alone or above a labelled one."""
    def label(row: tuple[str, ...]) -> str:
        return next((c for c in row if c.strip()), "")

    if layout.is_profile_label(label(rows[0])):
        return True
    return at_top and not rows[0][0].strip() and (
        len(rows) == 1 or layout.is_profile_label(label(rows[1])))


def _section_title(row: tuple[str, ...]) -> str | None:
    """"attitudes" or "notes" when the row is that section's title, else None."""
    filled = [c for c in row if c.strip()]
    return layout.section_of_title(filled[0]) if len(filled) == 1 else None


def _left_title(row: tuple[str, ...]) -> str | None:
    """The section whose title a row prints in its first cell, beside the section's text (a
    title in a left cell merged over the rows of its items), also when a page break cut the
    title to its first word (`職能內涵` | `A01主動積極`: ``layout.section_of_cut_title``)."""
    filled = [c for c in row if c.strip()]
    if len(filled) < 2:
        return None
    return layout.section_of_title(filled[0]) or layout.section_of_cut_title(*filled[:2])


def _read_back_rows(table: Any, first: int, rows: list[tuple[str, ...]], number: int,
                    state: Sections, skip_columns: int = 0) -> None:
    """Rows of a table in the attitude or notes section (``first``: the grid row the first of
    them is). A row of one cell holding several lines is read line by line, like free text;
    any other row is kept as its cells, which parse reads as one line. A row that is a section
    title switches the section."""
    for i, row in enumerate(rows):
        cells = row[skip_columns:]
        beside = [c for c in row[:skip_columns] if c.strip()]
        if beside and (left := layout.section_of_title(beside[0])) is not None:
            # The next section's title in the title column of the same table.
            state.current, state.left_title = left, beside[0]
        filled = [j for j, c in enumerate(cells) if c.strip()]
        section = _section_title(cells)
        if section is not None and "\n" not in cells[filled[0]].strip():
            state.current = section
            continue
        if len(filled) == 1 and "\n" in cells[filled[0]].strip():
            bbox = table.rows[first + i].cells[skip_columns + filled[0]]
            if bbox is not None:
                read_cell_lines(table.page, bbox, number, state)
                continue
        if filled:
            getattr(state, state.current).append(GridRow(number, cells))


def _title_rest(row: tuple[str, ...], state: Sections) -> str | None:
    """The rest of a left-cell section title a page break cut (`職能內涵(A=attitude 態` on one
    page, `度)：` heading the next), when the row's first cell is it."""
    filled = [c for c in row if c.strip()]
    # (Alone in its row when the section's first item on this page is in the next row.)
    if not state.left_title or not filled or (len(filled) < 2 and not row[0].strip()):
        return None
    return filled[0] if layout.section_of_title(state.left_title + filled[0]) else None


def _continued_columns(table: Any, state: Sections, at_top: bool
                       ) -> tuple[str | None, ...] | None:
    """The roles of a table's grid columns when it continues the main table on a page that
    does not repeat the header: every column with text lies under one of the last header's
    columns (its middle between their edges), and it holds an item code or heads its page
    (the rest of a row the page break cut). None otherwise."""
    if not state.main_boxes:
        return None
    roles: list[str | None] = []
    for j in range(len(table.rows[0].cells)):
        cell = column_cell(table, j)
        middle = None if cell is None else (cell[0] + cell[2]) / 2
        role = next((r for r, left, right in state.main_boxes
                     if middle is not None and left <= middle <= right), None)
        roles.append(role)
    named = [r for r in roles if r is not None]
    texts = [(j, c) for row in table.extract() for j, c in enumerate(row) if c and c.strip()]
    if (not named or len(named) != len(set(named)) or any(roles[j] is None for j, _c in texts)
            or not (at_top or any(layout.role_of_code(layout.BULLET.sub("", c.strip()))
                                  for _j, c in texts))):
        # Not the main table's rows (no item code anywhere): another section's table.
        return None
    return tuple(roles)


def _without_footer_rows(rows: list[tuple[str, ...]], number: int, state: Sections
                         ) -> list[tuple[str, ...]]:
    """A table's rows without the page footer that the table's rules took in — a row of its own,
    or the last line of a cell reaching the page's foot: furniture, checked like any footer."""
    kept = []
    for row in rows:
        text = " ".join(c for c in row if c.strip())
        page = footer_number(text) if text else None
        if page is not None:
            _check_footer(text, page, number, state)
            continue
        kept.append(tuple(_without_footer_lines(cell, number, state) for cell in row))
    return kept


def _without_footer_lines(cell: str, number: int, state: Sections) -> str:
    footer = layout.FOOTER_AT_END.search(cell) if ("頁" in cell or "⾴" in cell) else None
    if footer is None:
        return cell
    _check_footer(footer.group(0).strip(), footer.group(1), number, state)
    return cell[:footer.start()]


def _check_footer(text: str, page: str, number: int, state: Sections) -> None:
    if page and int(page) != number:
        state.findings.append(finding("footer-page-mismatch", number, "footer",
                                      f"footer {text!r} on page {number}"))


def _without_header_rest(rows: list[tuple[str, ...]], number: int,
                         state: Sections) -> list[tuple[str, ...]]:
    """A page's main-table rows without a first row that is the rest of a header printed with
    no row under it at the foot of the page before (`知識 | 技能` below `職能內涵` /
    `K=knowledge`, not repeated: 21/94): read under that header, it still names every column
    whole, one row more."""
    last = state.main[-1] if state.main else None
    if (not rows or last is None or last.rows or not last.header
            or len(last.header) >= headers.MAX_HEADER_ROWS):
        return rows
    joined = headers.classify_header(*[*last.header, rows[0]])
    if joined is None or joined.kind != "main" or joined.cut or joined.rows != len(last.header) + 1:
        return rows
    state.findings.append(finding(
        "header-split", number, "main table header",
        f"the header's first row(s) at the foot of page {number - 1} and its rest at the top "
        f"of page {number} ({_first_row(rows)!r}): read as one header"))
    return rows[1:]


def _is_main_header(row: tuple[str, ...]) -> bool:
    header = headers.classify_header(row)
    return header is not None and header.kind == "main"


def _take_header_rest(body: list[tuple[str, ...]], header: headers.Header, number: int,
                      state: Sections) -> list[tuple[str, ...]]:
    """The first body row without the rest of a header word printed cut short above it: the
    narrow header cell overflowed, and its last character landed in the row below."""
    if not body:
        return body
    first = list(body[0])
    for j, cut in header.cut:
        role = header.columns[j]
        if role is not None and j < len(first) and headers.header_word_rest(cut, role, first[j]):
            rest = first[j].strip().split("\n", 1)
            state.findings.append(finding(
                "header-word-cut", number, "main table header",
                f"{rest[0]!r} below the header word {cut!r} read as its rest, not as text of "
                "the row"))
            first[j] = rest[1] if len(rest) > 1 else ""
    return [tuple(first), *body[1:]]


def _header_start(table: Any, rows: list[tuple[str, ...]], number: int,
                  state: Sections) -> HeaderStart | None:
    """The table as a header's possible first rows: a few rows of words, no item code among
    them (a header names columns; a body row holds codes)."""
    if len(rows) > headers.MAX_HEADER_ROWS or len(table.rows) != len(rows) or any(
            layout.role_of_code(layout.BULLET.sub("", line.strip()))
            for row in rows for cell in row for line in cell.split("\n")):
        return None
    cells = tuple(tuple((box[0], text) for box, text in zip(grid.cells, row, strict=True)
                        if box is not None)
                  for grid, row in zip(table.rows, rows, strict=True))
    return HeaderStart(number, cells, _first_row(rows), len(state.findings))


def _unknown_header_start(state: Sections) -> None:
    """The table kept as a header's possible start, now known to be no such thing: an unknown
    table after all, reported where it was read."""
    start, state.header_start = state.header_start, None
    if start is not None:
        state.findings.insert(start.at, _unknown_table(start.page, start.first))


def _first_row(rows: list[tuple[str, ...]]) -> str:
    return " | ".join(c for c in rows[0] if c)[:40]


def _unknown_table(number: int, first: str) -> Finding:
    return finding("unknown-table", number, "table",
                   f"a table whose first row is not a known header: {first!r}")


def _with_header_start(table: Any, rows: list[tuple[str, ...]], header: headers.Header | None,
                       number: int, at_top: bool, state: Sections
                       ) -> tuple[list[tuple[str, ...]], headers.Header | None, int]:
    """The table's rows and header, with the first rows of its header if the page before ended
    with them (``Sections.header_start``), and how many rows that added."""
    start = state.header_start
    placed = (_placed(start, table) if start is not None and header is None and at_top
              and start.page == number - 1 else None)
    joined = headers.classify_header(*[*placed, *rows][:4]) if placed else None
    if (start is None or not placed or joined is None or joined.kind != "main"
            or joined.rows <= len(placed)):
        _unknown_header_start(state)
        return rows, header, 0
    state.header_start = None
    state.findings.append(finding(
        "header-split", number, "main table header",
        f"the header's first row(s) at the foot of page {number - 1} ({start.first!r}) and "
        f"its rest at the top of page {number}: read as one header"))
    return [*placed, *rows], joined, len(placed)


# Points within which a cell's left edge at one page's foot is a column's edge on the next (one
# table's rules, drawn from the same widths).
_SAME_EDGE = 1.0


def _placed(start: HeaderStart, table: Any) -> list[tuple[str, ...]] | None:
    """A header's first rows from the page before laid on this table's grid columns: each cell
    in the column whose left edge is its own ("" under the columns it spans, as pdfplumber
    gives a merged cell). None when a cell starts at no column's edge: another table's
    columns."""
    edges = []
    for j in range(len(table.rows[0].cells)):
        cell = column_cell(table, j)
        if cell is None:
            return None
        edges.append(cell[0])
    placed = []
    for row in start.rows:
        texts = [""] * len(edges)
        for left, text in row:
            column = next((j for j, edge in enumerate(edges) if abs(edge - left) < _SAME_EDGE),
                          None)
            if column is None:
                return None
            texts[column] = text
        placed.append(tuple(texts))
    return placed


def _read_table(table: Any, number: int, state: Sections, at_top: bool = False,
                at_foot: bool = False) -> None:
    last = len(table.rows) - 1 if at_foot else -1  # (the row the page's foot may cut)
    rows = [tuple(mark_word_breaks(table.page, box, text, at_foot=i == last)
                  if box is not None and text else text
                  for box, text in zip(grid.cells, _cells(row), strict=True))
            for i, (grid, row) in enumerate(zip(table.rows, table.extract(), strict=True))]
    rows = _without_footer_rows(rows, number, state)
    # above: rows of the header printed at the foot of the page before.
    rows, header, above = _with_header_start(
        table, rows, headers.classify_header(*rows[:4]) if rows else None, number, at_top, state)
    if not rows:
        return
    if not any(cell.strip() for row in rows for cell in row):
        # Rules enclosing no text (a browser's rules run on into the page's foot below the
        # last row): no table to read, and nothing in it to lose.
        state.findings.append(finding("empty-table", number, f"y={table.bbox[1]:.0f}",
                                      "ruled cells holding no text, read as no table"))
        return
    if header is None:
        left = _left_title(rows[0])
        continued = (_continued_columns(table, state, at_top) if state.current == "main"
                     else None)
        if left is not None or _title_rest(rows[0], state) is not None:
            state.current = left or state.current
            title_column = next(j for j, c in enumerate(rows[0]) if c.strip())
            state.left_title = rows[0][title_column] if left else ""
            _read_back_rows(table, 0, rows, number, state, skip_columns=title_column + 1)
        elif state.current in ("attitudes", "notes"):
            _read_back_rows(table, 0, rows, number, state)
        elif state.current == "profile" and _continues_profile(rows, at_top):
            # The profile's last rows carried on to the next page (`基準級別 | 4`).
            rest = next((c for c in rows[0] if c.strip()), "")
            if not rows[0][0].strip() and rest:
                state.findings.append(finding(
                    "split-cell-joined", number, "profile",
                    f"a label-less row at the top of page {number} read as the rest of the "
                    f"profile's last field on the page before: {rest[:30]!r}"))
            state.profile.extend(GridRow(number, r) for r in rows)
        elif continued is not None:
            rows = _without_header_rest(rows, number, state)
            state.findings.append(finding(
                "header-not-repeated", number, "main table",
                "a main-table part printed without its header: its columns read under the "
                "last header's"))
            state.main.append(PageGrid(number, tuple(GridRow(number, r) for r in rows
                                                     if not _is_main_header(r)), (), continued))
        elif (kept := _header_start(table, rows, number, state)) is not None:
            state.header_start = kept  # an unknown table, unless the next page completes it
        else:
            state.findings.append(_unknown_table(number, _first_row(rows)))
        return
    state.current = header.kind
    printed, body, columns = rows[:header.rows], rows[header.rows:], header.columns
    if header.kind == "main":
        if header.cut:
            state.findings.append(finding(
                "header-word-cut", number, "main table header",
                f"header word(s) {', '.join(key for _j, key in header.cut)} printed cut short, "
                "read as the column they begin"))
            body = _take_header_rest(body, header, number, state)
        # (The table's own grid holds the header's rows below any printed on the page before.)
        boxes = header_boxes(table, dataclasses.replace(header, rows=header.rows - above))
        state.main_boxes = [(role, box[0], box[2]) for j, box in boxes
                            if (role := columns[j]) is not None]
        first_row = sum(len(g.rows) for g in state.main)
        folded = fold_nested(table, boxes, number, first_row, state.findings)
        outside = columns_outside_header(table, boxes)
        if outside:
            # Located as stitch counts: rows after the fold, the header's columns.
            row_of = outer_row_numbers(table, boxes, header.rows - above)
            column_of = outside_column_numbers(boxes, outside)
            for i, row in enumerate(body):
                state.findings += outside_columns([(column_of[j], row[j]) for j in outside],
                                                  len(boxes), number, first_row + row_of[i] + 1)
        if folded is not None or outside:
            # The rows keep one cell per column under the header (a cell outside them is
            # reported above, and no stage could give it a role): so do the header and columns.
            keep = ([j for j, _box in boxes] if folded is not None
                    else [j for j in range(len(columns)) if j not in outside])
            printed = [tuple(r[j] for j in keep) for r in printed]
            columns = tuple(columns[j] for j in keep)
            body = folded if folded is not None else [tuple(r[j] for j in keep) for r in body]
        # The header printed again inside the table's body (a page's repeated header that the
        # table's rules took in below the rest of a row) is no row of the table.
        body = [r for r in body if not _is_main_header(r)]
        # The attitude (or notes) section may share the ruled table with the last task: from its
        # title row on, the rows belong to that section.
        titles = [i for i, r in enumerate(body) if _section_title(r) is not None]
        tail = body[titles[0]:] if titles else []
        body = body[:titles[0]] if titles else body
        if body or not tail:
            state.main.append(PageGrid(number, tuple(GridRow(number, r) for r in body),
                                       tuple(printed), columns))
        if tail and folded is None:
            _read_back_rows(table, header.rows - above + titles[0], tail, number, state)
        else:
            for row in tail:
                section = _section_title(row)
                if section is not None:
                    state.current = section
                else:
                    getattr(state, state.current).append(GridRow(number, row))
    elif header.kind in ("attitudes", "notes"):
        _read_back_rows(table, header.rows, body, number, state)
    else:
        getattr(state, header.kind).extend(GridRow(number, r) for r in body)


class UnreadablePdf(Exception):
    """pdfminer could not read the file (truncated, damaged, encrypted); ``code`` says which."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


# What pdfminer raises for a file it cannot read, as opposed to a bug in this code.
_PDF_READ_ERRORS = (PdfminerException, PSException, PDFEncryptionError, PDFPasswordIncorrect,
                    MalformedPDFException)


def _pages(pdf: Any) -> list[Any]:
    """The PDF's pages. pdfplumber reads each page's MediaBox, CropBox and rotation as it lists
    them, and a box from the wild that is no box (too few numbers, names instead of numbers)
    raises there: the document is unreadable, for that reason."""
    try:
        return list(pdf.pages)
    except (IndexError, TypeError, ValueError) as exc:
        pdf.pages_to_parse = ()  # closing the PDF lists its pages again: let it build none
        raise UnreadablePdf("unreadable-source", "a page's MediaBox or CropBox is not a box "
                            f"({type(exc).__name__}: {exc})") from exc


def extract_pdf(path: Path, source: Source) -> ExtractedDocument:
    """Read every page of one PDF into section grids."""
    state = Sections()
    chars = 0
    try:
        with pdfplumber.open(path) as pdf:
            if getattr(pdf.doc, "encryption", None):
                state.findings.append(finding(
                    "encrypted-pdf", None, "document",
                    "encrypted with an empty user password; read without one", as_warning=True))
            pages = _pages(pdf)
            page_count = len(pages)
            # A page is read once the next one is open: its foot may hold a copy of a line the
            # next page prints (pipeline.page_copies).
            previous = kept = None
            for number, page in enumerate(pages, start=1):
                read_objects(page)
                chars += len(page.chars)
                unmapped = sum(1 for c in page.chars if c["text"].startswith("(cid:"))
                if unmapped > len(page.chars) // 10:
                    raise UnreadablePdf(
                        "undecodable-text",
                        f"page {number}: {unmapped} of {len(page.chars)} characters have no "
                        "Unicode mapping in the PDF's fonts, so its text cannot be read")
                reading = page
                if previous is not None:
                    reading, above = without_copy_above(page, previous, number)
                    kept, copies = without_clipped_copy(kept, reading, number - 1)
                    state.findings.extend(copies + above)
                    _read_page(kept, number - 1, state)
                    previous.close()
                previous, kept = page, reading
            if previous is not None:
                _read_page(kept, page_count, state)
                previous.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadablePdf("encrypted-pdf", "encrypted: opening it needs a password") from exc
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect):
            raise UnreadablePdf("encrypted-pdf", "encrypted: opening it needs a password") from exc
        raise UnreadablePdf("unreadable-source",
                            f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    except _PDF_READ_ERRORS as exc:
        raise UnreadablePdf("unreadable-source",
                            f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if chars == 0:
        raise UnreadablePdf("no-text-layer",
                            f"no text layer on any of its {page_count} page(s): a scanned image? "
                            "(OCR it first)")
    _unknown_header_start(state)
    end_running_headers(state)
    findings = list(state.findings)
    findings += section_findings(bool(state.versions), bool(state.profile), bool(state.main),
                                 bool(state.attitudes), bool(state.notes))
    # One line per printed line: the profile decides which of them the title is.
    title = "\n".join(state.title)
    if not title and state.main:
        findings.append(finding("missing-title", 1, "title",
                                "no document title above the first table"))
    return ExtractedDocument(
        source=Source(source.file, source.sha256, "pdf", page_count),
        title=GridRow(1, (title,)),
        versions=tuple(state.versions),
        profile=tuple(state.profile),
        main=tuple(state.main),
        attitudes=tuple(state.attitudes),
        notes=tuple(state.notes),
        findings=tuple(findings),
    )
