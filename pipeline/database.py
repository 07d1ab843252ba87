"""Curated tables → one SQLite file, for analysts who would rather query than join Parquet files.

Everything about the tables comes from ``pipeline.spec``: column order and types, NOT NULL,
primary and foreign keys, and each column's 中文 label and description (kept as SQL comments in
the stored schema, so ``.schema`` in the sqlite3 shell documents itself). Only the two views name
columns, because they encode joins an analyst would otherwise rewrite every time.

SQLite has no boolean or date type: bools are INTEGER 0/1 and dates ISO ``YYYY-MM-DD`` TEXT, each
held to that form by a CHECK so a wrong value fails the load instead of being stored.

The file is byte-identical for identical input (no run timestamps, fixed page size, VACUUM at
the end), so a committed copy only changes when the data does — as long as the same SQLite library
writes it: the header records the writer's library version.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.spec import TABLES, Column, Table, require_spec_tables
from pipeline.values import Columns, table_columns

SQL_TYPES = {"string": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT"}
# Fixed rather than left to the library's compile-time default, which the file would inherit.
PAGE_SIZE = 4096


class SchemaError(ValueError):
    """The table spec cannot be expressed in SQLite (a programming error, raised at once)."""


def _quote(name: str) -> str:
    """An SQL identifier; columns such as ``where`` and ``text`` are keywords otherwise."""
    return '"' + name.replace('"', '""') + '"'


def _columns(names: Iterable[str]) -> str:
    return ", ".join(_quote(n) for n in names)


def _column_sql(column: Column) -> str:
    parts = [_quote(column.name), SQL_TYPES[column.dtype]]
    if not column.nullable:
        parts.append("NOT NULL")
    name = _quote(column.name)
    if column.dtype == "bool":
        # NULL passes a CHECK, so nullable bools stay nullable.
        parts.append(f"CHECK ({name} IN (0, 1))")
    elif column.dtype == "date":
        # Through julianday() so 2025-02-30 comes back as 2025-03-02 (date() alone keeps it);
        # a timestamp comes back without its time and junk as NULL. IS, not =, so that NULL
        # fails the check instead of passing it.
        parts.append(f"CHECK ({name} IS date(julianday({name})))")
    return " ".join(parts)


def _comment(column: Column) -> str:
    text = f"{column.label_zh}: {column.description}"
    return " ".join(text.split())  # a newline would end the comment early


def _referenced_key_is_unique(table: Table, ref_table: Table, ref_columns: tuple[str, ...]
                              ) -> None:
    # SQLite only enforces a foreign key whose parent columns are the parent's primary key (or
    # carry a UNIQUE index); anything else fails every insert with "foreign key mismatch".
    if set(ref_columns) != set(ref_table.primary_key):
        raise SchemaError(
            f"{table.name}: foreign key to {ref_table.name}({', '.join(ref_columns)}) does not "
            f"name its primary key ({', '.join(ref_table.primary_key)})"
        )


def table_sql(table: Table, tables_by_name: Mapping[str, Table]) -> str:
    """``CREATE TABLE`` for one spec table, each column commented with its label and meaning."""
    lines = [f"    {_column_sql(c)},  -- {_comment(c)}" for c in table.columns]
    constraints = [f"PRIMARY KEY ({_columns(table.primary_key)})"]
    for fk in table.foreign_keys:
        if fk.table not in tables_by_name:
            raise SchemaError(f"{table.name}: foreign key to unknown table {fk.table!r}")
        _referenced_key_is_unique(table, tables_by_name[fk.table], fk.ref_columns)
        constraints.append(
            f"FOREIGN KEY ({_columns(fk.columns)}) "
            f"REFERENCES {_quote(fk.table)} ({_columns(fk.ref_columns)})"
        )
    body = "\n".join(lines) + "\n" + ",\n".join(f"    {c}" for c in constraints)
    return f"-- {table.name}: {table.grain}\nCREATE TABLE {_quote(table.name)} (\n{body}\n);"


# Codes listed in one cell share their prefix (P1.5.… under T1.5, K…, S…), so ordering by length
# and then text is natural order (P1.5.2 before P1.5.10) without a collation the file would not
# carry.
TASK_DETAILS_VIEW = """\
-- task_details: one row per task, with its duty and its indicators, knowledge and skills as
-- ' | '-joined "CODE text" lists in code order (null when the task has none).
CREATE VIEW "task_details" AS
SELECT
    t."standard_code",
    t."task_code",
    t."name" AS "task_name",
    t."level",
    t."duty_code",
    d."name" AS "duty_name",
    (SELECT group_concat("item", ' | ') FROM (
        SELECT i."indicator_code" || ' ' || i."text" AS "item"
        FROM "indicators" AS i
        WHERE i."standard_code" = t."standard_code" AND i."task_code" = t."task_code"
        ORDER BY length(i."indicator_code"), i."indicator_code"
    )) AS "indicators",
    (SELECT group_concat("code" || ' ' || "name", ' | ') FROM (
        SELECT DISTINCT k."knowledge_code" AS "code", k."name" AS "name"
        FROM "task_knowledge" AS tk
        JOIN "knowledge" AS k
            ON k."standard_code" = tk."standard_code" AND k."knowledge_code" = tk."knowledge_code"
        WHERE tk."standard_code" = t."standard_code" AND tk."task_code" = t."task_code"
        ORDER BY length("code"), "code"
    )) AS "knowledge",
    (SELECT group_concat("code" || ' ' || "name", ' | ') FROM (
        SELECT DISTINCT s."skill_code" AS "code", s."name" AS "name"
        FROM "task_skills" AS ts
        JOIN "skills" AS s
            ON s."standard_code" = ts."standard_code" AND s."skill_code" = ts."skill_code"
        WHERE ts."standard_code" = t."standard_code" AND ts."task_code" = t."task_code"
        ORDER BY length("code"), "code"
    )) AS "skills"
FROM "tasks" AS t
JOIN "duties" AS d ON d."standard_code" = t."standard_code" AND d."duty_code" = t."duty_code"
ORDER BY t."standard_code", d."position", t."position";"""

# From version, not from an is_latest column: works whether or not the spec carries one (and
# s.* then carries it along).
LATEST_STANDARDS_VIEW = """\
-- latest_standards: the standards row of the highest version of each standard_id.
CREATE VIEW "latest_standards" AS
SELECT s.*
FROM "standards" AS s
WHERE s."version" = (
    SELECT max(o."version") FROM "standards" AS o WHERE o."standard_id" = s."standard_id"
)
ORDER BY s."standard_id";"""

VIEWS = (TASK_DETAILS_VIEW, LATEST_STANDARDS_VIEW)


def database_schema_sql(tables: tuple[Table, ...] = TABLES) -> str:
    """The whole schema as one SQL script: every spec table in spec order, then the views."""
    by_name = {t.name: t for t in tables}
    parts = [table_sql(t, by_name) for t in tables]
    return "\n\n".join([*parts, *VIEWS]) + "\n"


def sql_column(column: Column, values: list[Any]) -> list[object]:
    """A canonical column as SQLite stores it: bool → 0/1, date → ISO text, others as they are."""
    if column.dtype == "bool":
        return [None if v is None else int(v) for v in values]
    if column.dtype == "date":
        return [None if v is None else v.isoformat() for v in values]
    return values


class DatabaseLoad:
    """An SQLite file filled as the export's rows arrive, table batches in any interleaving.

    The tables arrive a document at a time, so a child table's rows may come before its
    parent's: foreign keys are therefore checked once the load is complete (``finish``), and a
    violation fails it as enforcement during the load would have. VACUUM then rebuilds the file
    table by table, so its bytes do not depend on how the rows were interleaved.
    """

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None)
        try:
            self._connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._connection.executescript(f"BEGIN;\n{database_schema_sql()}COMMIT;")
            self._connection.execute("BEGIN")
        except BaseException:
            self._connection.close()
            raise

    def insert(self, table: Table, columns: Columns) -> None:
        """Append rows given as canonical columns (``values.table_columns``)."""
        insert = (f"INSERT INTO {_quote(table.name)} ({_columns(table.column_names)}) "
                  f"VALUES ({', '.join('?' for _ in table.columns)})")
        values = [sql_column(c, v) for c, v in zip(table.columns, columns, strict=True)]
        self._connection.executemany(insert, zip(*values, strict=True))

    def finish(self) -> None:
        """Commit, check every foreign key, compact; the file is complete after this."""
        try:
            self._connection.execute("COMMIT")
            problems = self._connection.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed: {problems[:5]}")
            # Rebuilds the file from scratch: no free pages or leftovers of the load's order.
            self._connection.execute("VACUUM")
        finally:
            self._connection.close()

    def abandon(self) -> None:
        self._connection.close()


def write_database(tables: dict[str, list[dict[str, Any]]], path: Path,
                   columns: Mapping[str, Columns] | None = None) -> None:
    """Write every spec table (rows in the given order) and the views to an SQLite file.

    Written to a temporary file beside ``path`` and renamed into place, so a reader never opens
    a half-written database and a failed load leaves the previous file untouched. Foreign keys
    are checked when the load is complete; an analyst's own session must turn them on
    (``PRAGMA foreign_keys = ON``), as SQLite does not store that setting in the file.
    ``columns``: the tables' canonical columns (``values.table_columns``) when already computed.
    """
    require_spec_tables(tables)
    if columns is None:
        columns = {t.name: table_columns(t, tables[t.name]) for t in TABLES}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # same folder, so the rename is atomic
    # A crashed earlier run may have left a database (or its journal) there: start empty.
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
        leftover.unlink(missing_ok=True)
    try:
        load = DatabaseLoad(tmp)
        try:
            for table in TABLES:
                load.insert(table, columns[table.name])
        except BaseException:
            load.abandon()
            raise
        load.finish()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def database_bytes(tables: dict[str, list[dict[str, Any]]],
                   columns: Mapping[str, Columns] | None = None) -> bytes:
    """The bytes :func:`write_database` would write (the tests compare the export's file with
    them). Built through a private temporary file, not an in-memory database: SQLite stamps the
    header of an in-memory image differently, and the bytes must be those of the file."""
    with tempfile.TemporaryDirectory(prefix="icap-sqlite-") as folder:
        path = Path(folder) / "icap.sqlite"
        write_database(tables, path, columns)
        return path.read_bytes()
