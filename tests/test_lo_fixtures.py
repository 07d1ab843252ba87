"""The realistic route: PDFs LibreOffice made from Word documents (committed; see
tests/render/make_lo_fixtures.py) give exactly their truth — the sample its text route's tables,
each real-content standard the structure it was rendered from."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipeline.catalogue import document_rows
from pipeline.order import sort_rows
from pipeline.records import TableSet
from pipeline.spec import TABLES_BY_NAME
from tests.conftest import REPO, run_stages
from tests.render.corpus import all_standards
from tests.render.paginate import paginate
from tests.render.roundtrip import compare_tables
from tests.render.truth import truth_tables

FIXTURES = REPO / "tests" / "fixtures" / "lo"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
SOURCE_COLUMNS = {"source_file", "source_sha256", "source_format"}


@pytest.fixture(scope="module")
def standards() -> dict[str, object]:
    return dict(all_standards())


def test_the_fixture_set_covers_short_and_long_documents() -> None:
    assert len(MANIFEST) >= 21 and MANIFEST[0]["source"] == "sample"
    assert {m["font"] for m in MANIFEST} == {"Noto Sans CJK TC", "AR PL UMing TW"}


def test_sample_rendered_by_libreoffice_gives_the_text_routes_tables(sample: TableSet) -> None:
    from_pdf = run_stages(FIXTURES / "RTM1324-002v4.pdf")
    assert not from_pdf.is_rejected, [f for f in from_pdf.findings if f.severity == "error"]
    text_rows, pdf_rows = document_rows(sample), document_rows(from_pdf)
    for name in text_rows:
        if name == "findings":
            continue
        strip = [{k: v for k, v in r.items() if k not in SOURCE_COLUMNS} for r in pdf_rows[name]]
        want = [{k: v for k, v in r.items() if k not in SOURCE_COLUMNS} for r in text_rows[name]]
        assert strip == want, name
    key = [(f["code"], f["page"], f["where"]) for f in text_rows["findings"]]
    assert [(f["code"], f["page"], f["where"]) for f in pdf_rows["findings"]] == key


@pytest.mark.parametrize("entry", [m for m in MANIFEST if m["source"] != "sample"],
                         ids=lambda m: m["pdf"])
def test_libreoffice_pdf_round_trips_exactly(entry: dict[str, str],
                                             standards: dict[str, object]) -> None:
    path = FIXTURES / entry["pdf"]
    std = standards[entry["source"]]
    _paged, placement = paginate(std)  # type: ignore[arg-type]
    truth = truth_tables(std, placement, path.name,  # type: ignore[arg-type]
                         hashlib.sha256(path.read_bytes()).hexdigest())
    doc = run_stages(path)
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]
    result = compare_tables(entry["pdf"], document_rows(doc), {
        t: sort_rows(TABLES_BY_NAME[t], rows) for t, rows in truth.items()})
    result.flag(doc.findings)
    # Exact, except where LibreOffice broke inside a Latin word or number (as Word may), which
    # no reader can undo: each such field carries a latin-wrap-joined finding.
    assert result.differences == []
    assert len(result.flagged) <= 1
    assert sum(result.fields.values()) > 100
