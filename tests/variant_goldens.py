"""What the variant tests share: each variant's fixture through both routes, and its golden.

A fixture is the sample's text export edited to show one variant (`tests/fixtures/variants/`).
Its golden folder (`tests/golden/variants/<variant>/`) holds, written by hand from the edit, every
curated table that differs from the sample's own golden; every other table must still equal the
sample's. Both the text route and the fast PDF route rendered from the fixture must meet it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pipeline.export import assemble
from pipeline.extract import extract_file
from pipeline.records import TableSet
from pipeline.spec import TABLES
from tests.conftest import GOLDEN, REPO, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import sample_layout

FIXTURES = REPO / "tests" / "fixtures" / "variants"
VARIANT_GOLDEN = GOLDEN / "variants"
SAMPLE_GOLDEN = GOLDEN / "RTM1324-002v4"
ENTITY_TABLES = [t.name for t in TABLES if t.name not in ("findings", "version_changes")]
# Which file was read (name, hash, text or pdf) is not content: the variants share the sample's.
SOURCE_COLUMNS = ["source_file", "source_sha256", "source_format"]
ROUTES = ("text", "pdf")


def route_tables(variants: tuple[str, ...], tmp: Path) -> dict[tuple[str, str], TableSet]:
    """Every variant through both routes: (variant, route) → its validated tables."""
    out: dict[tuple[str, str], TableSet] = {}
    for name in variants:
        text = FIXTURES / f"{name}.txt"
        pdf = tmp / f"{name}.pdf"
        pdf.write_bytes(render_fast(sample_layout(extract_file(text))))
        out[name, "text"] = run_stages(text)
        out[name, "pdf"] = run_stages(pdf)
    return out


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def golden(variant: str, table: str) -> Path:
    """The variant's own golden for the table, or the sample's where the edit leaves it alone."""
    own = VARIANT_GOLDEN / variant / f"{table}.csv"
    return own if own.exists() else SAMPLE_GOLDEN / f"{table}.csv"


def curated(doc: TableSet) -> dict[str, list[dict[str, object]]]:
    return assemble([doc], {})[0]


def assert_frames_equal(produced: pd.DataFrame, expected: pd.DataFrame, table: str) -> None:
    if table == "standards":
        produced = produced.drop(columns=SOURCE_COLUMNS)
        expected = expected.drop(columns=SOURCE_COLUMNS)
    pd.testing.assert_frame_equal(produced, expected)


def assert_findings_match(doc: TableSet, variant: str) -> None:
    """The golden's finding codes, each where the edit puts it, and no other of those codes."""
    expected = frame(golden(variant, "findings").read_text(encoding="utf-8"))
    rows = curated(doc)["findings"]
    produced = pd.DataFrame(
        [{k: "" if r[k] is None else str(r[k]) for k in expected.columns}
         for r in rows if r["code"] in set(expected["code"])],
        columns=expected.columns,
    )
    pd.testing.assert_frame_equal(produced.reset_index(drop=True), expected)
