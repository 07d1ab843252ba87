"""The Excel export: every cell reads back as the curated value, with its type; byte-stable output.

Read back both with openpyxl (cell types, formats, comments) and with ``pandas.read_excel`` (what
an analyst's notebook sees).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.export import assemble, write_curated
from pipeline.records import TableSet
from pipeline.spec import TABLES, TABLES_BY_NAME, Column, TablesMismatch
from pipeline.workbook import (
    TextTooLong,
    header_comment,
    workbook_bytes,
    write_workbook,
)

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def tables(sample: TableSet) -> Rows:
    return assemble([sample], {})[0]


@pytest.fixture(scope="module")
def parquet_tables(tables: Rows, tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """The rows as an analyst reads them from curated/*.parquet (dates as datetime.date)."""
    curated = tmp_path_factory.mktemp("curated")
    write_curated(curated, tables)
    return {t.name: pq.read_table(curated / f"{t.name}.parquet").to_pylist() for t in TABLES}


@pytest.fixture(scope="module")
def workbook(tables: Rows, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "icap.xlsx"
    write_workbook(tables, path)
    return path


def _as_read(column: Column, value: object) -> object:
    """What openpyxl gives back for a Parquet value: dates come back as midnight datetimes."""
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value


def test_one_sheet_per_table_in_spec_order_headed_by_the_chinese_labels(workbook: Path) -> None:
    """The visible header is the 中文 label (it was the English snake_case name, the label
    hidden in a comment); the name stays in the comment; panes frozen under it, filters on."""
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == [t.name for t in TABLES]
    for table in TABLES:
        sheet = book[table.name]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header == [c.label_zh for c in table.columns]
        for cell, column in zip(sheet[1], table.columns, strict=True):
            assert cell.comment is not None
            assert cell.comment.text == header_comment(column)
            assert cell.comment.text.startswith(f"{column.name}\n")
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
    assert book["tasks"]["B1"].value == "工作任務代碼"


def test_every_cell_equals_the_parquet_value(workbook: Path, parquet_tables: Rows) -> None:
    book = openpyxl.load_workbook(workbook)
    for table in TABLES:
        rows = list(book[table.name].iter_rows(min_row=2, values_only=True))
        expected = [tuple(_as_read(c, r[c.name]) for c in table.columns)
                    for r in parquet_tables[table.name]]
        assert rows == expected, table.name


def test_cell_types_follow_the_spec(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    kinds = {"string": {"s"}, "int": {"n"}, "bool": {"b"}, "date": {"n", "d"}}
    seen: set[str] = set()
    for table in TABLES:
        for row in book[table.name].iter_rows(min_row=2):
            for cell, column in zip(row, table.columns, strict=True):
                if cell.value is None:
                    continue
                seen.add(column.dtype)
                assert cell.data_type in kinds[column.dtype], (table.name, column.name)
                if column.dtype == "string":
                    assert cell.number_format == "@"
                if column.dtype == "date":
                    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert seen == set(kinds)


def test_pandas_reads_the_same_values(workbook: Path, parquet_tables: Rows) -> None:
    frames = pd.read_excel(workbook, sheet_name=None, dtype=object, keep_default_na=False,
                           na_values=[])
    assert list(frames) == [t.name for t in TABLES]
    for table in TABLES:
        frame = frames[table.name]
        assert list(frame.columns) == [c.label_zh for c in table.columns]
        got = [
            tuple(None if v == "" else v.date() if isinstance(v, dt.datetime) else v
                  for v in row)
            for row in frame.itertuples(index=False)
        ]
        expected = [tuple(r[c] for c in table.column_names) for r in parquet_tables[table.name]]
        assert got == expected, table.name


def test_identical_input_gives_identical_bytes(tables: Rows, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(tables, first)
    write_workbook(tables, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
        core = archive.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "<dcterms:modified" in core and "1980-01-01T00:00:00Z</dcterms:modified>" in core
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_parquet_rows_and_stage_rows_give_the_same_file(tables: Rows, parquet_tables: Rows
                                                        ) -> None:
    """Dates arrive as ISO text from the stages and as datetime.date from Parquet."""
    assert workbook_bytes(tables) == workbook_bytes(parquet_tables)


def test_text_that_looks_like_a_number_formula_or_error_stays_text(tables: Rows, tmp_path: Path
                                                                   ) -> None:
    categories = [dict(r) for r in tables["standard_categories"]]
    occupation = next(r for r in categories if r["kind"] == "occupation")
    occupation["code"] = "0811"
    for other in categories:  # a column of digits only, the case where a guess would bite
        other["code"] = other["code"] if other is occupation else "1324"
    notes = [dict(r) for r in tables["notes"]]
    notes[0]["text"], notes[1]["text"] = "=1+1", "#N/A"
    path = tmp_path / "codes.xlsx"
    write_workbook({**tables, "standard_categories": categories, "notes": notes}, path)

    sheet = openpyxl.load_workbook(path)["standard_categories"]
    code_col = TABLES_BY_NAME["standard_categories"].column_names.index("code") + 1
    cells = [row[code_col - 1] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in cells if c.value == "0811")
    assert cell.data_type == "s" and cell.number_format == "@"
    # pandas guesses numbers from all-digit text unless told the column is text; the cells are.
    label = TABLES_BY_NAME["standard_categories"].column("code").label_zh
    frame = pd.read_excel(path, sheet_name="standard_categories", dtype={label: str})
    assert "0811" in list(frame[label])
    text_col = TABLES_BY_NAME["notes"].column_names.index("text")
    texts = [r[text_col] for r in openpyxl.load_workbook(path)["notes"].iter_rows(
        min_row=2, max_row=3, values_only=True)]
    assert texts == ["=1+1", "#N/A"]


def test_text_too_long_for_excel_is_refused(tables: Rows) -> None:
    notes = [{**tables["notes"][0], "text": "長" * 32768}]
    with pytest.raises(TextTooLong, match="text: 32768 characters"):
        workbook_bytes({**tables, "notes": notes})


def test_tables_not_matching_the_spec_are_a_bug(tables: Rows) -> None:
    with pytest.raises(TablesMismatch, match="missing: notes"):
        workbook_bytes({k: v for k, v in tables.items() if k != "notes"})


def test_a_character_xml_cannot_hold_is_refused(tables: Rows) -> None:
    notes = [{**tables["notes"][0], "text": "前\x00後"}, *tables["notes"][1:]]
    with pytest.raises(ValueError, match="text: '\\\\x00' is a character XML cannot hold"):
        workbook_bytes({**tables, "notes": notes})
