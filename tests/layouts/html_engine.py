"""The HTML route: a ``Document`` as HTML printed to PDF by headless Chromium.

iCAP keeps its content as HTML, so this is how a standard looks when someone prints the page:
each item of a cell is its own ``<p>``, the main table's header is a ``<thead>`` (repeated on
every page), rows break across pages, the duty cell spans its tasks' rows (``rowspan``), borders
are CSS borders (Chromium draws them as thin filled rectangles, not stroked lines), and the footer
is a CSS page-margin box with the ``page`` / ``pages`` counters (Chromium ≥ 131).

Run where Debian's ``chromium`` is installed; CI only reads committed PDFs.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.layouts.document import Cell, Document, Para, Row, Table
from tests.layouts.geometry import MM, column_widths, page_size, spans_down
from tests.layouts.params import LayoutParams

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer", "--disable-extensions", "--mute-audio",
)
TIMEOUT_S = 180


class RenderError(RuntimeError):
    """Chromium is missing or did not write the PDF."""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _footer_content(form: str) -> str:
    """``第 {n} 頁，總共 {m} 頁`` as CSS generated content with the page counters."""
    parts: list[str] = []
    rest = form
    while rest:
        n, m = rest.find("{n}"), rest.find("{m}")
        cut = min(i for i in (n, m, len(rest)) if i >= 0)
        if rest[:cut]:
            parts.append(_css_string(rest[:cut]))
        if cut == len(rest):
            break
        parts.append("counter(page)" if rest[cut:cut + 3] == "{n}" else "counter(pages)")
        rest = rest[cut + 3:]
    return " ".join(parts)


def _style(params: LayoutParams, title: str) -> str:
    width, height = page_size(params)
    font = _css_string(params.font)
    margin_boxes = ""
    if params.footer:
        spacing = "letter-spacing: 0.9em;" if params.footer_digits_apart else ""
        margin_boxes += (f"@bottom-center {{ content: {_footer_content(params.footer)}; "
                         f"font-family: {font}; font-size: 9pt; {spacing} }}")
    if params.page_header:
        text = params.page_header.format(title=title)
        margin_boxes += (f"@top-center {{ content: {_css_string(text)}; font-family: {font}; "
                         "font-size: 9pt; }")
    pad = params.cell_padding
    return f"""
@page {{ size: {width:.2f}pt {height:.2f}pt; margin: {params.margin_mm * MM:.2f}pt;
  {margin_boxes} }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: {font}; font-size: {params.font_size}pt; line-height: {params.line_spacing};
  -webkit-print-color-adjust: exact; }}
p {{ margin: 0; }}
p.title {{ text-align: center; font-weight: bold; font-size: {params.font_size + 4}pt;
  margin-bottom: 8pt; }}
p.heading {{ font-weight: bold; margin-top: 6pt; }}
table {{ border-collapse: collapse; table-layout: fixed; margin: 0 0 8pt 0; }}
td, th {{ border: 0.5pt solid #000; padding: {pad}pt; vertical-align: top; text-align: left;
  font-weight: normal; overflow-wrap: anywhere; }}
th {{ text-align: center; vertical-align: middle; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: auto; }}
tr.keep {{ break-inside: avoid; }}
"""


def _cells_html(rows: tuple[Row, ...], tag: str) -> list[str]:
    layout = []
    for row in rows:
        col, cells = 0, []
        for cell in row.cells:
            cells.append((col, cell.merge))
            col += cell.span
        layout.append(cells)
    down = spans_down(layout)
    out = []
    for r, row in enumerate(rows):
        cells_html = []
        col = 0
        for cell in row.cells:
            start, col = col, col + cell.span
            if cell.merge == "continue":
                continue
            attrs = ""
            if cell.span > 1:
                attrs += f' colspan="{cell.span}"'
            if down.get((r, start), 1) > 1:
                attrs += f' rowspan="{down[(r, start)]}"'
            cells_html.append(f"<{tag}{attrs}>{_paragraphs(cell)}</{tag}>")
        keep = ' class="keep"' if row.cant_split else ""
        out.append(f"<tr{keep}>{''.join(cells_html)}</tr>")
    return out


def _paragraphs(cell: Cell) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in cell.paragraphs)


def _table(table: Table, params: LayoutParams) -> str:
    narrow = 4 if table.kind == "main" and params.narrow_level else None
    if narrow is not None and not params.duty_column:
        narrow = 3
    widths = column_widths(table.widths, params, narrow)
    cols = "".join(f'<col style="width:{w}pt">' for w in widths)
    parts = [f'<table style="width:{sum(widths):.2f}pt"><colgroup>{cols}</colgroup>']
    if table.header:
        parts.append("<thead>" + "".join(_cells_html(table.header, "th")) + "</thead>")
    parts.append("<tbody>" + "".join(_cells_html(table.rows, "td")) + "</tbody></table>")
    return "".join(parts)


def build_html(doc: Document, params: LayoutParams) -> str:
    body = []
    for block in doc.blocks:
        if isinstance(block, Para):
            body.append(f'<p class="{block.style}">{html.escape(block.text)}</p>')
        else:
            body.append(_table(block, params))
    return ('<!DOCTYPE html><html lang="zh-TW"><head><meta charset="utf-8">'
            f"<title>{html.escape(doc.title)}</title><style>{_style(params, doc.title)}</style>"
            f"</head><body>{''.join(body)}</body></html>")


def print_pdf(html_text: str, pdf_path: Path) -> None:
    """Print one HTML document to ``pdf_path`` with a fresh, empty Chromium profile."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RenderError("Chromium not found: apt-get install chromium (CI reads committed PDFs)")
    with tempfile.TemporaryDirectory(prefix="layouts_html_") as tmp:
        source = Path(tmp) / "document.html"
        source.write_text(html_text, encoding="utf-8")
        out = Path(tmp) / "document.pdf"
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--print-to-pdf={out}", source.as_uri()]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False)
        if not out.exists() or out.stat().st_size == 0:
            raise RenderError(f"chromium wrote no PDF (exit {proc.returncode}): "
                              f"{proc.stderr.strip()[-500:]}")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(pdf_path))
