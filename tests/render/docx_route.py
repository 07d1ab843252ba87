"""The realistic route: a ``PagedDocument`` as a Word-like DOCX, converted to PDF by LibreOffice.

``build_docx`` lays every ``PageLayout`` out as Word content: real Word tables with fixed grids,
``<w:tblHeader/>`` header rows, ``gridSpan`` and ``vMerge`` merges and single-line cell borders;
a hard page break between pages; the footer "第 N 頁，總共 M 頁" on every page.
``render_pdf`` converts it with ``soffice --headless --convert-to pdf`` and checks that the PDF
has exactly one page per ``PageLayout`` (a page whose content does not fit pushes it onto an extra
page, which is caught).

Only run by hand: CI has no LibreOffice; the PDFs made here are committed as fixtures. Needs
Debian's ``libreoffice-writer-nogui``, ``fonts-noto-cjk`` and (fallback) ``fonts-arphic-uming``.

Layout constants a paginator can budget with (all in points):

* tables: ``TABLE_FONT_PT`` text on exact ``TABLE_LINE_PT`` lines, ``CELL_PAD_X`` left and right
  cell margins, no vertical ones; rules ``BORDER_PT`` wide;
* text blocks: title ``TITLE_FONT_PT`` bold centred on ``TITLE_LINE_PT`` lines, body
  ``BODY_FONT_PT`` on ``BODY_LINE_PT`` lines; one paragraph per ``"\\n"``-separated line;
* ``BLOCK_GAP_PT`` of empty space between consecutive blocks of a page;
* ``BREAK_LINE_PT`` at the top of every page after the first (the tiny paragraph that carries the
  page break and separates a table on page k from a table on page k+1), and after a table that
  ends the document.

Measured in LibreOffice 7.4 output:

* a table is ``BORDER_PT + sum(lines * TABLE_LINE_PT + BORDER_PT)`` high (each row adds a rule);
* a cell wraps its text at ``width - 2 * CELL_PAD_X - BORDER_PT`` = ``width - 2 * pdf_fast.PAD``,
  as pdf_fast does, but with other glyph widths (CJK 1 em in both; ASCII digits 0.56 em here)
  and kinsoku: a line never starts with ，。、 etc., the character before such punctuation moves
  to the next line with it — so a cell may take a line more than the paginator measured;
* the body area is exactly ``PAGE_HEIGHT - 2 * MARGIN`` high (60 one-line rows fit, 61 do not);
* the footer's baseline lies ``FOOTER_Y`` above the bottom edge;
* the table's left rule is centred at ``MARGIN + 0.3`` (rules are drawn inside the cell box).

A paragraph line that pdf_fast (the paginator's measure) sets on one line but that is wider in
``FONT`` is narrowed with Word's character scale (``w:w``, down to ``MIN_SCALE_PCT``) so that the
paginator's line breaks survive; other paragraphs wrap as LibreOffice wraps them.

What an extractor meets in the output (LibreOffice 7.4, measured with pdfplumber 0.11.10): rules
are stroked 0.5 pt lines (no rectangles); text is written cell by cell in reading order with no
inserted spaces (0.2 em autospace gaps between CJK and ASCII letters/digits, under pdfplumber's
x_tolerance at 9 pt); Latin ligatures (fi, fl, ff, ffi) are single chars whose text has 2-3
letters; glyphs shared by several code points decode as the first code point used in the
document (Noto: a Kangxi radical before 人 turns every 人 into U+2F08; •, · and ・ share a glyph).

Fonts: ``FONT`` serves Latin and East Asian text alike (``w:eastAsia`` is set, so CJK never falls
back). LibreOffice 7.4 draws Noto Sans CJK TC with the Japanese glyph forms of the font collection
(說 and 骨 look Japanese) although the text decodes identically; "AR PL UMing TW" has Taiwanese
forms (a Ming face embedded as TrueType, like Word's 新細明體 output): pass ``font=``.
"""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement as Element
from docx.shared import Pt

from tests.render import pdf_fast
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

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document

FONT = "Noto Sans CJK TC"  # fonts-noto-cjk; "AR PL UMing TW" (fonts-arphic-uming) also works
LANG_EAST_ASIA = "zh-TW"

# The paginator budgets pages with pdf_fast's metrics; the sizes below follow them so that what it
# placed on a page fits there (rows here are shorter: no vertical cell padding, as in Word).
TABLE_FONT_PT = pdf_fast.FONT_SIZE  # 9
TABLE_LINE_PT = pdf_fast.LEADING  # 12
BORDER_PT = 0.5  # w:sz="4": eighths of a point
# The paginator wraps cell text at width - 2 * pdf_fast.PAD. LibreOffice wraps at
# width - left margin - right margin - one rule width, so the Word cell margin is PAD - rule / 2
# (2.75 pt; Word's default would be 5.4).
CELL_PAD_X = pdf_fast.PAD - BORDER_PT / 2
TITLE_FONT_PT = pdf_fast.TITLE_SIZE  # 14
TITLE_LINE_PT = pdf_fast.TITLE_SIZE + 4  # 18, the paginator's title budget
BODY_FONT_PT = 10.0
BODY_LINE_PT = 13.0
FOOTER_FONT_PT = 9.0
FOOTER_LINE_PT = 12.0
BLOCK_GAP_PT = pdf_fast.BLOCK_GAP  # 10
BREAK_LINE_PT = 1.0
# Word's footer distance (bottom page edge to the bottom of the footer line), chosen so that the
# footer's baseline lands on model.FOOTER_Y in LibreOffice's output (measured).
FOOTER_DISTANCE_PT = FOOTER_Y - 2.4

SOFFICE_TIMEOUT_S = 300

# Advance widths (em) of U+0020..U+007E as LibreOffice sets them in each font, measured from its
# PDF output (no kerning is applied). Everything else counts 1 em: exact for CJK and full-width
# punctuation, an overestimate for other characters.
_PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
# fmt: off
_NOTO_ASCII_EM = (  # space, then ! to ~
    0.224, 0.323, 0.474, 0.555, 0.555, 0.921, 0.68, 0.278, 0.338, 0.338, 0.467, 0.555,
    0.278, 0.347, 0.278, 0.392, 0.555, 0.555, 0.555, 0.555, 0.555, 0.555, 0.555, 0.555,
    0.555, 0.555, 0.278, 0.278, 0.555, 0.555, 0.555, 0.474, 0.946, 0.608, 0.657, 0.638,
    0.688, 0.589, 0.552, 0.689, 0.728, 0.293, 0.535, 0.646, 0.543, 0.812, 0.723, 0.742,
    0.633, 0.742, 0.635, 0.596, 0.599, 0.721, 0.575, 0.878, 0.573, 0.531, 0.603, 0.338,
    0.392, 0.338, 0.555, 0.559, 0.606, 0.563, 0.618, 0.51, 0.62, 0.554, 0.325, 0.564,
    0.607, 0.275, 0.275, 0.552, 0.284, 0.926, 0.61, 0.606, 0.62, 0.62, 0.388, 0.468,
    0.377, 0.607, 0.521, 0.802, 0.498, 0.521, 0.475, 0.338, 0.27, 0.338, 0.555,
)
# fmt: on
ASCII_EM = {
    "Noto Sans CJK TC": dict(zip(_PRINTABLE_ASCII, _NOTO_ASCII_EM, strict=True)),
    "AR PL UMing TW": dict.fromkeys(_PRINTABLE_ASCII, 0.5),
}
# LibreOffice (like Word's autoSpaceDE/autoSpaceDN) adds 0.2 em between an ASCII letter or digit
# and an adjacent East Asian character.
AUTOSPACE_EM = 0.2
# A cell paragraph that pdf_fast (the paginator's measure) sets on one line but that is too wide
# here is narrowed (Word's character scale, w:w) to stay on one line, down to this percentage:
# the paginator's line decisions are kept although the fonts differ. (Negative character spacing
# is not used: LibreOffice applies it to only part of a mixed CJK/Latin line.)
MIN_SCALE_PCT = 60


class RenderError(RuntimeError):
    """LibreOffice is missing, failed, or produced a PDF that does not match the layout."""


# ---------------------------------------------------------------- text measurement


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def line_width(text: str, size_pt: float = TABLE_FONT_PT, font: str = FONT) -> float:
    """Width in points of ``text`` set on one line by LibreOffice (autospacing included)."""
    try:
        ascii_em = ASCII_EM[font]
    except KeyError:
        raise ValueError(f"no glyph widths for font {font!r}; measure them first") from None
    em = sum(ascii_em.get(char, 1.0) for char in text)
    for left, right in itertools.pairwise(text):
        if (_is_wide(left) and right.isascii() and right.isalnum()) or (
            _is_wide(right) and left.isascii() and left.isalnum()
        ):
            em += AUTOSPACE_EM
    return em * size_pt


def _scale_pct(text: str, cell_width: float, font: str) -> int:
    """Character scale (percent) keeping ``text`` on one line where pdf_fast does; 100 = none."""
    room = cell_width - 2 * CELL_PAD_X - BORDER_PT - 0.2
    width = line_width(text, TABLE_FONT_PT, font)
    if width <= room or len(pdf_fast.cell_lines(text, cell_width)) != 1:
        return 100  # fits, or a paragraph the paginator measured as wrapping
    pct = math.floor(100 * room / width)
    return pct if pct >= MIN_SCALE_PCT else 100  # else let it wrap (render_pdf may then object)


# ---------------------------------------------------------------- XML helpers


def _twips(points: float) -> str:
    return str(round(points * 20))


def _el(tag: str, /, **attrs: str) -> Element:
    element: Element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn("w:" + name), value)
    return element


def _run_props(font: str, size_pt: float, bold: bool = False, scale_pct: int = 100) -> Element:
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    if scale_pct != 100:
        rpr.append(_el("w:w", val=str(scale_pct)))
    half_points = str(round(size_pt * 2))
    rpr.append(_el("w:sz", val=half_points))
    rpr.append(_el("w:szCs", val=half_points))
    rpr.append(_el("w:lang", val="en-US", eastAsia=LANG_EAST_ASIA))
    return rpr


def _paragraph(
    font: str,
    text: str,
    size_pt: float,
    line_pt: float,
    *,
    bold: bool = False,
    align: str | None = None,
    page_break_before: bool = False,
    scale_pct: int = 100,
) -> Element:
    """A ``w:p`` with exact line spacing and no space before or after."""
    p = _el("w:p")
    ppr = _el("w:pPr")
    if page_break_before:
        ppr.append(_el("w:pageBreakBefore"))
    ppr.append(_el("w:widowControl", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line=_twips(line_pt), lineRule="exact"))
    if align:
        ppr.append(_el("w:jc", val=align))
    # The paragraph mark's size: an empty paragraph keeps this size too.
    ppr.append(_run_props(font, size_pt, bold))
    p.append(ppr)
    if text:
        r = _el("w:r")
        r.append(_run_props(font, size_pt, bold, scale_pct))
        t = _el("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        r.append(t)
        p.append(r)
    return p


def _field_runs(font: str, instruction: str, placeholder: str, size_pt: float) -> list[Element]:
    """A complex field (``PAGE``, ``NUMPAGES``) as its five runs."""
    runs = []
    for kind in ("begin", "instr", "separate", "result", "end"):
        r = _el("w:r")
        r.append(_run_props(font, size_pt))
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {instruction} "
            r.append(instr)
        elif kind == "result":
            t = _el("w:t")
            t.text = placeholder
            r.append(t)
        else:
            r.append(_el("w:fldChar", fldCharType=kind))
        runs.append(r)
    return runs


def _text_run(font: str, text: str, size_pt: float) -> Element:
    r = _el("w:r")
    r.append(_run_props(font, size_pt))
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    r.append(t)
    return r


# ---------------------------------------------------------------- document set-up


def _set_defaults(document: Document, font: str) -> None:
    """Fonts (w:eastAsia too, so CJK never falls back), sizes and spacing for the document."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.clear()
    rpr_default.append(_run_props(font, BODY_FONT_PT))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.clear()
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", before="0", after="0", line="240", lineRule="auto"))
    ppr_default.append(ppr)
    # Word 2013+ table positioning: the table's left rule sits on the margin (tblInd 0).
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), LANG_EAST_ASIA)


def _set_page(document: Document, footer_total: int | None, font: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Pt(PAGE_WIDTH)
    section.page_height = Pt(PAGE_HEIGHT)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Pt(MARGIN))
    section.header_distance = Pt(MARGIN / 2)
    section.footer_distance = Pt(FOOTER_DISTANCE_PT)
    section.gutter = Pt(0)

    footer = section.footer
    footer.is_linked_to_previous = False
    body = footer._element
    for old in list(body):
        body.remove(old)
    p = _paragraph(font, "", FOOTER_FONT_PT, FOOTER_LINE_PT, align="center")
    p.append(_text_run(font, "第 ", FOOTER_FONT_PT))
    p.extend(_field_runs(font, "PAGE", "1", FOOTER_FONT_PT))
    p.append(_text_run(font, " 頁，總共 ", FOOTER_FONT_PT))
    if footer_total is None:
        p.extend(_field_runs(font, "NUMPAGES", "1", FOOTER_FONT_PT))
    else:
        p.append(_text_run(font, str(footer_total), FOOTER_FONT_PT))
    p.append(_text_run(font, " 頁", FOOTER_FONT_PT))
    body.append(p)


# ---------------------------------------------------------------- blocks


def _check_rows(block: TableBlock, rows: Sequence[TableRow]) -> None:
    n = len(block.widths)
    if n == 0:
        raise ValueError(f"{block.kind} table without columns")
    for i, row in enumerate(rows):
        where = f"{block.kind} table, printed row {i}"
        if len(row.cells) != n:
            raise ValueError(f"{where}: {len(row.cells)} cells for {n} grid columns")
        if row.cells[0] is None:
            raise ValueError(f"{where}: the first cell cannot be spanned from the left")
        if row.merged_above and len(row.merged_above) != n:
            raise ValueError(f"{where}: merged_above has {len(row.merged_above)} entries, not {n}")


def _cells(row: TableRow) -> list[tuple[int, int, str, bool]]:
    """(first grid column, span, text, continues the cell above) for each printed cell."""
    out: list[tuple[int, int, str, bool]] = []
    for col, text in enumerate(row.cells):
        if text is None:
            start, span, first_text, above = out[-1]
            out[-1] = (start, span + 1, first_text, above)
            continue
        above = bool(row.merged_above[col]) if row.merged_above else False
        out.append((col, 1, text, above))
    return out


def _border_set(top: bool, left: bool, bottom: bool, right: bool) -> Element:
    borders = _el("w:tcBorders")
    for side, drawn in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        if drawn:
            borders.append(
                _el(
                    f"w:{side}",
                    val="single",
                    sz=str(round(BORDER_PT * 8)),
                    space="0",
                    color="000000",
                )
            )
        else:
            borders.append(_el(f"w:{side}", val="nil"))
    return borders


def _table(block: TableBlock, font: str, keep_lines: bool) -> Element:
    rows = [*block.header, *block.rows]
    _check_rows(block, rows)
    widths = block.widths
    grid = [_cells(row) for row in rows]

    # Vertical merges: a cell continuing the one above must sit on the same columns, and the cell
    # it continues is marked vMerge="restart".
    starts_by_row = [{start: (span, above) for start, span, _, above in cells} for cells in grid]
    continued_below: set[tuple[int, int]] = set()
    for r, cells in enumerate(grid):
        for start, span, text, above in cells:
            if not above:
                continue
            where = f"{block.kind} table, printed row {r}, column {start}"
            if r == 0:
                raise ValueError(f"{where}: merged_above in the first printed row")
            if starts_by_row[r - 1].get(start, (None,))[0] != span:
                raise ValueError(f"{where}: merged_above but the cell above spans other columns")
            if text:
                raise ValueError(f"{where}: a continued cell must be empty (text goes above)")
            continued_below.add((r - 1, start))
    last = len(rows) - 1

    tbl = _el("w:tbl")
    tbl_pr = _el("w:tblPr")
    tbl_pr.append(_el("w:tblW", w=_twips(sum(widths)), type="dxa"))
    tbl_pr.append(_el("w:tblInd", w="0", type="dxa"))
    tbl_borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        tbl_borders.append(_el(f"w:{side}", val="nil"))
    tbl_pr.append(tbl_borders)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    cell_margins = _el("w:tblCellMar")
    for side, value in (("top", 0.0), ("left", CELL_PAD_X), ("bottom", 0.0), ("right", CELL_PAD_X)):
        cell_margins.append(_el(f"w:{side}", w=_twips(value), type="dxa"))
    tbl_pr.append(cell_margins)
    tbl_pr.append(
        _el(
            "w:tblLook",
            val="0000",
            firstRow="0",
            lastRow="0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        )
    )
    tbl.append(tbl_pr)
    tbl_grid = _el("w:tblGrid")
    for width in widths:
        tbl_grid.append(_el("w:gridCol", w=_twips(width)))
    tbl.append(tbl_grid)

    n_header = len(block.header)
    for r, cells in enumerate(grid):
        tr = _el("w:tr")
        tr_pr = _el("w:trPr")
        if r < n_header:
            tr_pr.append(_el("w:tblHeader"))
        tr.append(tr_pr)
        for start, span, text, above in cells:
            # The merged cell's bottom edge is the bottom of the last row it covers.
            end = r
            while (end, start) in continued_below:
                end += 1
            tc = _el("w:tc")
            tc_pr = _el("w:tcPr")
            tc_pr.append(_el("w:tcW", w=_twips(sum(widths[start : start + span])), type="dxa"))
            if span > 1:
                tc_pr.append(_el("w:gridSpan", val=str(span)))
            if above:
                tc_pr.append(_el("w:vMerge"))  # continue
            elif (r, start) in continued_below:
                tc_pr.append(_el("w:vMerge", val="restart"))
            tc_pr.append(
                _border_set(
                    top=not above,
                    left=True,
                    bottom=(r, start) not in continued_below and (block.closed or end < last),
                    right=True,
                )
            )
            tc.append(tc_pr)
            align = "center" if r < n_header else None
            cell_width = sum(widths[start : start + span])
            for line in (text if not above else "").split("\n"):
                scale = _scale_pct(line, cell_width, font) if keep_lines else 100
                tc.append(
                    _paragraph(
                        font,
                        line,
                        TABLE_FONT_PT,
                        TABLE_LINE_PT,
                        align=align,
                        scale_pct=scale,
                    )
                )
            tr.append(tc)
        tbl.append(tr)
    return tbl


def _text(block: TextBlock, font: str) -> list[Element]:
    if block.style == "title":
        return [
            _paragraph(font, line, TITLE_FONT_PT, TITLE_LINE_PT, bold=True, align="center")
            for line in block.text.split("\n")
        ]
    if block.style == "body":
        return [
            _paragraph(font, line, BODY_FONT_PT, BODY_LINE_PT) for line in block.text.split("\n")
        ]
    raise ValueError(f"unknown text style {block.style!r}")


def _spacer(font: str, height_pt: float, *, page_break_before: bool = False) -> Element:
    """An empty paragraph exactly ``height_pt`` high (font size ≤ height so it cannot grow)."""
    return _paragraph(
        font, "", min(height_pt, BODY_FONT_PT), height_pt, page_break_before=page_break_before
    )


# ---------------------------------------------------------------- public API


def build_docx(doc: PagedDocument, font: str = FONT, keep_lines: bool = True) -> Document:
    """The whole document as python-docx ``Document``; page k holds exactly ``doc.pages[k]``.

    ``keep_lines``: narrow the cell lines that pdf_fast sets on one line but ``font`` does not
    (see ``MIN_SCALE_PCT``), so that LibreOffice keeps the paginator's line breaks.
    """
    if not doc.pages:
        raise ValueError("a PagedDocument without pages")
    document = new_document()
    _set_defaults(document, font)
    _set_page(document, doc.footer_total, font)

    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for old in list(body):
        if old is not sect_pr:
            body.remove(old)

    def add(element: Element) -> None:
        sect_pr.addprevious(element)

    last_was_table = False
    for k, page in enumerate(doc.pages):
        if k > 0:
            # Hard page break: a tiny paragraph with "page break before" at the top of the next
            # page. It also keeps a table ending page k apart from a table starting page k+1.
            add(_spacer(font, BREAK_LINE_PT, page_break_before=True))
            last_was_table = False
        for j, block in enumerate(page.blocks):
            if j > 0:
                add(_spacer(font, BLOCK_GAP_PT))
            if isinstance(block, TableBlock):
                add(_table(block, font, keep_lines))
                last_was_table = True
            elif isinstance(block, TextBlock):
                for p in _text(block, font):
                    add(p)
                last_was_table = False
            else:
                raise TypeError(f"page {page.number}: unknown block {type(block).__name__}")
    if last_was_table:
        add(_spacer(font, BREAK_LINE_PT))  # Word needs a paragraph after a final table
    return document


def _pdf_pages_summary(pdf_path: Path) -> tuple[int, list[str]]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        firsts = []
        for page in pdf.pages:
            text = (page.extract_text() or "").strip().splitlines()
            firsts.append(text[0][:40] if text else "(empty page)")
            page.close()
        return len(firsts), firsts


def render_pdf(
    doc: PagedDocument,
    pdf_path: Path,
    keep_docx: Path | None = None,
    font: str = FONT,
    keep_lines: bool = True,
) -> None:
    """Render ``doc`` with LibreOffice to ``pdf_path``; optionally keep the DOCX at ``keep_docx``.

    Raises ``RenderError`` when soffice is missing or fails, or when the PDF's page count differs
    from ``len(doc.pages)`` (a page whose content does not fit spills onto an extra page).
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError(
            "LibreOffice not found (no `soffice` on PATH). Install it by hand, e.g. "
            "`apt-get install -y --no-install-recommends libreoffice-writer-nogui "
            "fonts-noto-cjk fonts-arphic-uming`; CI never renders, it uses committed PDFs."
        )
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="docx_route_") as tmp:
        tmp_dir = Path(tmp)
        docx_path = tmp_dir / "document.docx"
        build_docx(doc, font, keep_lines).save(str(docx_path))
        if keep_docx is not None:
            Path(keep_docx).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(docx_path, keep_docx)
        out_dir = tmp_dir / "out"
        out_dir.mkdir()
        command = [
            soffice,
            # A private profile: no clash with a running LibreOffice, no stale settings.
            f"-env:UserInstallation={(tmp_dir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx_path),
        ]
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"soffice did not finish in {SOFFICE_TIMEOUT_S} s") from exc
        produced = out_dir / "document.pdf"
        if proc.returncode != 0 or not produced.exists():
            raise RenderError(
                f"soffice failed (exit {proc.returncode}): {proc.stdout.strip()} "
                f"{proc.stderr.strip()}"
            )
        count, firsts = _pdf_pages_summary(produced)
        if count != len(doc.pages):
            listing = "; ".join(f"p{i + 1}: {first}" for i, first in enumerate(firsts))
            raise RenderError(
                f"LibreOffice produced {count} pages for a layout of {len(doc.pages)}: some page "
                f"does not fit (first line of each PDF page: {listing})"
            )
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), str(pdf_path))
