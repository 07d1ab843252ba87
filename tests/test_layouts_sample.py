"""The committed layout sample (tests/fixtures/layouts/, rendered by `make layout-fixtures`)
read exactly: every compared field equals the truth rebuilt from the fixture's JSON, and no error
finding. The layouts were drawn from parameters by LibreOffice and Chromium, not by this
project's renderers (see docs/layouts.md); CI has neither engine and reads the committed PDFs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.layouts.compare import Outcome, compare, run_stages
from tests.layouts.locate import Locator, page_texts
from tests.layouts.render import REPO, Case, build
from tests.layouts.truth import layout_truth

FIXTURES = REPO / "tests" / "fixtures" / "layouts"
CASES = sorted(FIXTURES.glob("layout-*.json"))
# Layouts `make layouts` once read silently wrong, each named after what went wrong (drawn by
# the runner's seeds; the JSON says which).
REGRESSIONS = sorted((REPO / "tests" / "fixtures" / "layout-regressions").glob("*.json"))


@pytest.mark.parametrize("spec", CASES + REGRESSIONS, ids=lambda p: p.stem)
def test_layout_reads_exactly(spec: Path) -> None:
    case = Case.from_json(json.loads(spec.read_text(encoding="utf-8")))
    pdf = spec.with_suffix(".pdf")
    std, doc = build(case)
    truth = layout_truth(std, case.params, doc, Locator(page_texts(pdf)), pdf.name,
                         hashlib.sha256(pdf.read_bytes()).hexdigest())
    result = run_stages(pdf)
    errors = [f"{f.code} p.{f.page} {f.where}: {f.message}" for f in result.findings
              if f.severity == "error"]
    assert errors == []
    from pipeline.catalogue import document_rows

    outcome = Outcome(case.name, case.source, case.params.to_json())
    compare(outcome, document_rows(result), list(result.findings), truth)
    assert [*outcome.silent, *outcome.flagged] == []
