"""Where did this value come from: a curated item traced back to its row, pages, source and repairs.

An analyst who doubts a value (``K04``'s name, ``P1.5.2``'s text) gets the curated row that holds
it, the pages of the original document it was read from, the source file, and every finding the
pipeline recorded about it — e.g. the ``split-cell-joined`` that glued its two halves across a
page break. For a PDF source the printed cell can be outlined on its page as a PNG, to be compared
with the curated text by eye.

Reads curated/ (never interim/, which may be newer or gone) and, for the picture, the source in
raw/. Heavy libraries are imported where used, so ``python -m pipeline --help`` stays fast when
the CLI registers ``show``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.pdf_tables import TABLE_SETTINGS
from pipeline.records import Finding
from pipeline.spec import TABLES, Table

# The columns whose value names an item an analyst can ask about.
KEY_COLUMNS = ("duty_code", "task_code", "output_code", "indicator_code", "knowledge_code",
               "skill_code", "attitude_code")
# The column holding an item's printed text, by preference.
VALUE_COLUMNS = ("text", "name")
# A coded item at the start of a printed line: the next item in a cell starts there.
_ITEM_START = re.compile(r"[A-Z]\d")
# Outline this far above an item's first line, so its ascenders are inside.
_PAD = 1.0
# Points of the page shown above and below an outlined region.
CONTEXT = 36.0


class NotFound(LookupError):
    """The standard or the code is not in curated/ (a user error: the CLI reports it)."""


class RegionNotFound(LookupError):
    """The code is printed nowhere on the given page."""


@dataclass(frozen=True)
class Located:
    """One curated row where the code is the item's own key."""

    table: str
    row: dict[str, Any]


@dataclass(frozen=True)
class Provenance:
    """Everything known about where one item's value came from."""

    standard_code: str
    code: str
    rows: tuple[Located, ...]
    value: str | None
    page_start: int | None
    page_end: int | None
    source_file: str
    source_format: str
    source_path: Path | None  # raw/<source_file>, when it is still there
    is_source_unchanged: bool | None  # raw/ file's SHA-256 equals the curated one; None: missing
    findings: tuple[Finding, ...]


def defining_tables(tables: tuple[Table, ...] = TABLES) -> dict[str, str]:
    """Table name → the key column whose codes it defines.

    A table defines a code when it has the code column and that column is not a foreign key to
    another table: ``tasks`` defines ``task_code``, while ``task_knowledge`` and ``outputs`` only
    cite it.
    """
    out: dict[str, str] = {}
    for table in tables:
        cited = {c for fk in table.foreign_keys for c in fk.columns}
        for column in KEY_COLUMNS:
            if column in table.column_names and column not in cited:
                out[table.name] = column
    return out


def mentions(text: str, code: str) -> bool:
    """``text`` names ``code`` as a whole code: T1.1 is in 'T1.1:knowledge:K04', not in 'T1.10'
    nor in 'P1.1.4'."""
    return re.search(_whole_code(code), text) is not None


def _whole_code(code: str) -> str:
    return rf"(?<![0-9A-Za-z.]){re.escape(code)}(?![0-9A-Za-z]|\.[0-9])"


def _value(table: Table, row: Mapping[str, Any]) -> str | None:
    for column in VALUE_COLUMNS:
        if column in table.column_names and row.get(column) is not None:
            return str(row[column])
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_TYPED_CODE = re.compile(r"([A-Za-z]+)\s*\.?\s*(\d+(?:\s*\.\s*\d+)*)")


def _code_parts(code: str) -> tuple[str, tuple[int, ...]] | None:
    """A code as its letter and numbers: ``k4``, ``K4`` and ``K04`` are ("K", (4,))."""
    match = _TYPED_CODE.fullmatch(code.strip())
    if match is None:
        return None
    numbers = tuple(int(n) for n in re.split(r"\s*\.\s*", match.group(2)))
    return match.group(1).upper(), numbers


def canonical_code(typed: str, codes: set[str]) -> str:
    """The code among ``codes`` that ``typed`` names, as people type codes (``k4``, ``K4`` for
    K04; ``t1.1`` for T1.1); ``typed`` itself when it is one of them or names none or several."""
    if typed in codes:
        return typed
    wanted = _code_parts(typed)
    matches = [c for c in codes if wanted is not None and _code_parts(c) == wanted]
    return matches[0] if len(matches) == 1 else typed


def _source_in(raw: Path, file_name: str) -> Path:
    """Where ``file_name`` is in raw/: at its top, or in one of its subfolders."""
    top = raw / file_name
    if top.is_file() or not raw.is_dir():
        return top
    return next((p for p in sorted(raw.rglob(file_name)) if p.is_file()), top)


def locate(tables: Mapping[str, list[dict[str, Any]]], raw: Path, standard_code: str, code: str
           ) -> Provenance:
    """The pure core of :func:`describe`: the same answer from rows already in memory (only the
    source file's presence and hash are read from ``raw``)."""
    by_name = {t.name: t for t in TABLES}
    standard = next((r for r in tables.get("standards", [])
                     if r["standard_code"] == standard_code), None)
    if standard is None:
        raise NotFound(f"no standard {standard_code} in curated/")
    code = canonical_code(code, {
        row[column] for name, column in defining_tables().items()
        for row in tables.get(name, [])
        if row.get("standard_code") == standard_code and row.get(column) is not None})
    located = tuple(
        Located(name, row)
        for name, column in defining_tables().items()
        for row in tables.get(name, [])
        if row.get("standard_code") == standard_code and row.get(column) == code
    )
    if not located:
        raise NotFound(f"{standard_code} has no item coded {code}")
    first = located[0]
    starts = [r.row["page_start"] for r in located if r.row.get("page_start") is not None]
    ends = [r.row["page_end"] for r in located if r.row.get("page_end") is not None]
    findings = tuple(
        Finding(f["code"], f["severity"], f["page"], f["where"], f["message"])
        for f in tables.get("findings", [])
        if f["standard_code"] == standard_code and mentions(f["where"], code)
    )
    source = _source_in(raw, standard["source_file"])
    exists = source.is_file()
    return Provenance(
        standard_code=standard_code,
        code=code,
        rows=located,
        value=_value(by_name[first.table], first.row),
        page_start=min(starts, default=None),
        page_end=max(ends, default=None),
        source_file=standard["source_file"],
        source_format=standard["source_format"],
        source_path=source if exists else None,
        is_source_unchanged=_sha256(source) == standard["source_sha256"] if exists else None,
        findings=findings,
    )


def describe(curated: Path, raw: Path, standard_code: str, code: str) -> Provenance:
    """Where ``code`` of ``standard_code`` comes from, read from curated/ and raw/."""
    from pipeline.curated import read_curated

    return locate(read_curated(curated), raw, standard_code, code)


def _pages(start: int | None, end: int | None) -> str:
    if start is None:
        return "page unknown"
    return f"page {start}" if end in (None, start) else f"pages {start}–{end}"


def format_provenance(p: Provenance) -> str:
    """What ``python -m pipeline show`` prints: the item, its source, its rows, its findings."""
    by_name = {t.name: t for t in TABLES}
    head = f"{p.standard_code} {p.code}"
    lines = [f"{head}: {p.value}" if p.value is not None else head]
    where = str(p.source_path) if p.source_path is not None else f"{p.source_file} (not in raw/)"
    lines.append(f"  source: {where} ({p.source_format}), {_pages(p.page_start, p.page_end)}")
    if p.is_source_unchanged is False:
        lines.append("  warning: the file in raw/ has changed since it was curated; its pages "
                     "may no longer match")
    for located in p.rows:
        table = by_name[located.table]
        lines.append(f"  {table.name} — {table.grain}")
        width = max(len(c.name) for c in table.columns)
        for column in table.columns:
            value = located.row.get(column.name)
            shown = "" if value is None else str(value)
            lines.append(f"    {column.name:<{width}}  {shown}  ({column.label_zh})")
    if p.findings:
        lines.append(f"  findings ({len(p.findings)}):")
        for f in p.findings:
            page = f"p.{f.page} " if f.page is not None else ""
            lines.append(f"    {page}{f.severity} {f.code} {f.where}: {f.message}")
    else:
        lines.append("  findings: none")
    return "\n".join(lines)


# ---------------------------------------------------------------- the printed cell, as a picture


Bbox = tuple[float, float, float, float]


def _item_bbox(page: Any, cell: Bbox, needle: str) -> Bbox:
    """Within a cell, the lines of the item coded ``needle``: from its first line to the next
    line that starts another coded item (or the cell's bottom), cell-wide. The whole cell when
    no line starts with the code."""
    x0, top, x1, bottom = cell
    lines = page.crop(cell).extract_text_lines()
    starts = (i for pattern in (_whole_code(needle), re.escape(needle))
              for i, line in enumerate(lines) if re.match(pattern, line["text"]))
    start = next(starts, None)
    if start is None:
        return cell
    item_top = max(top, lines[start]["top"] - _PAD)
    following = (line for line in lines[start + 1:] if _ITEM_START.match(line["text"]))
    next_item = next(following, None)
    item_bottom = bottom if next_item is None else next_item["top"] - _PAD
    return (x0, item_top, x1, item_bottom)


def find_region(page: Any, needle: str) -> Bbox:
    """Where ``needle`` (an item's code) is printed on a pdfplumber page.

    The table cell that prints the item, narrowed to the item's own lines when the cell lists
    several (an indicator cell holds every indicator of its block); failing a table cell, the
    words themselves (``page.search``). Tries the code as a whole code at a line start, then as a
    whole code anywhere, then as plain text — a name printed flush against its code (T1.22D繪圖)
    defeats the first two.
    """
    whole = _whole_code(needle)
    tiers = (rf"(?m)^\s*{whole}", whole, rf"(?m)^\s*{re.escape(needle)}")
    cells: list[tuple[Bbox, str]] = []
    for table in page.find_tables(table_settings=TABLE_SETTINGS):
        for row, texts in zip(table.rows, table.extract(), strict=True):
            cells += [(bbox, text) for bbox, text in zip(row.cells, texts, strict=True)
                      if bbox is not None and text]
    for tier in tiers:
        for bbox, text in cells:
            if re.search(tier, text):
                return _item_bbox(page, bbox, needle)
    matches = page.search(needle, regex=False)
    if not matches:
        raise RegionNotFound(f"{needle!r} is not printed on page {page.page_number}")
    m = matches[0]
    return (m["x0"], m["top"], m["x1"], m["bottom"])


def continuation_region(page: Any, first: Bbox) -> Bbox:
    """Where an item cut by a page break goes on, on a later page: the top of the cell under
    the same column as its first part (``first``), below the repeated header, down to the next
    line that starts a coded item. The page's tables' top when no cell lies under it."""
    x0, _top, x1, _bottom = first
    column = []
    for table in page.find_tables(table_settings=TABLE_SETTINGS):
        for row, texts in zip(table.rows, table.extract(), strict=True):
            column += [(bbox, text or "") for bbox, text in zip(row.cells, texts, strict=True)
                       if bbox is not None and min(bbox[2], x1) - max(bbox[0], x0)
                       > (bbox[2] - bbox[0]) / 2]
    column.sort(key=lambda c: c[0][1])
    # The repeated header is the column's first cell when the page starts with the table's
    # header row; the continuation is the first cell below it that holds text.
    headed = [c for c in column if c[1].strip()]
    if len(headed) > 1 and not _ITEM_START.match(headed[1][1]) and not _ITEM_START.match(
            headed[0][1]):
        headed = headed[1:]
    if not headed:
        return (x0, 0.0, x1, min(float(page.height), 72.0))
    cell, _text = headed[0]
    lines = page.crop(cell).extract_text_lines()
    later = [line for line in lines[1:] if _ITEM_START.match(line["text"])]
    bottom = later[0]["top"] - _PAD if later else cell[3]
    return (cell[0], cell[1], cell[2], bottom)


def _view(page: Any, region: Bbox) -> Bbox:
    """What is shown of a page around a region: the page's width (the row's other cells are
    the context of a cell), and ``CONTEXT`` points above and below it."""
    return (0.0, max(0.0, region[1] - CONTEXT), float(page.width),
            min(float(page.height), region[3] + CONTEXT))


def stack_images(parts: list[tuple[int, Any]]) -> Any:
    """One image: each page's part under a strip naming its page, in page order."""
    from PIL import Image, ImageDraw

    strip = 22
    width = max(image.width for _page, image in parts)
    height = sum(image.height + strip for _page, image in parts)
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    y = 0
    for page, image in parts:
        draw.rectangle((0, y, width, y + strip - 1), fill=(235, 235, 235))
        draw.text((6, y + 5), f"page {page}", fill=(0, 0, 0))
        sheet.paste(image.convert("RGB"), (0, y + strip))
        y += strip + image.height
    return sheet


def render_region(pdf_path: Path, pages: tuple[int, int], needle: str, out_png: Path
                  ) -> list[tuple[int, Bbox]]:
    """Outline the item coded ``needle`` on every page it spans (``pages``: first and last,
    1-based) and save one PNG: each page's region with some context, at 100 dpi, stacked in
    page order under its page number. The item is found by its code on the first page and
    followed under the same column on the next ones (a value split by a page break is the one
    most worth checking). Returns each page's outlined box (x0, top, x1, bottom) in PDF
    points."""
    import pdfplumber

    first, last = pages
    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= first <= last <= len(pdf.pages):
            raise RegionNotFound(f"{pdf_path.name} has {len(pdf.pages)} pages, not pages "
                                 f"{first}–{last}")
        regions = [(first, find_region(pdf.pages[first - 1], needle))]
        regions += [(n, continuation_region(pdf.pages[n - 1], regions[0][1]))
                    for n in range(first + 1, last + 1)]
        parts = []
        for number, region in regions:
            page = pdf.pages[number - 1]
            image = page.crop(_view(page, region)).to_image(resolution=100, antialias=True)
            x0, top, x1, bottom = region  # the outline just outside the text it frames
            image.draw_rect((x0 - 2, top - 2, x1 + 2, bottom + 2), fill=(255, 230, 0, 40),
                            stroke=(220, 0, 0, 255), stroke_width=3)
            parts.append((number, image.annotated))
        out_png.parent.mkdir(parents=True, exist_ok=True)
        stack_images(parts).save(out_png, format="PNG")
    return [(n, (float(b[0]), float(b[1]), float(b[2]), float(b[3]))) for n, b in regions]


# ---------------------------------------------------------------- command line

SHOW_DESCRIPTION = (
    "Show where a curated value came from: the curated row holding the item, its pages in the "
    "original document, the source file, and every finding about it (e.g. a cell joined across "
    "a page break). With --png and a PDF source, also draw the printed item, outlined, on every "
    "page it spans: one image, each page's region with some context under its page number."
)


def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``show`` arguments, shared by :func:`main_show` and the ``python -m pipeline`` CLI."""
    parser.add_argument("standard_code", help="the standard version, e.g. RTM1324-002v4")
    parser.add_argument("code", help="the item's code: duty (T1), task (T1.1), output (O1.4.1), "
                        "indicator (P1.1.1), knowledge (K01), skill (S01) or attitude (A01); "
                        "typed as people type it too (k1, K1)")
    parser.add_argument("--curated", default="curated", metavar="DIR",
                        help="the curated/ folder to read (default: %(default)s)")
    parser.add_argument("--raw", default="raw", metavar="DIR",
                        help="the raw/ folder holding the source documents (default: %(default)s)")
    parser.add_argument("--png", metavar="PATH",
                        help="write the printed item, outlined on every page it spans, to this "
                        "PNG (PDF sources only)")


def run_show(args: argparse.Namespace) -> int:
    """Exit 0 when shown; 2 when the standard or code is unknown, or a picture is impossible."""
    try:
        found = describe(Path(args.curated), Path(args.raw), args.standard_code, args.code)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_provenance(found))
    if args.png is None:
        return 0
    if found.source_format != "pdf" or found.source_path is None or found.page_start is None:
        print(f"error: --png needs the PDF source in {args.raw}/; {found.source_file} is "
              f"{'missing' if found.source_path is None else found.source_format}",
              file=sys.stderr)
        return 2
    last = found.page_end if found.page_end is not None else found.page_start
    try:
        regions = render_region(found.source_path, (found.page_start, last), found.code,
                                Path(args.png))
    except RegionNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for page, bbox in regions:
        box = ", ".join(f"{v:.1f}" for v in bbox)
        print(f"  outlined on page {page} at ({box})")
    print(f"  → {args.png}")
    return 0


def main_show(argv: list[str]) -> int:
    """``show <standard_code> <code> [--curated DIR] [--raw DIR] [--png PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m pipeline show", description=SHOW_DESCRIPTION)
    add_show_arguments(parser)
    return run_show(parser.parse_args(argv))
