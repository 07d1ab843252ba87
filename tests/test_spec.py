"""The one table spec drives the docs, the data package and the CLI's promises."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli import build_parser
from pipeline.dictionary import build_datapackage, render_data_dictionary
from pipeline.spec import TABLES
from tests.conftest import COMMITTED, REPO


def test_committed_data_dictionary_is_generated_from_the_spec() -> None:
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_data_dictionary(), "run `make docs` and commit the result"


def test_committed_datapackage_is_generated_from_the_spec() -> None:
    committed = json.loads((COMMITTED / "curated" / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == build_datapackage()


def test_every_key_names_real_columns() -> None:
    by_name = {t.name: t for t in TABLES}
    for table in TABLES:
        assert set(table.primary_key) <= set(table.column_names), table.name
        assert "standard_code" in table.column_names or table.name == "version_changes"
        for fk in table.foreign_keys:
            assert set(fk.columns) <= set(table.column_names), (table.name, fk)
            target = by_name[fk.table]
            assert set(fk.ref_columns) <= set(target.column_names), (table.name, fk)
            # A foreign key must point at the whole primary key of its target.
            assert tuple(fk.ref_columns) == target.primary_key or fk.table == "standards", fk


def test_every_column_is_described_in_both_languages() -> None:
    for table in TABLES:
        assert table.grain and table.description
        for col in table.columns:
            assert col.description.strip() and col.label_zh.strip(), (table.name, col.name)


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", command, "--help"],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    assert action.choices[command].description  # type: ignore[index]
    assert "usage:" in result.stdout


def test_the_chinese_labels_of_a_table_are_distinct() -> None:
    """They head the workbook's columns (an Excel table, a filter and pandas need distinct
    headers)."""
    for table in TABLES:
        labels = [c.label_zh for c in table.columns]
        assert len(set(labels)) == len(labels), table.name
