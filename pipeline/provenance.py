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


def locate(tables: Mapping[str, list[dict[str, Any]]], raw: Path, standard_code: str, code: str
           ) -> Provenance:
    """The pure core of :func:`describe`: the same answer from rows already in memory (only the
    source file's presence and hash are read from ``raw``)."""
    by_name = {t.name: t for t in TABLES}
    standard = next((r for r in tables.get("standards", [])
                     if r["standard_code"] == standard_code), None)
    if standard is None:
        raise NotFound(f"no standard {standard_code} in curated/")
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
    source = raw / standard["source_file"]
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
    for table in page.find_tables():
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


def render_region(pdf_path: Path, page: int, needle: str, out_png: Path) -> Bbox:
    """Outline where ``needle`` is printed on ``page`` (1-based) of the PDF and save a PNG of the
    page at 100 dpi; return the outlined box (x0, top, x1, bottom) in PDF points."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise RegionNotFound(f"{pdf_path.name} has {len(pdf.pages)} pages, not page {page}")
        printed = pdf.pages[page - 1]
        bbox = find_region(printed, needle)
        image = printed.to_image(resolution=100, antialias=True)  # legible CJK at 100 dpi
        image.draw_rect(bbox, fill=(255, 230, 0, 40), stroke=(220, 0, 0, 255), stroke_width=3)
        out_png.parent.mkdir(parents=True, exist_ok=True)
        image.save(out_png, format="PNG")
    return (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))


# ---------------------------------------------------------------- command line

SHOW_DESCRIPTION = (
    "Show where a curated value came from: the curated row holding the item, its pages in the "
    "original document, the source file, and every finding about it (e.g. a cell joined across "
    "a page break). With --png and a PDF source, also outline the printed item on its first page."
)


def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``show`` arguments, shared by :func:`main_show` and the ``python -m pipeline`` CLI."""
    parser.add_argument("standard_code", help="the standard version, e.g. RTM1324-002v4")
    parser.add_argument("code", help="the item's code: duty (T1), task (T1.1), output (O1.4.1), "
                        "indicator (P1.1.1), knowledge (K01), skill (S01) or attitude (A01)")
    parser.add_argument("--curated", default="curated", metavar="DIR",
                        help="the curated/ folder to read (default: %(default)s)")
    parser.add_argument("--raw", default="raw", metavar="DIR",
                        help="the raw/ folder holding the source documents (default: %(default)s)")
    parser.add_argument("--png", metavar="PATH",
                        help="write the item's first page with the printed item outlined to this "
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
    try:
        bbox = render_region(found.source_path, found.page_start, found.code, Path(args.png))
    except RegionNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    box = ", ".join(f"{v:.1f}" for v in bbox)
    print(f"  outlined on page {found.page_start} at ({box}) → {args.png}")
    return 0


def main_show(argv: list[str]) -> int:
    """``show <standard_code> <code> [--curated DIR] [--raw DIR] [--png PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m pipeline show", description=SHOW_DESCRIPTION)
    add_show_arguments(parser)
    return run_show(parser.parse_args(argv))
