"""Layout variants of the real catalogue, one fixture each (issue: every layout the catalogue
uses). Each fixture is the sample edited to show one variant; its golden is written from the
edit, and both the text route and the fast PDF route must meet it.

The variant table (variant → fixture → behaviour) is in the README.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.extract import extract_file
from pipeline.records import TableSet
from tests.conftest import REPO, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import sample_layout

FIXTURES = REPO / "tests" / "fixtures" / "variants"
GOLDEN = REPO / "tests" / "golden" / "variants"


def _routes(name: str, tmp: Path) -> dict[str, TableSet]:
    text = FIXTURES / f"{name}.txt"
    pdf = tmp / f"{name}.pdf"
    pdf.write_bytes(render_fast(sample_layout(extract_file(text))))
    return {"text": run_stages(text), "pdf": run_stages(pdf)}


@pytest.fixture(scope="module")
def level_cells(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSet]:
    return _routes("level-cells", tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize("route", ["text", "pdf"])
def test_level_cells_keep_the_text_and_set_a_level_only_when_unambiguous(
    level_cells: dict[str, TableSet], route: str
) -> None:
    doc = level_cells[route]
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]
    with (GOLDEN / "level-cells" / "blocks.csv").open(encoding="utf-8") as handle:
        expected = [(int(r["block_no"]), r["task"], int(r["level"]) if r["level"] else None,
                     r["level_text"] or None) for r in csv.DictReader(handle)]
    tasks = {r["block_no"]: r["task_code"] for r in doc.tables["block_tasks"]}
    got = [(b["block_no"], tasks[b["block_no"]], b["level"], b["level_text"])
           for b in doc.tables["blocks"]]
    assert got == expected


@pytest.mark.parametrize("route", ["text", "pdf"])
def test_every_ambiguous_level_is_a_located_warning(level_cells: dict[str, TableSet],
                                                    route: str) -> None:
    doc = level_cells[route]
    warned = sorted((f.code, f.severity, f.where, f.page) for f in doc.findings
                    if f.code in ("ambiguous-level", "missing-level"))
    assert warned == [
        ("ambiguous-level", "warning", "block 2", 2),
        ("ambiguous-level", "warning", "block 3", 2),
        ("ambiguous-level", "warning", "block 5", 3),
        ("ambiguous-level", "warning", "block 7", 4),
        ("ambiguous-level", "warning", "block 8", 5),
        ("missing-level", "warning", "block 6", 4),
    ]
    levels = {t["task_code"]: t["level"] for t in doc.tables["tasks"]}
    assert levels["T1.2"] is None and levels["T1.4"] == 3 and levels["T3.1"] == 5
