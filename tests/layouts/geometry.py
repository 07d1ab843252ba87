"""Page and column geometry shared by the engines, in points."""

from __future__ import annotations

from tests.layouts import forms
from tests.layouts.params import LayoutParams

MM = 72.0 / 25.4


def page_size(params: LayoutParams) -> tuple[float, float]:
    width, height = forms.PAPERS[params.paper]
    if params.orientation == "landscape":
        width, height = height, width
    return width * MM, height * MM


def text_width(params: LayoutParams) -> float:
    return page_size(params)[0] - 2 * params.margin_mm * MM


def column_widths(fractions: tuple[float, ...], params: LayoutParams,
                  narrow: int | None = None) -> tuple[float, ...]:
    """Column widths in points filling the text width; a zero fraction (the narrow level column,
    at index ``narrow``) gets one character plus the cell padding, so its header word wraps one
    character per line."""
    total = text_width(params)
    widths = list(fractions)
    fixed = 0.0
    if narrow is not None and widths[narrow] == 0.0:
        fixed = params.font_size * 1.15 + 2 * params.cell_padding + 1.0
    rest = total - fixed
    scale = sum(widths)
    out = [rest * w / scale if w else fixed for w in widths]
    return tuple(round(w, 2) for w in out)


def spans_down(rows: list[list[tuple[int, str]]]) -> dict[tuple[int, int], int]:
    """For rows of (start column, merge) cells: how many rows each "restart" cell covers, keyed
    by (row, start column)."""
    out: dict[tuple[int, int], int] = {}
    for r, cells in enumerate(rows):
        for start, merge in cells:
            if merge != "restart":
                continue
            n = 1
            while r + n < len(rows) and (start, "continue") in rows[r + n]:
                n += 1
            out[(r, start)] = n
    return out
