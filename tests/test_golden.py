"""The sample's curated tables equal, cell for cell, the goldens written by reading the document."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from pipeline.export import assemble, csv_text
from pipeline.records import TableSet
from pipeline.spec import TABLES, TABLES_BY_NAME
from tests.conftest import GOLDEN

CASE = GOLDEN / "RTM1324-002v4"
ENTITY_TABLES = [t.name for t in TABLES if t.name not in ("findings", "version_changes")]


def _as_text_frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", ENTITY_TABLES)
def test_table_matches_golden(sample: TableSet, name: str) -> None:
    table = TABLES_BY_NAME[name]
    produced = csv_text(table, assemble([sample], {})[0][name])
    expected = (CASE / f"{name}.csv").read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(_as_text_frame(produced), _as_text_frame(expected))


def test_findings_a_reader_can_name_match_golden(sample: TableSet) -> None:
    """Every stitch and every fuzzy description link is reported; nothing else of those kinds."""
    expected = _as_text_frame((CASE / "findings.csv").read_text(encoding="utf-8"))
    rows = assemble([sample], {})[0]["findings"]
    produced = pd.DataFrame(
        [
            {k: "" if r[k] is None else str(r[k]) for k in expected.columns}
            for r in rows
            if r["code"] in set(expected["code"])
        ],
        columns=expected.columns,
    )
    pd.testing.assert_frame_equal(produced.reset_index(drop=True), expected)


def test_sample_is_accepted(sample: TableSet) -> None:
    errors = [f for f in sample.findings if f.severity == "error"]
    assert errors == []
    assert not sample.is_rejected
