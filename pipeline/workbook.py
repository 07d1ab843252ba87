"""Curated tables → one Excel workbook, one sheet per table, for analysts who live in Excel.

Each sheet is a plain rectangle: one header row, then one row per table row, so Excel tables,
Power Query and ``pandas.read_excel`` read it without skipping rows. The header shows each
column's 中文 label (unique within a table), since the workbook is for analysts who read Chinese
first; the column's name as in every other curated file (``task_code``), its description and
type sit in a comment on the header cell rather than in a second header row, which every reader
would take for a first data row (and which would turn int columns into text).

Types are written so Excel cannot reinterpret them: string columns are text cells formatted ``@``
(the category code 0811 stays 0811, a text starting with ``=`` is not a formula, ``#N/A`` is not
an error); ints are numbers, bools TRUE/FALSE, dates real dates shown as yyyy-mm-dd; null is an
empty cell. (``pandas.read_excel`` still guesses numbers from a column of all-digit text unless
given ``dtype={column: str}``; the cells themselves are text.)

openpyxl writes the workbook's frame (styles, header comments, relationships); the data rows
are streamed into it as SpreadsheetML, because openpyxl's cell objects cost 15 s and 600 MB for
a full catalogue's million cells. The file is byte-identical for identical input: document
properties carry a fixed time, zip entries fixed times and a stable order (openpyxl stamps "now"
into both).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import IO, Any

import regex
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.spec import TABLES, Column, Table, require_spec_tables
from pipeline.validate import UNWRITABLE_CHARACTER
from pipeline.values import Columns, table_columns

AUTHOR = "icap-pipeline"
# The earliest time a zip entry can carry; used for the document properties too, so nothing in
# the file depends on when it was written.
FIXED_TIME = dt.datetime(1980, 1, 1)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
EXCEL_MAX_TEXT = 32767
MAX_WIDTH = 60
CONTENT_TYPES = "[Content_Types].xml"
# zlib's fastest level: a catalogue's sheets are ~100 MB of XML, and level 6 took four times as
# long for a file only a fifth smaller.
COMPRESS_LEVEL = 1
CORE_PROPERTIES = "docProps/core.xml"


class TextTooLong(ValueError):
    """A text longer than an Excel cell holds; Excel would cut it, so nothing is written."""


def header_comment(column: Column) -> str:
    """What hovering over a header shows: the column's name in the other curated files (and
    the README's queries), its meaning, type and nullability."""
    null = "may be empty" if column.nullable else "never empty"
    return f"{column.name}\n{column.description}\n({column.dtype}, {null})"


# Characters a spreadsheet shows two columns wide (CJK ideographs, full-width punctuation).
_WIDE = regex.compile(r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]")


def _display_width(text: str) -> int:
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def column_widths(table: Table, columns: Columns, at_least: list[int] | None = None
                  ) -> list[int]:
    """Each column's width: its widest value's display width (CJK counts double), capped.

    ``at_least``: the widths of the rows before these (a sheet's rows come in batches).
    """
    widths = ([_display_width(c.label_zh) + 4 for c in table.columns] if at_least is None
              else list(at_least))  # the header's label, and the filter's arrow
    for index, (column, all_values) in enumerate(zip(table.columns, columns, strict=True)):
        if widths[index] >= MAX_WIDTH:
            continue
        # A value is at most twice as wide as it is long: shorter ones cannot widen the column.
        shortest = (widths[index] - 2) // 2
        values = [v for v in all_values if v is not None]
        if column.dtype == "date" and values:
            widths[index] = max(widths[index], len(DATE_FORMAT) + 2)
        elif column.dtype == "string" and values:
            # A value is at least as wide as it is long: a long one settles the width at once.
            if max(map(len, values)) + 2 >= MAX_WIDTH:
                widths[index] = MAX_WIDTH
            else:
                wide = [v for v in values if len(v) > shortest]
                widths[index] = max(widths[index], max(map(_display_width, wide), default=0) + 2)
    return [min(w, MAX_WIDTH) for w in widths]


def _fixed_core_properties(xml: bytes) -> bytes:
    """core.xml with ``modified`` set to ``created`` (fixed); openpyxl stamps "now" on save."""
    text = xml.decode("utf-8")
    created = regex.search(r"<dcterms:created[^>]*>([^<]*)</dcterms:created>", text)
    fixed, count = regex.subn(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda m: m.group(1) + (created.group(1) if created else "")
                              + m.group(2), text)
    if created is None or count != 1:
        raise RuntimeError("openpyxl wrote docProps/core.xml without the expected created and "
                           "modified elements; the workbook would not be reproducible")
    return fixed.encode("utf-8")


def _skeleton_sheet(sheet: Worksheet, table: Table, widths: list[int], row_count: int) -> None:
    """Everything of a sheet but its data rows: header with comments, widths, pane, filter."""
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label_zh)
        cell.font = bold
        cell.comment = Comment(header_comment(column), AUTHOR, height=140, width=320)
    for index, column in enumerate(table.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = widths[index - 1]
        if column.dtype == "string":
            dimension.number_format = TEXT_FORMAT  # what an analyst types there stays text
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{row_count + 1}"


def _probe_styles(sheet: Worksheet) -> None:
    """A text and a date cell in row 2 of the first skeleton sheet, so that the styles part
    holds their formats and their style numbers can be read back from the sheet's XML."""
    text = sheet.cell(row=2, column=1, value="text")
    text.data_type = "s"
    text.number_format = TEXT_FORMAT
    date = sheet.cell(row=2, column=2, value=dt.date(2000, 1, 1))
    date.number_format = DATE_FORMAT


def skeleton_parts(widths: Mapping[str, list[int]], row_counts: Mapping[str, int]
                   ) -> dict[str, bytes]:
    """The workbook openpyxl writes with header rows only (plus the style probe), by part name.

    openpyxl writes the parts that are easy to get wrong — styles, header comments and their
    drawings, relationships, the frozen pane, the filter's defined names; the data rows, a
    million cells in a full catalogue, are streamed into it by ``write_workbook_chunks``
    (openpyxl took 15 s and 600 MB for them).
    """
    book = Workbook()
    book.remove(book.worksheets[0])
    book.properties.creator = AUTHOR
    book.properties.title = "iCAP competency standards (職能基準), curated tables"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    for table in TABLES:
        _skeleton_sheet(book.create_sheet(table.name), table, widths[table.name],
                        row_counts[table.name])
    _probe_styles(book.worksheets[0])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[CORE_PROPERTIES] = _fixed_core_properties(parts[CORE_PROPERTIES])
    return parts


_PROBE = regex.compile(r'<c r="([AB])2" s="([0-9]+)"')
_SHEET_DATA = regex.compile(r'<sheetData>(<row r="1">.*?</row>).*?</sheetData>', regex.S)
_DIMENSION = regex.compile(r'<dimension ref="[^"]*"/>')
# NUL joins a column's values before escaping them: no value holds one once check_texts passed.
_NUL = "\x00"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ROWS_PER_CHUNK = 2000


@dataclass(frozen=True)
class _Styles:
    text: str
    date: str


def _styles(first_sheet: bytes) -> _Styles:
    found = dict(_PROBE.findall(first_sheet.decode("utf-8")))
    if set(found) != {"A", "B"}:
        raise RuntimeError("openpyxl wrote the style probe cells without style numbers; "
                           "the streamed rows would carry the wrong formats")
    return _Styles(text=found["A"], date=found["B"])


def check_texts(column: Column, present: list[str]) -> None:
    """Raise what a sheet cannot hold: a text longer than an Excel cell, a character XML cannot
    hold."""
    longest = max(present, key=len, default="")
    if len(longest) > EXCEL_MAX_TEXT:
        raise TextTooLong(f"{column.name}: {len(longest)} characters, Excel holds "
                          f"{EXCEL_MAX_TEXT}: {longest[:40]!r}…")
    bad = UNWRITABLE_CHARACTER.search("\n".join(present))
    if bad is not None:
        raise ValueError(f"{column.name}: {bad.group()!r} is a character XML cannot hold")


def _text_cells(column: Column, values: list[str | None], style: str) -> list[str | None]:
    present = [v for v in values if v is not None]
    check_texts(column, present)
    # The column's values joined by NUL (which XML cannot hold, so no value contains one once
    # the check passes): escaped in four passes over one string instead of four per value.
    joined = _NUL.join(present)
    texts = iter(joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                 .replace("\r", "&#13;").split(_NUL))
    head = f'" s="{style}" t="inlineStr"><is><t>'
    # Leading or trailing white space is kept only when the element says so.
    kept = f'" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
    tail = "</t></is></c>"
    return [None if v is None else (head if v == v.strip() else kept) + next(texts) + tail
            for v in values]


def _cells(column: Column, values: list[Any], styles: _Styles) -> list[str | None]:
    """Each value of a column as the rest of its ``<c r="…`` element (None: an empty cell)."""
    if column.dtype == "string":
        return _text_cells(column, values, styles.text)
    if column.dtype == "bool":
        return [None if v is None else f'" t="b"><v>{int(v)}</v></c>' for v in values]
    if column.dtype == "date":
        return [None if v is None else
                f'" s="{styles.date}" t="n"><v>{(v - _EXCEL_EPOCH).days}</v></c>'
                for v in values]
    return [None if v is None else f'" t="n"><v>{v}</v></c>' for v in values]


def sheet_rows(table: Table, columns: Columns, styles: _Styles, first_row: int = 2
               ) -> Iterator[str]:
    """Data rows of one sheet as SpreadsheetML, numbered from ``first_row``, in chunks."""
    starts = [f'<c r="{get_column_letter(i)}' for i in range(1, len(table.columns) + 1)]
    cells_by_column = [_cells(c, v, styles) for c, v in zip(table.columns, columns, strict=True)]
    chunk: list[str] = []
    for row_no, cells in enumerate(zip(*cells_by_column, strict=True), start=first_row):
        number = str(row_no)
        chunk.append(f'<row r="{number}">' + "".join([
            start + number + cell for start, cell in zip(starts, cells, strict=True)
            if cell is not None]) + "</row>")
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def write_behind(target: IO[bytes], chunks: Iterator[bytes]) -> None:
    """Write ``chunks`` to ``target`` from a second thread while the next ones are made.

    ``target`` is a zip entry: its writes are deflate and CRC, which zlib runs without holding
    the interpreter lock, so compressing overlaps with building the next rows' XML when a core
    is free. A failure on either side stops both and is raised here.
    """
    queue: Queue[bytes | None] = Queue(maxsize=8)
    failures: list[BaseException] = []

    def drain() -> None:
        try:
            while (data := queue.get()) is not None:
                target.write(data)
        except BaseException as failure:  # re-raised below, in the caller's thread
            failures.append(failure)
            while queue.get() is not None:  # keep taking, so the producer never blocks
                pass

    writer = threading.Thread(target=drain, name="xlsx-writer")
    writer.start()
    try:
        for chunk in chunks:
            if failures:
                break
            queue.put(chunk)
    finally:
        queue.put(None)
        writer.join()
    if failures:
        raise failures[0]


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


class _SheetSpool:
    """One sheet's data rows as they arrive, spooled to a file (a zip entry must be written
    whole, and the sheets' rows arrive interleaved), with its row count and column widths."""

    def __init__(self, table: Table, folder: Path, styles: _Styles) -> None:
        self.table = table
        self.path = folder / f"{table.name}.xml"
        self.rows = 0
        self.widths = column_widths(table, [[] for _ in table.columns])
        self._styles = styles
        self._waiting: list[dict[str, Any]] = []
        self._file = self.path.open("wb")

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._waiting += rows
        if len(self._waiting) >= _SPOOL_ROWS:
            self._convert()

    def _convert(self) -> None:
        rows, self._waiting = self._waiting, []
        columns = table_columns(self.table, rows)
        self.widths = column_widths(self.table, columns, self.widths)
        for chunk in sheet_rows(self.table, columns, self._styles, first_row=self.rows + 2):
            self._file.write(chunk.encode("utf-8"))
        self.rows += len(rows)

    def close(self) -> None:
        if self._waiting:
            self._convert()
        self._file.close()

    def pieces(self) -> Iterator[bytes]:
        with self.path.open("rb") as spooled:
            while piece := spooled.read(_SPOOL_PIECE):
                yield piece


_SPOOL_PIECE = 1 << 20
# Rows converted at a time: per-call costs dominate when a document's few rows go alone.
_SPOOL_ROWS = 1024


def _empty_skeleton_styles() -> _Styles:
    widths = {t.name: column_widths(t, [[] for _ in t.columns]) for t in TABLES}
    return _styles(skeleton_parts(widths, {t.name: 0 for t in TABLES})[_FIRST_SHEET])


_FIRST_SHEET = "xl/worksheets/sheet1.xml"


def write_workbook_chunks(path: Path, chunks: Iterable[Mapping[str, list[dict[str, Any]]]]
                          ) -> None:
    """Write the .xlsx file from the catalogue's rows, a chunk (a document's tables) at a time:
    one sheet per spec table, in spec order; the rows of each table in the order they come.

    Byte-identical for identical rows, however they are chunked: fixed document times, fixed
    zip entry times and attributes, [Content_Types].xml first and the other parts by name.
    """
    # The data cells name their style by number; the numbers depend only on the spec's
    # tables, so a skeleton without rows gives them (checked against the final skeleton).
    styles = _empty_skeleton_styles()
    with tempfile.TemporaryDirectory(prefix=".xlsx-rows-", dir=path.parent) as folder:
        spools = {t.name: _SheetSpool(t, Path(folder), styles) for t in TABLES}
        try:
            for chunk in chunks:
                for name, rows in chunk.items():
                    if rows:
                        spools[name].add(rows)
        finally:
            for spool in spools.values():
                spool.close()
        parts = skeleton_parts({n: s.widths for n, s in spools.items()},
                               {n: s.rows for n, s in spools.items()})
        if _styles(parts[_FIRST_SHEET]) != styles:
            raise RuntimeError("openpyxl numbered the cell styles differently once the sheets "
                               "had widths; the streamed rows would carry the wrong formats")
        sheet_of = {f"xl/worksheets/sheet{n}.xml": spools[t.name]
                    for n, t in enumerate(TABLES, start=1)}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                             compresslevel=COMPRESS_LEVEL) as target:
            for name in sorted(parts, key=lambda n: (n != CONTENT_TYPES, n)):
                if name not in sheet_of:
                    target.writestr(_zip_info(name), parts[name])
                    continue
                spool = sheet_of[name]
                xml = parts[name].decode("utf-8")
                last = f"{get_column_letter(len(spool.table.columns))}{spool.rows + 1}"
                xml = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>', xml, count=1)
                data = _SHEET_DATA.search(xml)
                if data is None:
                    raise RuntimeError(f"openpyxl wrote {name} without its header row")
                with target.open(_zip_info(name), "w") as sheet:
                    sheet.write((xml[:data.start()] + "<sheetData>" + data.group(1)).encode())
                    write_behind(sheet, spool.pieces())
                    sheet.write(("</sheetData>" + xml[data.end():]).encode("utf-8"))


def workbook_bytes(tables: Mapping[str, list[dict[str, Any]]]) -> bytes:
    """The .xlsx file's bytes for whole tables (see ``write_workbook_chunks``)."""
    require_spec_tables(tables)
    with tempfile.TemporaryDirectory(prefix="icap-xlsx-") as folder:
        path = Path(folder) / "icap.xlsx"
        write_workbook_chunks(path, [tables])
        return path.read_bytes()


def write_workbook(tables: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Write the workbook beside ``path`` and rename it into place, so a reader (or Excel's lock
    on an open copy) never sees half a file and a failure keeps the previous one."""
    require_spec_tables(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # same folder, so the rename is atomic
    try:
        write_workbook_chunks(tmp, [tables])
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
