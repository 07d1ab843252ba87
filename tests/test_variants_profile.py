"""Layout variants of the title and profile (issue: every layout the catalogue uses):
《歷史資料》 documents, and several categories per profile field.

Each fixture is the sample's text export edited to show one variant (`tests/fixtures/variants/`).
Its golden folder (`tests/golden/variants/<variant>/`) holds, written by hand from the edit, every
curated table that differs from the sample's own golden; every other table must still equal the
sample's. Both the text route and the fast PDF route rendered from the fixture must meet it. The
variant table is in the README.
"""

from __future__ import annotations

import pytest

from pipeline.export import csv_text
from pipeline.records import TableSet
from pipeline.sections import category_pairs
from pipeline.spec import TABLES_BY_NAME
from tests.variant_goldens import (
    ENTITY_TABLES,
    ROUTES,
    assert_findings_match,
    assert_frames_equal,
    curated,
    frame,
    golden,
    route_tables,
)

VARIANTS = ("historical-document", "several-categories")


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], TableSet]:
    return route_tables(VARIANTS, tmp_path_factory.mktemp("profile"))


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_is_accepted(routes: dict[tuple[str, str], TableSet], variant: str,
                             route: str) -> None:
    doc = routes[variant, route]
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]


@pytest.mark.parametrize("table", ENTITY_TABLES)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_tables_match_golden(routes: dict[tuple[str, str], TableSet], variant: str, route: str,
                             table: str) -> None:
    produced = frame(csv_text(TABLES_BY_NAME[table], curated(routes[variant, route])[table]))
    expected = frame(golden(variant, table).read_text(encoding="utf-8"))
    assert_frames_equal(produced, expected, table)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_findings_a_reader_can_name_match_golden(routes: dict[tuple[str, str], TableSet],
                                                 variant: str, route: str) -> None:
    """The golden's finding codes, each where the edit puts it, and no other of those codes."""
    assert_findings_match(routes[variant, route], variant)


# ---------------------------------------------------------------- 10. 《歷史資料》


@pytest.mark.parametrize("route", ROUTES)
def test_a_historical_document_is_flagged_and_otherwise_read_like_any_other(
        routes: dict[tuple[str, str], TableSet], route: str) -> None:
    """The title 《歷史資料》國際運送承攬主管職能基準: is_historical true, the name without the mark
    (the profile prints it bare), the title read as this name's (no title-name-mismatch)."""
    doc = routes["historical-document", route]
    standard = doc.tables["standards"][0]
    assert (standard["is_historical"], standard["name"]) == (True, "國際運送承攬主管")
    assert not [f for f in doc.findings if f.code == "title-name-mismatch"]
    sample = routes["several-categories", route].tables["standards"][0]
    assert sample["is_historical"] is False


# ---------------------------------------------------------------- 12. several categories


@pytest.mark.parametrize("route", ROUTES)
def test_several_categories_per_field_are_one_row_each_in_printed_order(
        routes: dict[tuple[str, str], TableSet], route: str) -> None:
    """Two 職類別 rows, two 職業別 in one row (`…人員/…人員` | `1324/1219`, the first name
    holding a 、), two 行業別 in one row (`、`) after a third: one category per pair."""
    rows = routes["several-categories", route].tables["standard_categories"]
    # In key order (kind, position), as validation leaves a document's rows; position is the
    # printed order within its kind.
    assert [(r["kind"], r["position"], r["code"]) for r in rows] == [
        ("industry", 1, "H52"), ("industry", 2, "H53"), ("industry", 3, "H5232"),
        ("job_category", 1, "RTM"), ("job_category", 2, "RLM"),
        ("occupation", 1, "1324"), ("occupation", 2, "1219")]


@pytest.mark.parametrize(("name", "code", "pairs", "finding"), [
    # One code: the row as printed, whatever the name holds.
    ("供給、配送及倉儲經理人員", "1324", [("供給、配送及倉儲經理人員", "1324")], None),
    ("其他工程專業人員、機械工程師", "C2149、C2144",
     [("其他工程專業人員", "C2149"), ("機械工程師", "C2144")], "category-split"),
    # The codes' separator decides: a 、 inside a name split on ／ stays in the name; a name
    # wrapped at the separator still splits there.
    ("運動、健身及休閒娛樂指導員／嚮導人員", "3422／5113",
     [("運動、健身及休閒娛樂指導員", "3422"), ("嚮導人員", "5113")], "category-split"),
    ("甲／\n乙", "A1 / B2", [("甲", "A1"), ("乙", "B2")], "category-split"),
    # As many names as codes cannot be told apart: kept as printed, reported.
    ("供給、配送及倉儲經理人員、運輸事務人員", "1324、4323",
     [("供給、配送及倉儲經理人員、運輸事務人員", "1324、4323")], "category-not-split"),
    ("製造業/電力設備及配備製造業", "C2841、C2842",
     [("製造業/電力設備及配備製造業", "C2841、C2842")], "category-not-split"),
    # Split on 、, names must be alike — each a group／name pair or none: a group name that
    # holds a 、 (科學、技術、工程、數學) splits into unlike parts, and the glued names of the
    # corpus's lossy content (layouts 20/85) were read as four categories, silently.
    ("製造／生產管理、資訊科技／網路規劃與建置管理", "MPM、INM",
     [("製造／生產管理", "MPM"), ("資訊科技／網路規劃與建置管理", "INM")], "category-split"),
    ("製造 / 生產管理資訊科技 / 軟體開發及程式設計科學、技術、工程、數學/工程及技術",
     "MPM、ISD、SET、INM",
     [("製造 / 生產管理資訊科技 / 軟體開發及程式設計科學、技術、工程、數學/工程及技術",
       "MPM、ISD、SET、INM")], "category-not-split"),
    # A narrow code cell wraps inside a code or beside a separator: with separators printed,
    # a line break is the wrap (a code never holds a space). Regression: layouts seed 5/61
    # exported `R9 0、R91…` (layout-regressions/category-codes-wrapped-inside-a-code).
    ("文化資產", "R9\n0、R91、\nG47\n6", [("文化資產", "R90、R91、G476")], "category-not-split"),
    # Codes on separate lines (no printed separator): which line of the name goes with which
    # code is unknown when a name may wrap.
    ("研究發展經理人員\n其他食品製造及有關工作人員", "1223\n7919",
     [("研究發展經理人員\n其他食品製造及有關工作人員", "1223\n7919")], "category-not-split"),
])
def test_category_pairs_split_only_when_names_and_codes_pair_up(
        name: str, code: str, pairs: list[tuple[str, str]], finding: str | None) -> None:
    got, found = category_pairs(name, code, 1, "職業別")
    assert got == pairs
    assert (found.code if found else None) == finding
    if found:
        assert (found.page, found.where) == (1, "職業別")
