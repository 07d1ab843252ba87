"""The Word route: a ``Document`` as a DOCX (python-docx) converted by LibreOffice headless.

Unlike ``tests/render/docx_route.py`` nothing is paginated beforehand and there is no hard page
break: the ENGINE flows the document, as Word does with iCAP's template — rows may break across
pages, header rows carry ``<w:tblHeader/>`` and repeat on every page, the duty cell is a
``vMerge`` over its tasks' rows, back-matter rows that must stay whole carry ``cantSplit``, and
the footer is built from ``PAGE`` / ``NUMPAGES`` fields (each its own run; with
``footer_digits_apart`` the field runs are spaced out, so the digits are drawn apart from the
words). LibreOffice is slow to start, so ``convert`` converts many DOCX files in one call.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.layouts.document import Cell, Document, Para, Row, Table
from tests.layouts.geometry import MM, column_widths, page_size
from tests.layouts.params import LayoutParams

TIMEOUT_S = 900
BORDER_EIGHTHS = 4  # 0.5 pt rules
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class RenderError(RuntimeError):
    """LibreOffice is missing or did not convert a file."""


def _el(tag: str, /, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn("w:" + name), value)
    return element


def _twips(points: float) -> str:
    return str(round(points * 20))


def _rpr(params: LayoutParams, size: float, bold: bool = False, apart: bool = False) -> Any:
    rpr = _el("w:rPr")
    font = params.font
    rpr.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    if bold:
        rpr.append(_el("w:b"))
    if apart:
        rpr.append(_el("w:spacing", val=_twips(3.0)))
    rpr.append(_el("w:sz", val=str(round(size * 2))))
    rpr.append(_el("w:szCs", val=str(round(size * 2))))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-TW"))
    return rpr


def _run(params: LayoutParams, text: str, size: float, bold: bool = False,
         apart: bool = False) -> Any:
    r = _el("w:r")
    r.append(_rpr(params, size, bold, apart))
    t = _el("w:t")
    t.set(XML_SPACE, "preserve")
    t.text = text
    r.append(t)
    return r


def _paragraph(params: LayoutParams, text: str, size: float | None = None, *, bold: bool = False,
               align: str | None = None, after: float = 0.0) -> Any:
    size = size or params.font_size
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", before="0", after=_twips(after),
                   line=str(round(240 * params.line_spacing)), lineRule="auto"))
    if align:
        ppr.append(_el("w:jc", val=align))
    ppr.append(_rpr(params, size, bold))
    p.append(ppr)
    if text:
        p.append(_run(params, text, size, bold))
    return p


def _fields(params: LayoutParams, instruction: str, size: float) -> list[Any]:
    runs = []
    for kind in ("begin", "instr", "separate", "result", "end"):
        r = _el("w:r")
        r.append(_rpr(params, size, apart=params.footer_digits_apart))
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set(XML_SPACE, "preserve")
            instr.text = f" {instruction} "
            r.append(instr)
        elif kind == "result":
            t = _el("w:t")
            t.text = "1"
            r.append(t)
        else:
            r.append(_el("w:fldChar", fldCharType=kind))
        runs.append(r)
    return runs


def _furniture(params: LayoutParams, part: Any, text: str | None, footer: bool) -> None:
    part.is_linked_to_previous = False
    body = part._element
    for old in list(body):
        body.remove(old)
    p = _paragraph(params, "", 9.0, align="center")
    if text and footer:
        rest = text
        while rest:
            n, m = rest.find("{n}"), rest.find("{m}")
            cut = min(i for i in (n, m, len(rest)) if i >= 0)
            if rest[:cut]:
                p.append(_run(params, rest[:cut], 9.0))
            if cut == len(rest):
                break
            p.extend(_fields(params, "PAGE" if rest[cut:cut + 3] == "{n}" else "NUMPAGES", 9.0))
            rest = rest[cut + 3:]
    elif text:
        p.append(_run(params, text, 9.0))
    body.append(p)


def _borders() -> Any:
    borders = _el("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        borders.append(_el(f"w:{side}", val="single", sz=str(BORDER_EIGHTHS), space="0",
                           color="000000"))
    return borders


def _row(params: LayoutParams, row: Row, widths: tuple[float, ...], header: bool) -> Any:
    tr = _el("w:tr")
    tr_pr = _el("w:trPr")
    if row.cant_split:
        tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))
    tr.append(tr_pr)
    col = 0
    for cell in row.cells:
        tr.append(_cell(params, cell, sum(widths[col:col + cell.span]), header))
        col += cell.span
    return tr


def _cell(params: LayoutParams, cell: Cell, width: float, header: bool) -> Any:
    tc = _el("w:tc")
    tc_pr = _el("w:tcPr")
    tc_pr.append(_el("w:tcW", w=_twips(width), type="dxa"))
    if cell.span > 1:
        tc_pr.append(_el("w:gridSpan", val=str(cell.span)))
    if cell.merge == "restart":
        tc_pr.append(_el("w:vMerge", val="restart"))
    elif cell.merge == "continue":
        tc_pr.append(_el("w:vMerge"))
    tc_pr.append(_borders())
    if header:
        tc_pr.append(_el("w:vAlign", val="center"))
    tc.append(tc_pr)
    paragraphs = cell.paragraphs if cell.merge != "continue" else ()
    for text in paragraphs or ("",):
        tc.append(_paragraph(params, text, align="center" if header else None))
    return tc


def _table(params: LayoutParams, table: Table) -> Any:
    narrow = None
    if table.kind == "main" and params.narrow_level:
        narrow = 4 if params.duty_column else 3
    widths = column_widths(table.widths, params, narrow)
    tbl = _el("w:tbl")
    pr = _el("w:tblPr")
    pr.append(_el("w:tblW", w=_twips(sum(widths)), type="dxa"))
    pr.append(_el("w:tblInd", w="0", type="dxa"))
    pr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{side}", w=_twips(params.cell_padding), type="dxa"))
    pr.append(margins)
    tbl.append(pr)
    grid = _el("w:tblGrid")
    for width in widths:
        grid.append(_el("w:gridCol", w=_twips(width)))
    tbl.append(grid)
    for row in table.header:
        tbl.append(_row(params, row, widths, header=True))
    for row in table.rows:
        tbl.append(_row(params, row, widths, header=False))
    return tbl


def build_docx(doc: Document, params: LayoutParams) -> Any:
    """The python-docx ``Document`` of ``doc`` (no page breaks: LibreOffice paginates)."""
    document = new_document()
    section = document.sections[0]
    width, height = page_size(params)
    section.orientation = (WD_ORIENT.LANDSCAPE if params.orientation == "landscape"
                           else WD_ORIENT.PORTRAIT)
    section.page_width, section.page_height = Pt(width), Pt(height)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Pt(params.margin_mm * MM))
    section.header_distance = Pt(params.margin_mm * MM / 2)
    section.footer_distance = Pt(params.margin_mm * MM / 2)
    _furniture(params, section.footer, params.footer, footer=True)
    header_text = params.page_header.format(title=doc.title) if params.page_header else None
    _furniture(params, section.header, header_text, footer=False)
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for old in list(body):
        if old is not sect_pr:
            body.remove(old)
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.style == "title":
                element = _paragraph(params, block.text, params.font_size + 4, bold=True,
                                     align="center", after=8.0)
            else:
                element = _paragraph(params, block.text, bold=block.style == "heading")
            sect_pr.addprevious(element)
        else:
            sect_pr.addprevious(_table(params, block))
            # A gap after each table, which also keeps two tables from joining into one.
            sect_pr.addprevious(_paragraph(params, "", after=4.0))
    return document


def convert(docx_files: list[Path], out_dir: Path) -> None:
    """Convert every DOCX to ``out_dir/<stem>.pdf`` in one LibreOffice run (private profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError("LibreOffice not found: apt-get install libreoffice-writer-nogui")
    if not docx_files:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="layouts_lo_") as tmp:
        command = [soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
                   *map(str, docx_files)]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False)
    missing = [p.name for p in docx_files if not (out_dir / f"{p.stem}.pdf").exists()]
    if missing:
        raise RenderError(f"soffice (exit {proc.returncode}) did not convert {missing}: "
                          f"{proc.stderr.strip()[-500:]}")
