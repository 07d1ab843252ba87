"""The layout generator itself (tests/layouts/), without any engine: its printed forms are its
own, its draws are repeatable, its documents print what the truth says, its page locator follows
items across page breaks, and the committed sample covers the layouts it must."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest

from tests.layouts import forms
from tests.layouts.content import odd_code, printed_standard
from tests.layouts.document import build_document, header_rows
from tests.layouts.locate import Locator, squash
from tests.layouts.params import LayoutParams, draw
from tests.layouts.render import REPO, Case, build
from tests.layouts.truth import layout_truth
from tests.render.corpus import CORPUS_DIR, load_standard

GENERATOR = REPO / "tests" / "layouts"
FIXTURES = REPO / "tests" / "fixtures" / "layouts"
# Modules that decide what is printed: none may take anything from the pipeline.
PRINTING = ("forms", "params", "content", "document", "geometry", "docx_engine", "html_engine")


@pytest.mark.parametrize("module", PRINTING)
def test_printing_modules_import_nothing_from_the_pipeline(module: str) -> None:
    tree = ast.parse((GENERATOR / f"{module}.py").read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m.split(".")[0] == "pipeline"], imported


def test_draws_are_repeatable_and_round_trip_as_json() -> None:
    first = [draw(random.Random(f"s/{i}")) for i in range(50)]
    assert first == [draw(random.Random(f"s/{i}")) for i in range(50)]
    for params in first:
        assert LayoutParams.from_json(json.loads(json.dumps(params.to_json()))) == params
    # Every form of the main knobs is drawn somewhere in a few hundred draws.
    many = [draw(random.Random(f"t/{i}")) for i in range(400)]
    assert {p.engine for p in many} == set(forms.ENGINES)
    assert {p.attitude_form for p in many} == set(forms.ATTITUDE_FORMS)
    assert {p.header_rows for p in many} == set(forms.HEADER_ROWS)
    assert {p.font for p in many} == {f for f, _ in forms.FONTS}


def test_header_rows_cover_the_columns() -> None:
    for i in range(60):
        params = draw(random.Random(f"h/{i}"))
        columns = 7 if params.duty_column else 6
        rows = header_rows(params)
        assert len(rows) == params.header_rows
        for row in rows:
            assert sum(c.span for c in row.cells) == columns


def test_content_variants_print_what_the_truth_expects() -> None:
    std = load_standard(CORPUS_DIR / "CNC車床技術助理-職能基準.json")
    params = draw(random.Random("c"))
    params = params.__class__(**{**params.to_json(), "widths": params.widths,
                                 "four_number_codes": True, "odd_code": forms.ODD_CODE_FORMS[0],
                                 "no_description": True, "output_without_name": True,
                                 "attitudes_without_code": True, "odd_levels": True})
    printed = printed_standard(std, params, "c")
    assert printed.code == odd_code(std.code, forms.ODD_CODE_FORMS[0]) == "MPMM722-007v3"
    assert printed.versions[1].note == f"已被《{printed.code}》取代"
    task = printed.duties[0].tasks[0]
    assert task.indicators[0].code == "P1.1.1.1"
    assert printed.description == "" and all(a.code == "" for a in printed.attitudes)
    assert any(o.text == "" for d in printed.duties for t in d.tasks for o in t.outputs)
    assert any(not t.level.isdigit() for d in printed.duties for t in d.tasks)
    doc = build_document(printed, params)
    assert doc.printed[("task", task.code)].endswith(task.code + task.name)


def test_locator_follows_an_item_across_a_page_break() -> None:
    pages = ["第1頁主要職責工作任務T1.1甲乙P1.1.1能夠確認需",
             "第2頁主要職責工作任務求與規格P1.1.2其他"]
    locator = Locator([squash(p) for p in pages])
    span = locator.find("P1.1.1 能夠確認需求與規格", "P1.1.1")
    assert span is not None and (span.page_start, span.page_end) == (1, 2)
    whole = locator.find("P1.1.2其他", "P1.1.2")
    assert whole is not None and (whole.page_start, whole.page_end) == (2, 2)
    assert locator.find("P1.1.3不存在", "P1.1.3") is None


SAMPLE = sorted(FIXTURES.glob("layout-*.json"))


def test_the_sample_covers_the_layouts_the_pipeline_failed_on() -> None:
    cases = [Case.from_json(json.loads(p.read_text(encoding="utf-8"))) for p in SAMPLE]
    assert len(cases) >= 30
    ps = [c.params for c in cases]
    assert any("（" in p.attitude_title for p in ps)
    assert {2, 3} <= {p.header_rows for p in ps}
    assert any(p.narrow_level for p in ps)
    assert {"table1", "oneline"} <= {p.attitude_form for p in ps}
    assert any(p.cell_bullet for p in ps)
    assert any(p.footer and p.footer_digits_apart for p in ps)
    assert any(p.orientation == "landscape" for p in ps)
    for engine in forms.ENGINES:
        assert len({p.font for p in ps if p.engine == engine}) >= 2
    for variant in ("four_number_codes", "odd_code", "no_description", "output_without_name",
                    "latin_in_narrow"):
        assert any(variant in p.content_variants for p in ps), variant


@pytest.mark.parametrize("spec", SAMPLE, ids=lambda p: p.stem)
def test_sample_truth_locates_its_pages(spec: Path) -> None:
    """The truth of every committed PDF is rebuilt without an engine, and its pages are
    located (a page left unknown is allowed, but not most of them)."""
    from tests.layouts.locate import page_texts

    case = Case.from_json(json.loads(spec.read_text(encoding="utf-8")))
    pdf = spec.with_suffix(".pdf")
    std, doc = build(case)
    truth = layout_truth(std, case.params, doc, Locator(page_texts(pdf)), pdf.name, "")
    page_fields = sum(2 for t, rows in truth.tables.items() for r in rows
                      if "page_start" in r and t != "standards")
    assert len(truth.unknown) <= page_fields // 10, sorted(truth.unknown)[:10]
