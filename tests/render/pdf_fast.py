"""Fast route: a PagedDocument drawn with reportlab on a canvas, the way Word lays out iCAP tables.

The table layout is done here by hand (not with reportlab's Table) so that every rule Word would
draw is drawn — including the closing rule under the page-N part of a split row, without which
pdfplumber drops that part — and so that line wrapping never breaks a Latin word or the space
between Latin and CJK text (a wrap there could not be undone exactly by any reader).

Font: reportlab's built-in CID font MSung-Light with the Adobe-CNS1 encoding UniCNS-UCS2-H (its
default UniGB encoding makes pdfplumber read mojibake; see shared research notes).
"""

from __future__ import annotations

import io
import unicodedata

from reportlab.pdfbase import cidfonts, pdfmetrics
from reportlab.pdfgen import canvas

from tests.render.model import (
    FOOTER_Y,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PagedDocument,
    TableBlock,
    TableRow,
    TextBlock,
)

FONT = "MSung-Light"
FONT_SIZE = 9.0
LEADING = 12.0
PAD = 3.0
TITLE_SIZE = 14.0
BLOCK_GAP = 10.0

_registered = False

# Characters this font's text layer cannot give back (pdfminer reads U+FF0F as U+2215, and has no
# code point for the others): the fast route prints a renderable equivalent instead, and the
# round trip's truth is built from the substituted text. The LibreOffice route embeds real fonts
# and needs none of this.
FAST_ROUTE_SUBSTITUTES = {"／": "/", "｢": "「", "｣": "」", "啓": "啟"}


def use_truetype_font(path: str, subfont: int = 0,
                      glyph_aliases: dict[str, str] | None = None) -> None:
    """Draw every later page with a TrueType font instead of MSung-Light, for text the CID font
    cannot encode (it drops Kangxi radicals, compatibility ideographs and private-use
    characters). ``glyph_aliases`` draws a character the font lacks with another's glyph while
    the text layer keeps the character — as Word's Symbol font prints its private-use bullets.
    Only fixture scripts call this (the font is not needed to read the committed PDF)."""
    global FONT, _registered
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("FixtureTTF", path, subfontIndex=subfont)
    for char, like in (glyph_aliases or {}).items():
        font.face.charToGlyph[ord(char)] = font.face.charToGlyph[ord(like)]
        font.face.charWidths[ord(char)] = font.face.charWidths[ord(like)]
    pdfmetrics.registerFont(font)
    FONT, _registered = "FixtureTTF", True


def fast_route_text(text: str) -> str:
    return "".join(FAST_ROUTE_SUBSTITUTES.get(c, c) for c in text)


def register_font() -> None:
    global _registered
    if not _registered:
        cidfonts.defaultUnicodeEncodings[FONT] = ("cht", "UniCNS-UCS2-H")
        pdfmetrics.registerFont(cidfonts.UnicodeCIDFont(FONT))
        _registered = True


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Breakable units: one wide character, a run of non-wide non-space characters, or a space."""
    out: list[str] = []
    for char in text:
        if char == " ":
            out.append(" ")
        elif _is_wide(char) or not out or out[-1] == " " or _is_wide(out[-1][-1]):
            out.append(char)
        else:
            out[-1] += char
    return out


def _space_is_breakable(tokens: list[str], s: int) -> bool:
    """A wrap at the space tokens[s] is undone as one space only between two Latin words."""
    left = tokens[s - 1] if s >= 1 else ""
    right = tokens[s + 1] if s + 1 < len(tokens) else ""
    return bool(left) and bool(right) and not _is_wide(left[-1]) and not _is_wide(right[0])


def _breakable_before(tokens: list[str], i: int) -> bool:
    """May a line start at token i? Breaking next to a space is breaking at that space."""
    if tokens[i] == " ":
        return _space_is_breakable(tokens, i)
    if tokens[i - 1] == " ":
        return _space_is_breakable(tokens, i - 1)
    return True


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Greedy wrap of one paragraph; a break at a space drops that space (as Word does)."""
    register_font()
    tokens = _tokens(text)
    lines: list[str] = []
    line: list[str] = []
    for i, token in enumerate(tokens):
        candidate = "".join([*line, token]).rstrip()
        if line and pdfmetrics.stringWidth(candidate, FONT, size) > width:
            # Find the last allowed break at or before i.
            j = i
            while j > i - len(line) and not _breakable_before(tokens, j):
                j -= 1
            if j > i - len(line):
                keep = len(line) - (i - j)
                lines.append("".join(line[:keep]).rstrip())
                line = [t for t in line[keep:]]
                while line and line[0] == " ":
                    line.pop(0)
                if token == " " and not line:
                    continue
            # else: no break is allowed yet; the line runs long and is condensed when drawn.
        line.append(token)
    if line:
        lines.append("".join(line).rstrip())
    return [ln for ln in lines if ln] or [""]


def cell_lines(text: str | None, width: float) -> list[str]:
    if not text:
        return []
    out: list[str] = []
    for paragraph in text.split("\n"):
        out += wrap(paragraph, width - 2 * PAD)
    return out


def _cell_widths(row: TableRow, widths: tuple[float, ...]) -> list[tuple[int, float]]:
    """(column, width) of each cell that starts in this row, spans included."""
    out: list[tuple[int, float]] = []
    for i, cell in enumerate(row.cells):
        if cell is None and out:
            col, w = out[-1]
            out[-1] = (col, w + widths[i])
        else:
            out.append((i, widths[i]))
    return out


def _nested_rows(rows: tuple[tuple[str, ...], ...], width: float) -> list[float]:
    """Heights of the rows of a table nested in a cell ``width`` wide (inset by PAD)."""
    inner = (width - 2 * PAD) / max(len(r) for r in rows)
    return [max(max(len(cell_lines(t, inner)) for t in r), 1) * LEADING + 2 * PAD
            for r in rows]


def _cell_height(row: TableRow, col: int, width: float) -> float:
    """The content of one cell: its text lines, then any table nested in it."""
    height = len(cell_lines(row.cells[col], width)) * LEADING
    for column, rows in row.nested:
        if column == col:
            height += PAD + sum(_nested_rows(rows, width))
    return height


def row_height(row: TableRow, widths: tuple[float, ...]) -> float:
    content = max((_cell_height(row, col, w) for col, w in _cell_widths(row, widths)),
                  default=0.0)
    return max(content, LEADING) + 2 * PAD


def _draw_nested(c: canvas.Canvas, rows: tuple[tuple[str, ...], ...], x0: float, width: float,
                 top: float) -> None:
    """A ruled table inside a cell, inset by PAD, its top at ``top``."""
    inner = (width - 2 * PAD) / max(len(r) for r in rows)
    left, y = x0 + PAD, top
    c.line(left, y, left + inner * max(len(r) for r in rows), y)
    for row, height in zip(rows, _nested_rows(rows, width), strict=True):
        for k in range(len(row) + 1):
            c.line(left + k * inner, y, left + k * inner, y - height)
        c.line(left, y - height, left + inner * len(row), y - height)
        for k, text in enumerate(row):
            for n, line in enumerate(cell_lines(text, inner)):
                c.drawString(left + k * inner + PAD, y - PAD - (n + 1) * LEADING + 3, line)
        y -= height


def table_height(block: TableBlock) -> float:
    return sum(row_height(r, block.widths) for r in (*block.header, *block.rows))


def _draw_table(c: canvas.Canvas, block: TableBlock, top: float) -> float:
    """Draw the table with its top at ``top`` (PDF y); return the y of its bottom."""
    xs = [MARGIN]
    for w in block.widths:
        xs.append(xs[-1] + w)
    rows = [*block.header, *block.rows]
    y = top
    c.setLineWidth(0.6)
    c.line(xs[0], y, xs[-1], y)
    for index, row in enumerate(rows):
        height = row_height(row, block.widths)
        bottom = y - height
        starts = _cell_widths(row, block.widths)
        # Vertical rules at the table's edges and between cells that start in this row.
        for col, _w in starts:
            c.line(xs[col], y, xs[col], bottom)
        c.line(xs[-1], y, xs[-1], bottom)
        # Rule under this row, except where the next row's cell merges with this one.
        is_last = index == len(rows) - 1
        if not is_last:
            below = rows[index + 1]
            for col in range(len(block.widths)):
                merged = bool(below.merged_above) and below.merged_above[col]
                if not merged:
                    c.line(xs[col], bottom, xs[col + 1], bottom)
        elif block.closed:
            c.line(xs[0], bottom, xs[-1], bottom)
        for row_index, text, width in block.outside:
            if row_index + len(block.header) == index:
                x0, x1 = xs[-1], xs[-1] + width
                c.line(x0, y, x1, y)
                c.line(x0, bottom, x1, bottom)
                c.line(x1, y, x1, bottom)
                for k, line in enumerate(cell_lines(text, width)):
                    c.setFont(FONT, FONT_SIZE)
                    c.drawString(x0 + PAD, y - PAD - (k + 1) * LEADING + 3, line)
        for column, nested in row.nested:
            width = dict(starts)[column]
            lines = len(cell_lines(row.cells[column], width))
            _draw_nested(c, nested, xs[column], width, y - PAD - lines * LEADING - PAD)
        for col, width in starts:
            for k, line in enumerate(cell_lines(row.cells[col], width)):
                # A word wider than the cell is condensed to fit rather than broken: a break
                # inside a word could not be told from a wrap between two words.
                natural = pdfmetrics.stringWidth(line, FONT, FONT_SIZE)
                scale = min(100.0, 100.0 * (width - 2 * PAD) / natural) if natural else 100.0
                text = c.beginText(xs[col] + PAD, y - PAD - (k + 1) * LEADING + 3)
                text.setFont(FONT, FONT_SIZE)
                text.setHorizScale(scale)
                text.textLine(line)
                c.drawText(text)
        y = bottom
    return y


def render_fast(doc: PagedDocument) -> bytes:
    """The whole document as PDF bytes (deterministic: no creation date, fixed document ID)."""
    register_font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True,
                      pageCompression=1)
    total = doc.footer_total if doc.footer_total is not None else len(doc.pages)
    for page in doc.pages:
        c.setFont(FONT, FONT_SIZE)
        y = PAGE_HEIGHT - MARGIN
        for block in page.blocks:
            if isinstance(block, TextBlock) and block.style == "title":
                c.setFont(FONT, TITLE_SIZE)
                y -= TITLE_SIZE + 4
                c.drawCentredString(PAGE_WIDTH / 2, y, block.text)
                c.setFont(FONT, FONT_SIZE)
                y -= BLOCK_GAP
            elif isinstance(block, TextBlock):
                # A paragraph of body text, wrapped at the right margin like Word's.
                for line in wrap(block.text, PAGE_WIDTH - 2 * MARGIN):
                    y -= LEADING
                    c.drawString(MARGIN, y, line)
                y -= LEADING / 2
            else:
                y = _draw_table(c, block, y) - BLOCK_GAP
        c.drawCentredString(PAGE_WIDTH / 2, FOOTER_Y, f"第 {page.number} 頁，總共 {total} 頁")
        c.showPage()
    c.save()
    return buffer.getvalue()


def usable_height() -> float:
    """Vertical room for blocks on one page, above the footer."""
    return PAGE_HEIGHT - 2 * MARGIN - 10
