"""Extract, PDF route: a published PDF → the same section grids as a text export, with pages.

Part of the extract stage (``pipeline.extract`` dispatches here). The PDF is opened once, in a
``with`` block, and each page is closed after use (peak memory stays flat on long documents).
Tables are found with pdfplumber's default ``lines`` strategy and recognised by their header row's
content (never by index); text outside tables is the title, the page footer 第 N 頁，總共 M 頁, a
section title, or a line of the attitude/notes sections.

Two checks stop pdfplumber from losing text silently:
- when the page-N part of a split row has no closing rule, pdfplumber drops that row; the rule is
  restored from the bottom of the table's vertical rules and the recovery reported
  (``split-row-recovered``);
- every character printed on the page must land in a table cell or a known text line; anything
  else is an ``uncovered-text`` error naming the page and the text.
In the main table, a cell under no header column is a ``cell-outside-columns`` error (left out of
the page's rows), and a table nested in a cell is folded back into that cell (``fold_nested``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipeline import layout
from pipeline.extract import outside_columns, section_findings
from pipeline.layout import is_wide
from pipeline.pdf_columns import (
    columns_outside_header,
    fold_nested,
    header_boxes,
    outer_row_numbers,
    outside_column_numbers,
)
from pipeline.pdf_objects import read_objects
from pipeline.records import ExtractedDocument, Finding, GridRow, PageGrid, Source
from pipeline.severity import finding

# A rule this far below a table's last detected rule means a row part with no closing rule.
_OPEN_ROW_GAP = 2.0


def _cells(row: list[str | None]) -> tuple[str, ...]:
    return tuple("" if c is None else c for c in row)


@dataclass
class _Sections:
    title: list[str] = field(default_factory=list)
    versions: list[GridRow] = field(default_factory=list)
    profile: list[GridRow] = field(default_factory=list)
    main: list[PageGrid] = field(default_factory=list)
    attitudes: list[GridRow] = field(default_factory=list)
    notes: list[GridRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    current: str = "start"
    # Room left between the last free-text line of the attitude/notes section and the text's
    # right edge (None after a table): when the next line's first word would not have fitted
    # there, the line was wrapped and the next one may continue its paragraph.
    room: float | None = None


def _find_tables(page: Any, number: int, findings: list[Finding]) -> list[Any]:
    """Tables on the page, a row part without its closing rule restored."""
    tables = page.find_tables()
    bottoms = []
    verticals = [e for e in page.edges if e["orientation"] == "v"]
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
    if not bottoms:
        return list(tables)
    for y in bottoms:
        findings.append(finding(
            "split-row-recovered", number, f"y={y:.0f}",
            "a table row part had no closing rule (pdfplumber drops such a row); "
            "recovered with a rule at the bottom of its vertical rules"))
    return list(page.find_tables(table_settings={"explicit_horizontal_lines": bottoms}))


def on_page(bbox: tuple[float, float, float, float], page_bbox: tuple[float, float, float, float]
            ) -> tuple[float, float, float, float] | None:
    """A table's bbox clipped to the page, None when none of it is on the page.

    A PDF printed by wkhtmltopdf draws a tall table's border as one rectangle running off the
    page (the page clips it), so pdfplumber finds a table reaching below the page; pdfplumber's
    ``outside_bbox`` and ``crop`` refuse a box that is not within the page. Nothing beyond the
    page is printed, so the part of the table there holds nothing to read."""
    x0, top = max(bbox[0], page_bbox[0]), max(bbox[1], page_bbox[1])
    x1, bottom = min(bbox[2], page_bbox[2]), min(bbox[3], page_bbox[3])
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def _text_lines_outside(page: Any, tables: list[Any]) -> list[dict[str, Any]]:
    outside = page
    for table in tables:
        clipped = on_page(table.bbox, page.bbox)
        if clipped is not None:
            outside = outside.outside_bbox(clipped)
    lines: list[dict[str, Any]] = outside.extract_text_lines()
    return lines


def _uncovered_in_tables(page: Any, tables: list[Any]) -> str:
    """Characters touching a table's outline but in none of its cells, in reading order.

    The text outside tables is read with pdfplumber's ``outside_bbox``, which leaves out every
    character that merely overlaps a table: such a character must then be in a cell, or it is
    reported here — a glyph straddling a table's edge is never silently dropped."""
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
                missed.append(char["text"])
    return "".join(missed)


def _read_page(page: Any, number: int, state: _Sections) -> None:
    tables = _find_tables(page, number, state.findings)
    missed = _uncovered_in_tables(page, tables)
    if missed:
        state.findings.append(finding("uncovered-text", number, "inside a table",
                                      f"text in a table but in no cell: {missed[:60]!r}"))
    items: list[tuple[float, str, Any]] = [(t.bbox[1], "table", t) for t in tables]
    lines = _text_lines_outside(page, tables)
    items += [(line["top"], "line", line) for line in lines]
    right = max((line["x1"] for line in lines), default=0.0)
    for _top, kind, obj in sorted(items, key=lambda item: item[0]):
        if kind == "line":
            _read_line(obj["text"], number, state, is_wrap(state.room, obj["chars"]))
            state.room = right - obj["x1"]
        else:
            _read_table(obj, number, state)
            state.room = None


def is_wrap(room: float | None, chars: list[dict[str, Any]]) -> bool:
    """Whether the line before (with ``room`` left to the right edge) broke only because this
    line's first word did not fit: a CJK character, or a whole Latin word (a line broken before
    a long Latin word ends short of the edge, and is still wrapped). Half an em of slack."""
    if room is None or not chars:
        return False
    first = [chars[0]]
    if not is_wide(chars[0]["text"]):
        for char in chars[1:]:
            if char["text"].isspace() or is_wide(char["text"]):
                break
            first.append(char)
    em = max(c["x1"] - c["x0"] for c in chars)
    return room < first[-1]["x1"] - first[0]["x0"] + 0.5 * em


def starts_item(text: str) -> bool:
    """Whether a free-text line begins a new attitude or note rather than continuing one."""
    bare = text.strip()
    return bool(
        layout.ATTITUDE_CODE.match(bare)
        or layout.BULLET.match(bare)
        or layout.note_heading(bare) is not None
        or bare.startswith(layout.ENTRY_MARK)
    )


def item_names(main: list[PageGrid]) -> set[str]:
    """The K and S item names of the main table (white space removed): a free-text paragraph
    titled with one (`國際運送承攬業管理程序與規範：…`) explains that item, a paragraph of
    its own."""
    names: set[str] = set()
    for grid in main:
        for j, role in enumerate(grid.columns):
            if role not in (layout.KNOWLEDGE, layout.SKILL):
                continue
            for row in grid.rows:
                cell = row.cells[j] if j < len(row.cells) else ""
                starts = list(layout.ITEM_START[role].finditer(cell))
                ends = [m.start() for m in starts[1:]] + [len(cell)] if starts else []
                names |= {layout.squash(cell[m.end():end]) for m, end in zip(starts, ends,
                                                                               strict=True)}
    return names


def read_wrap(above: str, text: str, names: set[str]) -> tuple[bool, str | None]:
    """Whether a line printed after a line that filled the width continues its paragraph, and
    why that reading is not certain (None when it is). A wrap cannot be told from a paragraph
    whose last line happens to fill the width, so the content decides: a line titled with a K/S
    item's name starts a paragraph; after a sentence end, a line opening with a title
    (`名稱：…`) starts one too; any other join after a sentence end, or of a line that opens like
    a title, is reported."""
    last = above.rsplit("\n", 1)[-1].rstrip()
    ends_sentence = bool(last) and last[-1] in layout.SENTENCE_END
    colon = layout.title_colon(text.strip())
    if colon is not None and layout.squash(text.strip()[:colon.start()]) in names:
        return False, None
    title = layout.ITEM_TITLE.match(text.strip())
    if title and ends_sentence:
        return False, ("kept as a new paragraph: the line above ends a sentence and this one "
                       "opens with a title")
    if ends_sentence:
        return True, "joined to the paragraph above, whose line ends a sentence"
    if title:
        return True, "joined to the paragraph above (which ends mid-sentence) though it opens " \
                     "with a title"
    return True, None


def _read_line(text: str, number: int, state: _Sections, wraps: bool = False) -> None:
    footer = layout.FOOTER_FOLDED.fullmatch(layout.fold(text))
    if footer:
        if footer.group(1) and int(footer.group(1)) != number:
            state.findings.append(finding("footer-page-mismatch", number, "footer",
                                          f"footer {text!r} on page {number}"))
        return
    section = layout.section_of_title(text)
    if section is not None:
        state.current = section
    elif state.current == "start" and number == 1:
        state.title.append(text.strip())
    elif state.current in ("attitudes", "notes"):
        rows = getattr(state, state.current)
        if wraps and rows and rows[-1].page == number and not starts_item(text):
            # A paragraph printed as free text, wrapped at the right edge: one item, not two —
            # unless its content says otherwise.
            joins, doubt = read_wrap(rows[-1].cells[0], text, item_names(state.main))
            if doubt is not None:
                state.findings.append(finding(
                    "free-text-wrap-joined" if joins else "free-text-wrap-split", number,
                    state.current,
                    f"line {text.strip()[:20]!r} after a line that filled the width {doubt}"))
            if joins:
                rows[-1] = GridRow(number, (rows[-1].cells[0] + "\n" + text,))
                return
        rows.append(GridRow(number, (text,)))
    else:
        state.findings.append(finding("uncovered-text", number, "text outside tables",
                                      f"text in no table cell or known line: {text[:60]!r}"))


def _section_title(row: tuple[str, ...]) -> str | None:
    """"attitudes" or "notes" when the row is that section's title, else None."""
    filled = [c for c in row if c.strip()]
    return layout.section_of_title(filled[0]) if len(filled) == 1 else None


def _read_table(table: Any, number: int, state: _Sections) -> None:
    rows = [_cells(r) for r in table.extract()]
    header = layout.classify_header(*rows[:4]) if rows else None
    if header is None:
        first = " | ".join(c for c in (rows[0] if rows else ()) if c)[:40]
        state.findings.append(finding("unknown-table", number, "table",
                                      f"a table whose first row is not a known header: {first!r}"))
        return
    state.current = header.kind
    printed, body, columns = rows[:header.rows], rows[header.rows:], header.columns
    if header.kind == "main":
        boxes = header_boxes(table, header)
        first_row = sum(len(g.rows) for g in state.main)
        folded = fold_nested(table, boxes, number, first_row, state.findings)
        outside = columns_outside_header(table, boxes)
        if outside:
            # Located as stitch counts: rows after the fold, the header's columns.
            row_of = outer_row_numbers(table, boxes, header.rows)
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
        # The attitude (or notes) section may share the ruled table with the last task: from its
        # title row on, the rows belong to that section.
        titles = [i for i, r in enumerate(body) if _section_title(r) is not None]
        tail = body[titles[0]:] if titles else []
        body = body[:titles[0]] if titles else body
        if body or not tail:
            state.main.append(PageGrid(number, tuple(GridRow(number, r) for r in body),
                                       tuple(printed), columns))
        for row in tail:
            section = _section_title(row)
            if section is not None:
                state.current = section
            else:
                getattr(state, state.current).append(GridRow(number, row))
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
    state = _Sections()
    chars = 0
    try:
        with pdfplumber.open(path) as pdf:
            if getattr(pdf.doc, "encryption", None):
                state.findings.append(finding(
                    "encrypted-pdf", None, "document",
                    "encrypted with an empty user password; read without one", as_warning=True))
            pages = _pages(pdf)
            page_count = len(pages)
            for number, page in enumerate(pages, start=1):
                read_objects(page)
                chars += len(page.chars)
                unmapped = sum(1 for c in page.chars if c["text"].startswith("(cid:"))
                if unmapped > len(page.chars) // 10:
                    raise UnreadablePdf(
                        "undecodable-text",
                        f"page {number}: {unmapped} of {len(page.chars)} characters have no "
                        "Unicode mapping in the PDF's fonts, so its text cannot be read")
                _read_page(page, number, state)
                page.close()
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
    findings = list(state.findings)
    findings += section_findings(bool(state.versions), bool(state.profile), bool(state.main),
                                 bool(state.attitudes), bool(state.notes))
    title = "".join(state.title)
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
