"""The SQLite export: every spec table with its keys enforced, the two views, byte-stable output.

Built from the sample through every stage and ``export.assemble`` (the rows ``write_curated``
gets), plus the v5 fixture where a second version of the same standard is needed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.database import (
    DatabaseLoad,
    SchemaError,
    database_bytes,
    database_schema_sql,
    write_database,
)
from pipeline.export import assemble, write_curated
from pipeline.records import TableSet
from pipeline.spec import TABLES, TABLES_BY_NAME, Column, ForeignKey, Table, TablesMismatch
from pipeline.values import table_columns
from tests.conftest import REPO, run_stages

V5 = REPO / "tests" / "fixtures" / "versions" / "RTM1324-002v5.txt"
Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def tables(sample: TableSet) -> Rows:
    return assemble([sample], {})[0]


@pytest.fixture(scope="module")
def database(tables: Rows, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "icap.sqlite"
    write_database(tables, path)
    return path


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as connection:
        yield connection


def test_every_table_holds_every_row_in_the_given_order(tables: Rows, database: Path) -> None:
    with _open(database) as db:
        for table in TABLES:
            got = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
            assert len(got) == len(tables[table.name]), table.name
            keys = [tuple(r[c] for c in table.primary_key) for r in tables[table.name]]
            positions = [table.column_names.index(c) for c in table.primary_key]
            assert [tuple(row[p] for p in positions) for row in got] == keys, table.name


def test_values_are_stored_as_sqlite_types(database: Path) -> None:
    with _open(database) as db:
        assert db.execute("SELECT typeof(is_historical), is_historical, typeof(version) "
                          "FROM standards").fetchone() == ("integer", 0, "integer")
        assert db.execute("SELECT updated_on FROM versions WHERE position = 1").fetchone() == (
            "2025-12-15",)
        # Codes stay text even when they are all digits.
        assert db.execute("SELECT typeof(code), code FROM standard_categories "
                          "WHERE kind = 'occupation'").fetchone() == ("text", "1324")


def test_foreign_keys_all_resolve(database: Path) -> None:
    with _open(database) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_an_indicator_of_a_missing_task_is_refused(database: Path) -> None:
    with _open(database) as db:
        db.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            db.execute("INSERT INTO indicators (standard_code, indicator_code, task_code, "
                       "block_no, text, page_start, page_end) "
                       "VALUES ('RTM1324-002v4', 'P9.9.1', 'T9.9', 1, 'x', 1, 1)")


@pytest.mark.parametrize(("sql", "message"), [
    ("UPDATE standards SET is_historical = 2", "CHECK"),
    ("UPDATE versions SET updated_on = '2025-02-30' WHERE position = 1", "CHECK"),
    ("UPDATE versions SET updated_on = '2025-12-15T00:00' WHERE position = 1", "CHECK"),
    ("UPDATE tasks SET name = NULL", "NOT NULL"),
    ("INSERT INTO duties SELECT * FROM duties", "UNIQUE"),
])
def test_constraints_from_the_spec_refuse_bad_values(database: Path, sql: str, message: str
                                                     ) -> None:
    with _open(database) as db, pytest.raises(sqlite3.IntegrityError, match=message):
        db.execute(sql)


def test_task_details_lists_indicators_knowledge_and_skills_in_code_order(
    tables: Rows, database: Path
) -> None:
    with _open(database) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM task_details").fetchall()
    assert [r["task_code"] for r in rows] == [r["task_code"] for r in tables["tasks"]]
    t15 = next(dict(r) for r in rows if r["task_code"] == "T1.5")
    assert t15["standard_code"] == "RTM1324-002v4"
    assert t15["task_name"] == "掌握及協調進出口物流相關計畫的流程"
    assert t15["level"] == 5
    assert (t15["duty_code"], t15["duty_name"]) == ("T1", "管理國際貨運運輸承攬服務")
    indicators = t15["indicators"].split(" | ")
    assert [i.split(" ")[0] for i in indicators] == [f"P1.5.{n}" for n in range(1, 6)]
    assert indicators[1] == "P1.5.2 確認作業標準、規劃流程，並監管改正不符合事項。"
    knowledge = t15["knowledge"].split(" | ")
    assert [k.split(" ")[0] for k in knowledge] == [f"K0{n}" for n in range(1, 10)]
    assert knowledge[3] == "K04 國際運送承攬業相關資訊系統和文件"
    assert [s.split(" ")[0] for s in t15["skills"].split(" | ")] == [
        f"S{n:02d}" for n in range(1, 13)]
    # A task without outputs still has a row; a list it lacks would be null, not ''.
    assert all(r["indicators"] for r in rows)


def test_task_details_orders_codes_naturally(tables: Rows, tmp_path: Path) -> None:
    """P1.5.10 sorts after P1.5.9, not after P1.5.1."""
    last = tables["indicators"][-1]
    prefix, number = last["indicator_code"].rsplit(".", 1)
    added = range(int(number) + 1, 12)
    extra = [{**last, "indicator_code": f"{prefix}.{n}", "text": f"t{n}"} for n in added]
    path = tmp_path / "db.sqlite"
    write_database({**tables, "indicators": [*tables["indicators"], *extra]}, path)
    with _open(path) as db:
        (listed,) = db.execute("SELECT indicators FROM task_details WHERE task_code = ?",
                               (last["task_code"],)).fetchone()
    codes = [item.split(" ")[0] for item in listed.split(" | ")]
    assert codes == [f"{prefix}.{n}" for n in range(1, 12)]


def test_latest_standards_has_the_sample(database: Path) -> None:
    with _open(database) as db:
        rows = db.execute("SELECT standard_code FROM latest_standards").fetchall()
    assert rows == [("RTM1324-002v4",)]


def test_latest_standards_keeps_only_the_highest_version(sample: TableSet, tmp_path: Path
                                                         ) -> None:
    tables = assemble([sample, run_stages(V5)], {})[0]
    path = tmp_path / "two.sqlite"
    write_database(tables, path)
    with _open(path) as db:
        db.row_factory = sqlite3.Row
        latest = [dict(r) for r in db.execute("SELECT * FROM latest_standards")]
    assert [r["standard_code"] for r in latest] == ["RTM1324-002v5"]
    assert list(latest[0]) == TABLES_BY_NAME["standards"].column_names
    if "is_latest" in latest[0]:  # computed from version, so it must agree with the flag
        assert [r["standard_code"] for r in tables["standards"] if r["is_latest"]] == [
            "RTM1324-002v5"]


def test_identical_input_gives_identical_bytes(tables: Rows, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "icap.sqlite", tmp_path / "b" / "icap.sqlite"
    write_database(tables, first)
    write_database(tables, second)
    assert first.read_bytes() == second.read_bytes()
    write_database(tables, first)  # over an existing file
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in first.parent.iterdir()) == ["icap.sqlite"]
    assert database_bytes(tables) == first.read_bytes()


def test_rows_read_back_from_parquet_load_the_same(tables: Rows, tmp_path: Path) -> None:
    """Parquet gives dates as datetime.date, the stages as ISO text: both load identically."""
    write_curated(tmp_path / "curated", tables)
    from_parquet = {t.name: pq.read_table(tmp_path / "curated" / f"{t.name}.parquet").to_pylist()
                    for t in TABLES}
    write_database(from_parquet, tmp_path / "parquet.sqlite")
    write_database(tables, tmp_path / "rows.sqlite")
    assert (tmp_path / "parquet.sqlite").read_bytes() == (tmp_path / "rows.sqlite").read_bytes()


def test_a_failed_load_keeps_the_previous_file(tables: Rows, database: Path, tmp_path: Path
                                               ) -> None:
    path = tmp_path / "icap.sqlite"
    write_database(tables, path)
    before = path.read_bytes()
    orphan = {**tables["indicators"][0], "indicator_code": "P9.9.1", "task_code": "T9.9"}
    with pytest.raises(sqlite3.IntegrityError):
        write_database({**tables, "indicators": [*tables["indicators"], orphan]}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["icap.sqlite"]


def test_tables_not_matching_the_spec_are_a_bug(tables: Rows, tmp_path: Path) -> None:
    with pytest.raises(TablesMismatch, match="missing: notes"):
        write_database({k: v for k, v in tables.items() if k != "notes"}, tmp_path / "x.sqlite")
    with pytest.raises(TablesMismatch, match="not in the spec: extra"):
        write_database({**tables, "extra": []}, tmp_path / "x.sqlite")


def test_schema_is_one_script_with_every_table_and_view() -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(database_schema_sql())
        names = db.execute("SELECT type, name FROM sqlite_master ORDER BY rowid").fetchall()
    assert [n for t, n in names if t == "table"] == [t.name for t in TABLES]
    assert [n for t, n in names if t == "view"] == ["task_details", "latest_standards"]


def test_rows_may_arrive_children_first_but_a_dangling_key_fails_the_load(
        tmp_path: Path, tables: Rows) -> None:
    """The export loads a document at a time, so a child's rows can come before its parent's;
    the keys are checked once, at the end."""
    columns = {t.name: table_columns(t, tables[t.name]) for t in TABLES}
    load = DatabaseLoad(tmp_path / "children-first.sqlite")
    for table in reversed(TABLES):
        load.insert(table, columns[table.name])
    load.finish()
    assert (tmp_path / "children-first.sqlite").read_bytes() == database_bytes(tables)
    load = DatabaseLoad(tmp_path / "dangling.sqlite")
    load.insert(TABLES_BY_NAME["indicators"], columns["indicators"])
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        load.finish()


def test_a_foreign_key_to_a_non_key_is_refused() -> None:
    parent = Table("parent", "g", "d", (Column("a", "string", "d", "l"),
                                        Column("b", "string", "d", "l")), ("a",))
    child = Table("child", "g", "d", (Column("b", "string", "d", "l"),), ("b",),
                  (ForeignKey(("b",), "parent", ("b",)),))
    with pytest.raises(SchemaError, match="primary key"):
        database_schema_sql((parent, child))
