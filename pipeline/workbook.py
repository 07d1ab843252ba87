"""Curated tables → one Excel workbook, one sheet per table, for analysts who live in Excel.

Each sheet is a plain rectangle: one header row of column names, then one row per table row, so
Excel tables, Power Query and ``pandas.read_excel`` read it without skipping rows. The 中文
label and description of each column sit in a comment on its header cell rather than in a second
header row, which every reader would take for a first data row (and which would turn int columns
into text).

Types are written so Excel cannot reinterpret them: string columns are text cells formatted ``@``
(the category code 0811 stays 0811, a text starting with ``=`` is not a formula, ``#N/A`` is not
an error); ints are numbers, bools TRUE/FALSE, dates real dates shown as yyyy-mm-dd; null is an
empty cell. (``pandas.read_excel`` still guesses numbers from a column of all-digit text unless
given ``dtype={column: str}``; the cells themselves are text.)

The file is byte-identical for identical input: document properties carry a fixed time and the
zip is rewritten with fixed entry times and a stable entry order (openpyxl stamps "now" into both).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.spec import TABLES, Column, Table, require_spec_tables

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
CORE_PROPERTIES = "docProps/core.xml"


class TextTooLong(ValueError):
    """A text longer than an Excel cell holds; Excel would cut it, so nothing is written."""


def cell_value(column: Column, value: object) -> object:
    """A row value as the workbook stores it: dates as ``datetime.date``, others unchanged.

    Dates arrive as ``datetime.date`` (from Parquet) or ISO text (from interim/ JSON).
    """
    if value is None:
        return None
    if column.dtype == "date":
        if isinstance(value, dt.datetime):
            raise TypeError(f"{column.name}: expected a date, got the timestamp {value!r}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        raise TypeError(f"{column.name}: expected a date, got {value!r}")
    if column.dtype == "bool" and not isinstance(value, bool):
        raise TypeError(f"{column.name}: expected a bool, got {value!r}")
    if column.dtype == "string":
        if not isinstance(value, str):
            raise TypeError(f"{column.name}: expected text, got {value!r}")
        if len(value) > EXCEL_MAX_TEXT:
            raise TextTooLong(f"{column.name}: {len(value)} characters, Excel holds "
                              f"{EXCEL_MAX_TEXT}: {value[:40]!r}…")
    return value


def header_comment(column: Column) -> str:
    """What hovering over a header shows: 中文 label, meaning, type and nullability."""
    null = "may be empty" if column.nullable else "never empty"
    return f"{column.label_zh}\n{column.description}\n({column.dtype}, {null})"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_sheet(sheet: Worksheet, table: Table, rows: list[dict[str, Any]]) -> None:
    widths = [len(c.name) + 2 for c in table.columns]
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.comment = Comment(header_comment(column), AUTHOR, height=140, width=320)
    for row_no, row in enumerate(rows, start=2):
        for index, column in enumerate(table.columns, start=1):
            value = cell_value(column, row.get(column.name))
            if value is None:
                continue
            cell = sheet.cell(row=row_no, column=index)
            cell.value = value
            if column.dtype == "string":
                # openpyxl makes '=…' a formula and '#N/A' an error; this is text.
                cell.data_type = "s"
                cell.number_format = TEXT_FORMAT
                widths[index - 1] = max(widths[index - 1], _display_width(str(value)) + 2)
            elif column.dtype == "date":
                cell.number_format = DATE_FORMAT
                widths[index - 1] = max(widths[index - 1], len(DATE_FORMAT) + 2)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(widths[index - 1], MAX_WIDTH)
        if column.dtype == "string":
            dimension.number_format = TEXT_FORMAT  # what an analyst types there stays text
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(rows) + 1}"


def _fixed_core_properties(xml: bytes) -> bytes:
    """core.xml with ``modified`` set to ``created`` (fixed); openpyxl stamps "now" on save."""
    text = xml.decode("utf-8")
    created = re.search(r"<dcterms:created[^>]*>([^<]*)</dcterms:created>", text)
    fixed, count = re.subn(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                           lambda m: m.group(1) + (created.group(1) if created else "")
                           + m.group(2), text)
    if created is None or count != 1:
        raise RuntimeError("openpyxl wrote docProps/core.xml without the expected created and "
                           "modified elements; the workbook would not be reproducible")
    return fixed.encode("utf-8")


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times and attributes, [Content_Types].xml first and the
    other entries by name, so identical content always gives identical bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[CORE_PROPERTIES] = _fixed_core_properties(entries[CORE_PROPERTIES])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries, key=lambda n: (n != CONTENT_TYPES, n)):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def workbook_bytes(tables: Mapping[str, list[dict[str, Any]]]) -> bytes:
    """The .xlsx file's bytes: one sheet per spec table, in spec order."""
    require_spec_tables(tables)
    book = Workbook()
    book.remove(book.worksheets[0])
    book.properties.creator = AUTHOR
    book.properties.title = "iCAP competency standards (職能基準), curated tables"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    for table in TABLES:
        _write_sheet(book.create_sheet(table.name), table, tables[table.name])
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def write_workbook(tables: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Write the workbook beside ``path`` and rename it into place, so a reader (or Excel's lock
    on an open copy) never sees half a file and a failure keeps the previous one."""
    data = workbook_bytes(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # same folder, so the rename is atomic
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
