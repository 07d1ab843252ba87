"""The README's three questions, answered with pandas, DuckDB and SQLite, agree — run on a
catalogue with two versions of the sample so that `is_latest` matters."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import REPO


def readme_block(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- query {name} -->\n```\w+\n(.*?)```", text, re.S)
    assert match, f"README has no query block {name}"
    return match.group(1)


def statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip().strip("-0123456789 \n")]


@pytest.fixture(scope="module")
def catalogue(two_versions: Path) -> Path:
    return two_versions


@pytest.fixture
def answers(catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    monkeypatch.chdir(catalogue)
    scope: dict[str, Any] = {}
    exec(readme_block("pandas"), scope)
    pandas_answers = [
        [(code,) for code in scope["q1"]],
        [(*key, int(n)) for key, n in scope["q2"].items()],
        [(name, int(n)) for name, n in scope["q3"].items()],
    ]
    con = duckdb.connect()
    duck = [con.execute(s).fetchall() for s in statements(readme_block("duckdb"))]
    db = sqlite3.connect(catalogue / "curated" / "icap.sqlite")
    lite = [db.execute(s).fetchall() for s in statements(readme_block("sqlite"))]
    return {"pandas": pandas_answers, "duckdb": duck, "sqlite": lite}


def test_the_three_ways_agree(answers: dict[str, list[Any]]) -> None:
    assert answers["pandas"] == answers["duckdb"] == answers["sqlite"]


def test_the_answers_are_the_documents(answers: dict[str, list[Any]]) -> None:
    q1, q2, q3 = answers["sqlite"]
    # v5 (the latest) cites K04 in every task of T1, T2 (T2.2 too) and T3.1, T3.3.
    assert ("T2.2",) in q1 and ("T3.3",) in q1 and ("T3.2",) not in q1
    assert ("RTM1324-002v4", "T1", 24) in q2 and ("RTM1324-002v5", "T2", 9) in q2
    assert [name for name, _n in q3][:1] == ["問題解決能力"]


def test_parquet_files_describe_their_columns(catalogue: Path) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(catalogue / "curated" / "tasks.parquet")
    field = schema.field("task_code")
    assert field.metadata[b"label_zh"].decode() == "工作任務代碼"
    assert field.metadata[b"description"]
    assert schema.metadata[b"primary_key"] == b"standard_code,task_code"


def test_frictionless_validates_the_data_package(catalogue: Path) -> None:
    from frictionless import validate

    report = validate(catalogue / "curated" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 17  # every table was checked, foreign keys included


def test_sqlite_foreign_keys_hold(catalogue: Path) -> None:
    db = sqlite3.connect(catalogue / "curated" / "icap.sqlite")
    db.execute("PRAGMA foreign_keys=ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO indicators VALUES ('RTM1324-002v5','P9.9.9',NULL,'T9.9',1,'x',1,1)")
