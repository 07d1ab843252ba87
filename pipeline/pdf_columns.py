"""Which header column each cell of a PDF main table lies under.

pdfplumber returns a table as a grid of every rule it found, so two layouts give it more
columns or rows than the header names: a cell whose rules reach past the header (an extra
column, empty elsewhere: ``cell-outside-columns``), and a table nested inside a cell (its rules
split the outer grid: extra columns under one header cell and extra rows without a task). Both
are read here against the header's own cell boxes, so the extract stage sees one cell per header
column or a located error, never a shifted row. A located error names the row and column the
stitch stage counts: the rows once nested tables are folded, the header's columns.
"""

from __future__ import annotations

from typing import Any

import pdfplumber

from pipeline import headers
from pipeline.records import Finding
from pipeline.severity import finding

Box = tuple[float, float, float, float]


def header_boxes(table: Any, header: headers.Header) -> list[tuple[int, Box]]:
    """Each header column's grid index and box: the narrowest header cell at that grid column,
    so a two-row header's spanned upper cell (職能內涵) gives way to the cells naming its
    columns below it. Grid columns under no column header (a nested table's, a cell past the
    header) have none."""
    boxes = []
    for j, role in enumerate(header.columns):
        cells = [table.rows[r].cells[j] for r in range(header.rows)
                 if table.rows[r].cells[j] is not None]
        if role is not None and cells:
            boxes.append((j, min(cells, key=lambda c: c[2] - c[0])))
    return boxes


def column_cell(table: Any, j: int) -> Box | None:
    """A grid column's first cell in any row (None under a cell spanning it in every row): where
    the column lies."""
    return next((r.cells[j] for r in table.rows if r.cells[j] is not None), None)


def columns_outside_header(table: Any, boxes: list[tuple[int, Box]]) -> list[int]:
    """Grid columns of a table that lie under no header column (a row whose rules reach past
    the header: pdfplumber adds a column for it, empty in every other row)."""
    outside = []
    for j in range(len(table.rows[0].cells)):
        cell = column_cell(table, j)
        if cell is None:
            continue
        middle = (cell[0] + cell[2]) / 2
        if not any(h[0] <= middle <= h[2] for _j, h in boxes):
            outside.append(j)
    return outside


def outside_column_numbers(boxes: list[tuple[int, Box]], outside: list[int]) -> dict[int, int]:
    """The column (0-based) each grid column under no header column is reported in: counted
    over the header's columns and those outside them, as a text export counts its cells — a
    nested table's grid columns are no columns of the main table."""
    counted = sorted({j for j, _box in boxes} | set(outside))
    return {j: counted.index(j) for j in outside}


# Points within which two rules or cell edges are the same line.
_EDGE_TOLERANCE = 1.0


def _cell_text(page: Any, bbox: Box) -> str:
    """A cell's text exactly as pdfplumber's ``Table.extract`` reads it (chars by their middle)."""
    x0, top, x1, bottom = bbox
    chars = [c for c in page.chars
             if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]
    return str(pdfplumber.utils.extract_text(chars)) if chars else ""


def _outer_rows(table: Any, boxes: list[tuple[int, Box]]
                ) -> tuple[list[Box], list[tuple[int, Box]], list[float], bool]:
    """The header's column boxes, the body cells each in the header column it starts under,
    the outer rows' tops (the cell tops shared by two or more header columns: a nested table's
    rows lie in one) and whether anything is nested (a cell narrower than its header column, or
    a cell top in one column only)."""
    headers = [box for _j, box in boxes]
    header_bottom = max(c[3] for c in headers)

    def covered(cell: Box) -> list[int]:
        """The header columns a cell lies under (several for a cell spanning them)."""
        return [h for h, c in enumerate(headers)
                if cell[0] < c[2] - _EDGE_TOLERANCE and cell[2] > c[0] + _EDGE_TOLERANCE]

    spans = [(covered(c), c) for c in table.cells if c[1] >= header_bottom - _EDGE_TOLERANCE]
    # A spanning cell is read in its first column, as pdfplumber does; outside cells are left
    # to the cell-outside-columns check.
    body = [(cols[0], c) for cols, c in spans if cols]
    narrow = any(len(cols) == 1 and (c[0] > headers[cols[0]][0] + _EDGE_TOLERANCE
                                     or c[2] < headers[cols[0]][2] - _EDGE_TOLERANCE)
                 for cols, c in spans)
    columns_at: dict[float, set[int]] = {}
    for cols, c in spans:
        columns_at.setdefault(round(c[1]), set()).update(cols)
    tops = sorted(t for t, cols in columns_at.items() if len(cols) >= 2)
    return headers, body, tops, narrow or len(tops) != len(columns_at)


def outer_row_numbers(table: Any, boxes: list[tuple[int, Box]], header_rows: int) -> list[int]:
    """For each body row of pdfplumber's grid, the row it is part of once nested tables are
    folded (0-based, the rows ``fold_nested`` returns; the grid's own rows when nothing is
    nested), so a finding about a cell names the row the stitch stage counts."""
    grid_rows = list(table.rows[header_rows:])
    _headers, _body, tops, nested = _outer_rows(table, boxes)
    if not nested:
        return list(range(len(grid_rows)))
    return [max(0, sum(1 for t in tops if t - _EDGE_TOLERANCE <= row.bbox[1]) - 1)
            for row in grid_rows]


def fold_nested(table: Any, boxes: list[tuple[int, Box]], number: int, first_row: int,
                findings: list[Finding]) -> list[tuple[str, ...]] | None:
    """A main-table part whose cells hold nested tables, read back into the header's columns.

    A table nested in a cell adds its rules to the outer grid: pdfplumber returns its cells as
    extra columns under one header column and extra rows without a task. The outer rows are the
    cell tops shared by two or more header columns (a nested table's rows lie in one); each
    outer cell's text is then its own text and its nested cells', in reading order (row by row,
    left to right), one line each — reported as ``nested-table-folded``. A nested cell reaching
    into the next outer row cannot be placed: ``unplaceable-nested-cell`` (error). None when
    nothing is nested (the table is read as pdfplumber reads it). ``boxes``: the header's
    columns (``header_boxes``); the rows returned have one cell per header column.
    """
    headers, body, tops, nested = _outer_rows(table, boxes)
    if not nested:
        return None
    bottom = table.bbox[3]
    rows: list[tuple[str, ...]] = []
    for r, top in enumerate(tops):
        below = tops[r + 1] if r + 1 < len(tops) else bottom
        cells: list[str] = []
        for h in range(len(headers)):
            parts = sorted((c for k, c in body if k == h and top - _EDGE_TOLERANCE <= c[1]
                            < below - _EDGE_TOLERANCE), key=lambda c: (round(c[1]), c[0]))
            where = f"row {first_row + r + 1} column {h + 1}"
            for part in parts:
                if part[3] > below + _EDGE_TOLERANCE and len(parts) > 1:
                    text = _cell_text(table.page, part)[:40]
                    findings.append(finding("unplaceable-nested-cell", number, where,
                                            f"a nested cell reaches into the next row: {text!r}"))
            texts = [_cell_text(table.page, part) for part in parts]
            if len(parts) > 1:
                findings.append(finding(
                    "nested-table-folded", number, where,
                    f"a table nested in the cell: {len(parts) - 1} nested cell(s) read into it "
                    "in reading order"))
            cells.append("\n".join(t for t in texts if t))
        rows.append(tuple(cells))
    return rows
