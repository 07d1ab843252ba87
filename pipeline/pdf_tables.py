"""Extract, PDF route: a page's tables, their rules mended, and the text outside them.

Part of the extract stage (``pipeline.extract_pdf`` reads what these find). pdfplumber finds a
table by its closed cells, so a row part a page break cut — left without its closing (or
opening) rule, or a merged 主要職責 cell carried on to the next page — would be no cell at all and
its text lost: the open ends of the rules are found and closed (``split-row-recovered``). Every
character touching a table must then lie in one of its cells (``uncovered_chars``).
"""

from __future__ import annotations

import itertools
from typing import Any

from pipeline.records import Finding
from pipeline.severity import finding

# A rule this far below a table's last detected rule means a row part with no closing rule.
_OPEN_ROW_GAP = 2.0
# How far apart (points) two rules may be and still be snapped into one. pdfplumber's default, 3,
# chains rules of different tables: a profile column at 159.7/160.4 and the main table's at
# 163.4/164.2 (a browser's 0.75-point border rects) became one line at 161, off the main
# table's row rules, and a task cell read as merged over two rows (layout 15/121, exported
# silently wrong). The two sides of one border are under a point apart.
TABLE_SETTINGS: dict[str, Any] = {"snap_tolerance": 2}


def open_spans(horizontals: list[dict[str, Any]],
               bbox: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """The parts of a table's width (more than two points) its last rule leaves open."""
    x0, _top, x1, bottom = bbox
    spans = sorted((e["x0"], e["x1"]) for e in horizontals
                   if abs(e["top"] - bottom) <= 1 and e["x1"] > x0 and e["x0"] < x1)
    gaps = []
    reached = x0
    for left, right in spans:
        if left > reached + _OPEN_ROW_GAP:
            gaps.append((reached, left))
        reached = max(reached, right)
    return gaps + ([(reached, x1)] if reached < x1 - _OPEN_ROW_GAP else [])


# Points below the last rule where a hanging line may start: the browser may paint the line
# right at the fragment's end (`風險所` 0.05 pt under the rule it continues past).
_HANG_SLACK = 0.5


def hanging_bottom(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float],
                   gaps: list[tuple[float, float]]) -> float:
    """Where an open cell's text ends: a line of it that starts above the table's last rule
    (or right at it) and hangs below it, in a part of the width that rule leaves open (a
    browser paints a merged cell carried on to the next page past its fragment's end:
    `T3製程技術與產品` | `製造`, the glyphs across the line where the other columns' rule is)."""
    bottom = bbox[3]
    hanging = [c["bottom"] for c in chars
               if c["top"] < bbox[3] + _HANG_SLACK and bbox[3] < (c["top"] + c["bottom"]) / 2
               and not c["text"].isspace()
               and any(left <= (c["x0"] + c["x1"]) / 2 <= right for left, right in gaps)]
    return max([bottom, *hanging])


def find_tables(page: Any, number: int, findings: list[Finding]) -> list[Any]:
    """Tables on the page, a row part without its closing rule restored."""
    tables = page.find_tables(table_settings=TABLE_SETTINGS)
    bottoms = []
    sides: list[dict[str, Any]] = []
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    horizontals = [e for e in page.edges if e["orientation"] == "h"]
    for table in tables:
        x0, _top, x1, bottom = table.bbox
        # Follow the table's vertical rules down past its last horizontal rule.
        reach = bottom
        while True:
            further = [
                e["bottom"] for e in verticals
                if x0 - 1 <= e["x0"] <= x1 + 1 and e["top"] <= reach + 1 and e["bottom"] > reach
            ]
            if not further:
                break
            reach = max(further)
        if reach > bottom + _OPEN_ROW_GAP:
            bottoms.append(reach)
        elif gaps := open_spans(horizontals, table.bbox):
            # A cell carried on to the next page (a merged 主要職責 cell) left without its
            # closing rule: pdfplumber finds no cell there, and its text would be lost.
            hangs_to = hanging_bottom(page.chars, table.bbox, gaps)
            bottoms.append(hangs_to + 0.5 if hangs_to > bottom else bottom)
            # Its side rules, carried on down to there.
            sides += [_vertical(x, bottom - 1, hangs_to + 0.5) for gap in gaps for x in gap
                      if hangs_to > bottom]
    tops, ends = open_ends(verticals, horizontals, page.bbox[1], page.bbox[3])
    # A row part that holds no text is nothing to recover: a browser may paint the borders of
    # a row continued from the page before in the top margin above the repeated header, where
    # a recovered rule would make an empty first row of the header.
    tops = [y for y in tops if _text_below(page, y, verticals, horizontals)]
    bottoms = sorted({*bottoms, *ends})
    if not bottoms and not tops:
        return list(tables)
    for y in bottoms:
        findings.append(finding(
            "split-row-recovered", number, f"y={y:.0f}",
            "a table row part had no closing rule (pdfplumber drops such a row); "
            "recovered with a rule at the bottom of its vertical rules"))
    for y in tops:
        findings.append(finding(
            "split-row-recovered", number, f"y={y:.0f}",
            "a table row part continued from the page before had no opening rule (pdfplumber "
            "finds no table there); recovered with a rule at the top of its vertical rules"))
    return list(page.find_tables(table_settings={
        **TABLE_SETTINGS,
        "explicit_horizontal_lines": sorted({*bottoms, *tops}),
        "explicit_vertical_lines": sides}))


def _text_below(page: Any, y: float, verticals: list[dict[str, Any]],
                horizontals: list[dict[str, Any]]) -> bool:
    """Whether any character lies between the vertical rules that start at height ``y`` and
    below it, down to the next horizontal rule across them (a rule, not the corner piece a
    browser draws at a border's end)."""
    xs = [e["x0"] for e in verticals if abs(e["top"] - y) <= 1]
    if not xs:
        return True
    left, right = min(xs), max(xs)
    below = min((h["top"] for h in horizontals if h["top"] > y + _OPEN_ROW_GAP
                 and h["x1"] - h["x0"] > _OPEN_ROW_GAP and h["x0"] < right and h["x1"] > left),
                default=page.bbox[3])
    return any(y <= (c["top"] + c["bottom"]) / 2 <= below and left <= c["x0"] <= right
               and not c["text"].isspace() for c in page.chars)


def _vertical(x: float, top: float, bottom: float) -> dict[str, Any]:
    """A vertical rule as pdfplumber's table finder takes an explicit one (an edge)."""
    return {"object_type": "line_edge", "orientation": "v", "x0": x, "x1": x, "top": top,
            "bottom": bottom, "width": 0.0, "height": bottom - top}


def open_ends(verticals: list[dict[str, Any]], horizontals: list[dict[str, Any]],
               page_top: float, page_bottom: float) -> tuple[list[float], list[float]]:
    """Where two or more vertical rules start (or end) at one height with no horizontal rule
    across them there: a row part continued from the page before (or on the next page), drawn
    without a rule above (below) it. A rule counts when it runs on past the vertical one (the
    corner pieces a browser draws at a border's end do not)."""
    rules_at: dict[int, list[tuple[float, float]]] = {}
    for h in horizontals:
        if h["x1"] - h["x0"] > _OPEN_ROW_GAP:
            rules_at.setdefault(round(h["top"]), []).append((h["x0"], h["x1"]))

    def closed(x: float, y: float) -> bool:
        return any(x0 - 1 <= x <= x1 + 1
                   for dy in (-1, 0, 1) for x0, x1 in rules_at.get(round(y) + dy, ()))

    # Where vertical rules start and end: a rule that goes on below (above) another's end is
    # one line drawn in pieces, not an end.
    # Pieces drawn past the page's edge (clipped by it) continue nothing that is printed.
    verticals = [e for e in verticals if e["top"] >= page_top and e["bottom"] <= page_bottom]
    starts = {(round(e["x0"]), round(e["top"])) for e in verticals}
    ends = {(round(e["x0"]), round(e["bottom"])) for e in verticals}

    def continued(at: set[tuple[int, int]], x: float, y: float) -> bool:
        return any((round(x) + dx, round(y) + dy) in at for dx in (-1, 0, 1) for dy in (-1, 0, 1))

    open_tops: dict[int, list[dict[str, Any]]] = {}
    open_bottoms: dict[int, list[dict[str, Any]]] = {}
    for edge in verticals:
        if edge["bottom"] - edge["top"] <= _OPEN_ROW_GAP:
            continue
        if not closed(edge["x0"], edge["top"]) and not continued(ends, edge["x0"], edge["top"]):
            open_tops.setdefault(round(edge["top"]), []).append(edge)
        if not closed(edge["x0"], edge["bottom"]) and not continued(starts, edge["x0"],
                                                                     edge["bottom"]):
            open_bottoms.setdefault(round(edge["bottom"]), []).append(edge)

    def row_open(y: int, edges: list[dict[str, Any]]) -> bool:
        """Rules of two or more columns end there (a double-drawn border is one) with no rule
        at all between them: a whole row part is open, not a merged cell's border. Or rules end
        where the rest of the row has its rule but not across them: a merged cell (主要職責)
        carried on to the next page, open at the page's end."""
        xs = sorted(e["x0"] for e in edges)
        columns = 1 + sum(1 for a, b in itertools.pairwise(xs) if b - a > _OPEN_ROW_GAP)
        rules = [r for dy in (-1, 0, 1) for r in rules_at.get(y + dy, ())]
        between = any(x0 < xs[-1] and x1 > xs[0] for x0, x1 in rules)
        return (columns >= 2 and not between) or (not between and bool(rules))

    return ([min(e["top"] for e in edges) for y, edges in open_tops.items()
             if row_open(y, edges)],
            [max(e["bottom"] for e in edges) for y, edges in open_bottoms.items()
             if row_open(y, edges)])


def text_lines_outside(page: Any, tables: list[Any]) -> list[dict[str, Any]]:
    outside = page
    x0, top, x1, bottom = page.bbox
    for table in tables:
        # A rule drawn past the page's edge (clipped by it) may put a table's box outside it.
        tx0, ttop, tx1, tbottom = table.bbox
        clipped = (max(tx0, x0), max(ttop, top), min(tx1, x1), min(tbottom, bottom))
        if clipped[0] < clipped[2] and clipped[1] < clipped[3]:
            outside = outside.outside_bbox(clipped)
    lines: list[dict[str, Any]] = outside.extract_text_lines()
    return lines


def uncovered_chars(page: Any, tables: list[Any]) -> list[dict[str, Any]]:
    """Characters touching a table's outline but in none of its cells, in reading order.

    The text outside tables is read with pdfplumber's ``outside_bbox``, which leaves out every
    character that merely overlaps a table: such a character must then be in a cell, or it is
    reported — a glyph straddling a table's edge is never silently dropped (a footer printed
    where a table's last rule reaches is still a footer: ``_read_page``)."""
    missed = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        cells = table.cells
        # The cells' spans across each printed line's middle, found once per line (a line's
        # characters share it) rather than testing every cell for every character.
        spans_at: dict[float, list[tuple[float, float]]] = {}
        for char in page.chars:
            if char["text"].isspace():
                continue
            if char["x1"] < x0 or char["x0"] > x1 or char["bottom"] < top or char["top"] > bottom:
                continue
            cx = (char["x0"] + char["x1"]) / 2
            cy = (char["top"] + char["bottom"]) / 2
            spans = spans_at.get(cy)
            if spans is None:
                spans = spans_at[cy] = [(c[0], c[2]) for c in cells if c[1] <= cy <= c[3]]
            if not any(left <= cx <= right for left, right in spans):
                missed.append(char)
    return missed


def holds(bbox: tuple[float, float, float, float], char: dict[str, Any]) -> bool:
    """Whether a character's middle lies inside a box."""
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def uncovered_in_tables(page: Any, tables: list[Any]) -> str:
    return "".join(c["text"] for c in uncovered_chars(page, tables))
