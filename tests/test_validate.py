"""Every validation rule can fail: break the sample's validated tables the way a bad extraction
would, and the rule reports it with the right finding code, severity, place and page.

Each case starts from a deep copy of the session ``sample`` tables (the fixture itself is never
mutated) and first proves that the rule is silent on the intact copy, so a rule that always fires
cannot pass either.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import NamedTuple

import pytest

from pipeline import validate
from pipeline.order import sort_rows
from pipeline.records import Finding, Row, TableSet
from pipeline.spec import TABLES_BY_NAME
from pipeline.validate import (
    RULES,
    check_blocks_complete,
    check_characters,
    check_code_format,
    check_code_parents,
    check_foreign_keys,
    check_item_names,
    check_layout_residue,
    check_levels,
    check_numbering,
    check_primary_keys,
    check_required_fields,
    check_text_length,
    check_version_table,
    validate_document,
    validate_tables,
)

Tables = dict[str, list[Row]]
Rule = Callable[[Tables], list[Finding]]
Mutation = Callable[[Tables], None]

CODE = "RTM1324-002v4"
FOOTER = "第 3 頁，總共 7 頁"
TRUNCATED_K04 = "國際運送承攬業相關資訊系"


# ---------------------------------------------------------------- helpers


@pytest.fixture
def tables(sample_normalized: TableSet) -> Tables:
    """A private copy of the tables the rules read for the sample, safe to break."""
    return copy.deepcopy(sample_normalized.tables)


def _rows(tables: Tables, name: str, match: dict[str, object]) -> list[Row]:
    return [r for r in tables[name] if all(r.get(k) == v for k, v in match.items())]


def _one(tables: Tables, name: str, **match: object) -> Row:
    rows = _rows(tables, name, match)
    assert len(rows) == 1, f"{name} {match}: expected one row, found {len(rows)}"
    return rows[0]


def set_field(name: str, column: str, value: object, **match: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        row = _one(tables, name, **match)
        assert row[column] != value, "the mutation must change something"
        row[column] = value

    return mutate


def append_text(name: str, column: str, suffix: str, **match: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        _one(tables, name, **match)[column] += suffix

    return mutate


def delete_row(name: str, **match: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        row = _one(tables, name, **match)
        tables[name].remove(row)

    return mutate


def delete_rows(name: str, **match: object) -> Mutation:
    """Every matching row gone: a whole cell lost on the way."""
    def mutate(tables: Tables) -> None:
        doomed = _rows(tables, name, match)
        assert doomed
        for row in doomed:
            tables[name].remove(row)

    return mutate


def duplicate_row(name: str, **match: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        row = _one(tables, name, **match)
        tables[name].insert(tables[name].index(row) + 1, copy.deepcopy(row))

    return mutate


def swap_rows(name: str, first: dict[str, object], second: dict[str, object]) -> Mutation:
    def mutate(tables: Tables) -> None:
        rows = tables[name]
        i, j = rows.index(_one(tables, name, **first)), rows.index(_one(tables, name, **second))
        rows[i], rows[j] = rows[j], rows[i]

    return mutate


def recode(old: str, new: str) -> Mutation:
    """Rename a K/S item consistently everywhere the document prints or cites it."""

    def mutate(tables: Tables) -> None:
        seen = 0
        for name, column in (("knowledge", "knowledge_code"), ("skills", "skill_code"),
                             ("task_knowledge", "knowledge_code"), ("task_skills", "skill_code"),
                             ("_printings", "code"), ("notes", "refers_to")):
            for row in tables[name]:
                if row.get(column) == old:
                    row[column] = new
                    seen += 1
        assert seen > 1

    return mutate


# ---------------------------------------------------------------- the breakage table


class Breakage(NamedTuple):
    rule: Rule
    mutate: Mutation
    code: str
    severity: str
    where: str
    page: int | None


def case(description: str, rule: Rule, mutate: Mutation, code: str, severity: str, where: str,
         page: int | None) -> object:
    return pytest.param(Breakage(rule, mutate, code, severity, where, page), id=description)


BREAKAGES = [
    # primary keys
    case("indicator P1.1.4 emitted twice by the stitcher", check_primary_keys,
         duplicate_row("indicators", indicator_code="P1.1.4"),
         "pk-duplicate", "error", "indicators:P1.1.4", None),
    case("task code printed twice in one block's task cell", check_primary_keys,
         duplicate_row("block_tasks", block_no=3, task_code="T1.3"),
         "pk-duplicate", "error", "block_tasks:3/T1.3", None),
    case("knowledge item K05 lost its code", check_primary_keys,
         set_field("knowledge", "knowledge_code", None, knowledge_code="K05"),
         "pk-null", "error", "knowledge:None", 2),
    case("version line with an empty position", check_primary_keys,
         set_field("versions", "position", "", position=3),
         "pk-null", "error", "versions:", 1),
    # required fields
    case("task T1.2 name blanked", check_required_fields,
         set_field("tasks", "name", "", task_code="T1.2"),
         "required-field-empty", "error", "tasks:T1.2:name", 2),
    case("indicator P2.1.1 text missing", check_required_fields,
         set_field("indicators", "text", None, indicator_code="P2.1.1"),
         "required-field-empty", "error", "indicators:P2.1.1:text", 4),
    # (工作描述 is no longer required: a standard printed without one is a warning, issue #13.)
    case("standard's 職能基準名稱 blanked", check_required_fields,
         set_field("standards", "name", "", standard_code=CODE),
         "required-field-empty", "error", "standards::name", 1),
    case("attitude A03 name blanked", check_required_fields,
         set_field("attitudes", "name", "", attitude_code="A03"),
         "required-field-empty", "error", "attitudes:3:name", 6),
    # foreign keys
    case("indicator P1.1.1 points at task T9.9", check_foreign_keys,
         set_field("indicators", "task_code", "T9.9", indicator_code="P1.1.1"),
         "fk-unresolved", "error", "indicators:P1.1.1", 1),
    case("task T1.1 cites knowledge K99", check_foreign_keys,
         set_field("task_knowledge", "knowledge_code", "K99", task_code="T1.1",
                   knowledge_code="K01"),
         "fk-unresolved", "error", "task_knowledge:T1.1/K99/1", 1),
    case("duty T2 deleted, its tasks orphaned", check_foreign_keys,
         delete_row("duties", duty_code="T2"),
         "fk-unresolved", "error", "tasks:T2.1", 4),
    case("block 10 deleted, its task list orphaned", check_foreign_keys,
         delete_row("blocks", block_no=10),
         "fk-unresolved", "error", "block_tasks:10/T3.2", None),
    case("output O3.1.1 in block 11 that does not exist", check_foreign_keys,
         set_field("outputs", "block_no", 11, output_code="O3.1.1"),
         "fk-unresolved", "error", "outputs:O3.1.1", 5),
    # code format
    case("knowledge code K01 renamed K1x", check_code_format,
         set_field("knowledge", "knowledge_code", "K1x", knowledge_code="K01"),
         "malformed-code", "error", "knowledge:K1x", 1),
    case("indicator code missing its last part", check_code_format,
         set_field("indicators", "indicator_code", "P1.1", indicator_code="P1.1.1"),
         "malformed-code", "error", "indicators:P1.1", 1),
    case("task code printed with a hyphen", check_code_format,
         set_field("tasks", "task_code", "T1-2", task_code="T1.2"),
         "malformed-code", "error", "tasks:T1-2", 2),
    case("skill link to S1.2", check_code_format,
         set_field("task_skills", "skill_code", "S1.2", task_code="T1.1", skill_code="S02"),
         "malformed-code", "error", "task_skills:S1.2", 1),
    case("attitude code with letter l for digit 1", check_code_format,
         set_field("attitudes", "attitude_code", "A0l", attitude_code="A01"),
         "malformed-code", "error", "attitudes:A0l", 6),
    # code parents
    case("indicator P1.3.2 put under task T1.4", check_code_parents,
         set_field("indicators", "task_code", "T1.4", indicator_code="P1.3.2"),
         "code-parent-mismatch", "error", "indicators:P1.3.2", 2),
    case("task T1.3 put under duty T2", check_code_parents,
         set_field("tasks", "duty_code", "T2", task_code="T1.3"),
         "code-parent-mismatch", "error", "tasks:T1.3", 2),
    case("output O1.4.1 put under task T1.5", check_code_parents,
         set_field("outputs", "task_code", "T1.5", output_code="O1.4.1"),
         "code-parent-mismatch", "error", "outputs:O1.4.1", 3),
    # numbering
    case("duty T2 deleted, T3 leaves a gap", check_numbering,
         delete_row("duties", duty_code="T2"),
         "numbering-gap", "warning", "duties", 1),
    case("task T1.3 deleted", check_numbering,
         delete_row("tasks", task_code="T1.3"),
         "numbering-gap", "warning", "tasks under T1", 1),
    case("indicator P1.3.2 deleted", check_numbering,
         delete_row("indicators", indicator_code="P1.3.2"),
         "numbering-gap", "warning", "indicators under T1.3", 2),
    case("attitude A03 deleted", check_numbering,
         delete_row("attitudes", attitude_code="A03"),
         "numbering-gap", "warning", "attitudes", 6),
    case("tasks T2.1 and T2.2 printed out of order", check_numbering,
         swap_rows("tasks", {"task_code": "T2.1"}, {"task_code": "T2.2"}),
         "numbering-order", "warning", "tasks under T2", 4),
    case("skills S12 and S13 printed out of order", check_numbering,
         swap_rows("skills", {"skill_code": "S12"}, {"skill_code": "S13"}),
         "numbering-order", "warning", "skills", 1),
    # item names
    case("K04 printed truncated under T1.2", check_item_names,
         set_field("_printings", "name", TRUNCATED_K04, kind="knowledge", code="K04",
                   task_code="T1.2"),
         "item-name-mismatch", "error", "T1.2:knowledge:K04", 2),
    case("S01 printed as 領導力 under T1.3", check_item_names,
         set_field("_printings", "name", "領導力", kind="skill", code="S01", task_code="T1.3"),
         "item-name-mismatch", "error", "T1.3:skill:S01", 2),
    # complete blocks
    case("T1.4's indicator cell lost", check_blocks_complete,
         delete_rows("indicators", block_no=4),
         "block-without-indicators", "error", "block 4", 3),
    case("T2.1's skill cell lost", check_blocks_complete,
         delete_rows("task_skills", block_no=6),
         "block-without-skills", "warning", "block 6", 4),
    # levels
    case("block 1 level 9", check_levels,
         set_field("blocks", "level", 9, block_no=1),
         "level-out-of-range", "error", "blocks:1", 1),
    case("task T2.2 level 0", check_levels,
         set_field("tasks", "level", 0, task_code="T2.2"),
         "level-out-of-range", "error", "tasks:T2.2", 4),
    case("standard level 8", check_levels,
         set_field("standards", "level", 8, standard_code=CODE),
         "level-out-of-range", "error", "standards:", 1),
    # version table
    case("own line V4 relabelled V5", check_version_table,
         set_field("versions", "version_label", "V5", position=1),
         "version-table-inconsistent", "error", "versions:1", 1),
    case("note superseded by unlisted RTM1324-002v9", check_version_table,
         set_field("versions", "note", "已被《RTM1324-002v9》取代", position=2),
         "version-table-inconsistent", "error", "versions:2", 1),
    case("own line missing from the version table", check_version_table,
         delete_row("versions", listed_code=CODE),
         "version-table-inconsistent", "error", "versions", 1),
    case("historical line V2 relabelled V1", check_version_table,
         set_field("versions", "version_label", "V1", position=3),
         "version-table-inconsistent", "error", "versions:3", 1),
    # layout residue
    case("a whole table run together into one indicator", check_text_length,
         set_field("indicators", "text", "確認" * 20000, indicator_code="P2.1.1"),
         "text-too-long", "error", "indicators:P2.1.1:text", 4),
    case("a ToUnicode map gave U+FFFF inside indicator P2.1.1", check_characters,
         set_field("indicators", "text", "確認\uffff規格", indicator_code="P2.1.1"),
         "unwritable-character", "error", "indicators:P2.1.1:text", 4),
    case("a glyph without Unicode mapping in a skill name", check_layout_residue,
         set_field("skills", "name", "(cid:204)新能力", skill_code="S01"),
         "layout-residue", "error", "skills:S01:name", 1),
    case("page footer inside indicator P1.2.3", check_layout_residue,
         append_text("indicators", "text", FOOTER, indicator_code="P1.2.3"),
         "layout-residue", "error", "indicators:P1.2.3:text", 2),
    case("footer 第7頁,共7頁 inside attitude A07", check_layout_residue,
         append_text("attitudes", "description", "第7頁,共7頁", attitude_code="A07"),
         "layout-residue", "error", "attitudes:7:description", 7),
    case("<p> inside indicator P3.1.2", check_layout_residue,
         append_text("indicators", "text", "<p>", indicator_code="P3.1.2"),
         "layout-residue", "error", "indicators:P3.1.2:text", 5),
    case("</P> inside a supplementary note", check_layout_residue,
         append_text("notes", "text", "</P>", section="supplementary", position=4),
         "layout-residue", "error", "notes:supplementary/4:text", 7),
    case("header words inside indicator P2.2.3", check_layout_residue,
         append_text("indicators", "text", "主要職責 工作任務", indicator_code="P2.2.3"),
         "layout-residue", "error", "indicators:P2.2.3:text", 5),
    case("header cell parsed as task T1.1's name", check_layout_residue,
         set_field("tasks", "name", "工作 任務", task_code="T1.1"),
         "layout-residue", "error", "tasks:T1.1:name", 1),
]


# ---------------------------------------------------------------- the intact sample


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_rule_is_silent_on_intact_sample(tables: Tables, rule: Rule) -> None:
    assert rule(tables) == []


def test_every_rule_has_a_breakage_case() -> None:
    covered = {p.values[0].rule for p in BREAKAGES}
    assert set(RULES) == covered
    assert len(RULES) == 13


def test_rules_do_not_mutate_tables(sample_normalized: TableSet, tables: Tables) -> None:
    validate_tables(tables)
    assert tables == sample_normalized.tables


def test_validated_documents_carry_only_curated_tables(sample: TableSet,
                                                      sample_normalized: TableSet) -> None:
    assert "_printings" in sample_normalized.tables
    assert set(sample.tables) == {t for t in sample_normalized.tables if not t.startswith("_")}


# ---------------------------------------------------------------- each rule fails


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_rule_catches_breakage(tables: Tables, breakage: Breakage) -> None:
    rule = breakage.rule
    assert rule(tables) == [], "the rule must be silent before the table is broken"

    breakage.mutate(tables)
    findings = rule(tables)

    assert findings, f"{rule.__name__} found nothing"
    assert {f.code for f in findings} == {breakage.code}
    assert {f.severity for f in findings} == {breakage.severity}
    hits = [f for f in findings if f.where == breakage.where]
    assert hits, f"no finding at {breakage.where!r}: {findings}"
    assert all(f.page == breakage.page for f in hits)


def test_primary_key_duplicate_message_counts_rows(tables: Tables) -> None:
    row = _one(tables, "indicators", indicator_code="P1.1.4")
    tables["indicators"] += [copy.deepcopy(row), copy.deepcopy(row)]
    [finding] = check_primary_keys(tables)
    assert finding.message.startswith("3 rows share the key")


def test_nullable_columns_may_be_empty(tables: Tables) -> None:
    """Null is allowed where the spec says so: levels, descriptions, notes, attitude codes."""
    set_field("tasks", "level", None, task_code="T1.1")(tables)
    set_field("knowledge", "description", None, knowledge_code="K01")(tables)
    set_field("versions", "note", None, position=1)(tables)
    set_field("attitudes", "attitude_code", None, position=7)(tables)
    assert check_required_fields(tables) == []
    assert check_levels(tables) == []
    assert check_code_format(tables) == []


def test_foreign_key_message_names_missing_target(tables: Tables) -> None:
    set_field("indicators", "task_code", "T9.9", indicator_code="P1.1.1")(tables)
    # The task does not exist, nor is it one of the tasks the indicator's block describes.
    findings = check_foreign_keys(tables)
    assert [f.message.rsplit(" ", 1)[-1] for f in findings] == ["tasks", "block_tasks"]
    assert all("T9.9" in f.message for f in findings)


def test_indicator_in_a_block_of_another_task_is_caught(tables: Tables) -> None:
    set_field("indicators", "block_no", 4, indicator_code="P1.3.2")(tables)
    assert [(f.code, f.where) for f in check_foreign_keys(tables)] == [
        ("fk-unresolved", "indicators:P1.3.2")]


def test_every_row_of_deleted_duty_is_orphaned(tables: Tables) -> None:
    delete_row("duties", duty_code="T2")(tables)
    wheres = sorted(f.where for f in check_foreign_keys(tables))
    assert wheres == ["tasks:T2.1", "tasks:T2.2", "tasks:T2.3"]


def test_code_parent_message_names_both_codes(tables: Tables) -> None:
    set_field("indicators", "task_code", "T1.4", indicator_code="P1.3.2")(tables)
    [finding] = check_code_parents(tables)
    assert finding.message == "P1.3.2 is listed under T1.4"


def test_numbering_gap_names_the_missing_number(tables: Tables) -> None:
    delete_row("duties", duty_code="T2")(tables)
    [finding] = check_numbering(tables)
    assert finding.message == "T1, T3: number(s) [2] missing"


def test_first_printing_truncated_is_caught_everywhere_else(tables: Tables) -> None:
    """The definition takes the first printing's name: when that is the cut one, every other
    printing disagrees with it."""
    _one(tables, "knowledge", knowledge_code="K04")["name"] = TRUNCATED_K04
    set_field("_printings", "name", TRUNCATED_K04, kind="knowledge", code="K04",
              task_code="T1.1")(tables)
    findings = check_item_names(tables)
    others = _rows(tables, "_printings", {"kind": "knowledge", "code": "K04"})[1:]
    assert len(others) == 9
    assert sorted(f.where for f in findings) == sorted(
        f"{p['task_code']}:knowledge:K04" for p in others)


def test_version_label_change_reports_both_inconsistencies(tables: Tables) -> None:
    set_field("versions", "version_label", "V5", position=1)(tables)
    messages = sorted(f.message for f in check_version_table(tables))
    assert messages == [f"{CODE} is listed as V5", f"V5 lists {CODE}"]


def test_version_note_names_unlisted_code(tables: Tables) -> None:
    set_field("versions", "note", "已被《RTM1324-002v9》取代", position=2)(tables)
    [finding] = check_version_table(tables)
    assert "RTM1324-002v9" in finding.message


def test_single_header_word_alone_in_a_field_is_residue(tables: Tables) -> None:
    set_field("duties", "name", "主要職責", duty_code="T3")(tables)
    [finding] = check_layout_residue(tables)
    assert finding.where == "duties:T3:name"


# ---------------------------------------------------------------- rule bugs (documented)


# Regressions found by a cold review: each once slipped past its rule.


def test_numbering_gap_hidden_by_zero_padding_duplicate(tables: Tables) -> None:
    """K01, K1, K03…: K1 and K02 are different keys, but number 1 is printed twice."""
    recode("K02", "K1")(tables)  # K01, K1, K03…: number 1 twice, number 2 missing
    findings = [f for f in check_numbering(tables) if f.where == "knowledge"]
    assert {f.code for f in findings} == {"numbering-gap", "numbering-duplicate"}


def test_full_column_header_leak_is_residue(tables: Tables) -> None:
    append_text("knowledge", "name", " 職能內涵 (K=knowledge 知識)", knowledge_code="K10")(tables)
    assert [f.code for f in check_layout_residue(tables)] == ["layout-residue"]


def test_full_width_digits_are_malformed(tables: Tables) -> None:
    """iCAP codes are ASCII; K１０ would never join another document's K10."""
    set_field("knowledge", "knowledge_code", "K１０", knowledge_code="K10")(tables)
    assert [f.where for f in check_code_format(tables)] == ["knowledge:K１０"]


# ---------------------------------------------------------------- validate_document


def _document(sample: TableSet, tables: Tables) -> TableSet:
    return TableSet(sample.source, tables, sample.findings)


def test_intact_document_is_accepted(sample: TableSet, tables: Tables) -> None:
    result = validate_document(_document(sample, tables))
    assert not result.is_rejected
    assert result.findings == sample.findings  # validation adds nothing to an intact document


ERROR_BREAKAGES = [p for p in BREAKAGES if p.values[0].severity == "error"]


@pytest.mark.parametrize("breakage", ERROR_BREAKAGES)
def test_broken_document_is_rejected(sample: TableSet, tables: Tables,
                                     breakage: Breakage) -> None:
    breakage.mutate(tables)
    result = validate_document(_document(sample, tables))
    assert result.is_rejected
    assert result.findings[: len(sample.findings)] == sample.findings
    new = result.findings[len(sample.findings):]
    assert any(f.code == breakage.code and f.where == breakage.where for f in new)
    assert result.tables == {k: sort_rows(TABLES_BY_NAME[k], v) for k, v in tables.items()
                             if not k.startswith("_")}


@pytest.mark.parametrize("mutate", [
    pytest.param(delete_row("indicators", indicator_code="P1.3.2"), id="indicator gap"),
    pytest.param(delete_row("attitudes", attitude_code="A03"), id="attitude gap"),
    pytest.param(swap_rows("tasks", {"task_code": "T2.1"}, {"task_code": "T2.2"}), id="order"),
])
def test_numbering_warnings_do_not_reject(sample: TableSet, tables: Tables,
                                          mutate: Mutation) -> None:
    mutate(tables)
    result = validate_document(_document(sample, tables))
    new = result.findings[len(sample.findings):]
    assert new and {f.severity for f in new} == {"warning"}
    assert not result.is_rejected


def test_error_from_earlier_stage_rejects_intact_tables(sample: TableSet, tables: Tables) -> None:
    earlier = Finding("uncovered-text", "error", 3, "line 120", "text no section explains")
    doc = TableSet(sample.source, tables, (*sample.findings, earlier))
    result = validate_document(doc)
    assert result.is_rejected
    assert earlier in result.findings


def test_document_already_rejected_stays_rejected(sample: TableSet, tables: Tables) -> None:
    """An earlier stage that gave up (e.g. parse on an unparseable source) keeps the rejection."""
    doc = TableSet(sample.source, tables, sample.findings, is_rejected=True)
    result = validate_document(doc)
    assert result.is_rejected
    assert result.findings == sample.findings


def test_rules_are_the_ones_validate_tables_runs(tables: Tables) -> None:
    """validate_tables reports exactly what the rules report, in RULES order."""
    set_field("blocks", "level", 9, block_no=1)(tables)
    set_field("tasks", "name", "", task_code="T1.2")(tables)
    expected = [f for rule in validate.RULES for f in rule(tables)]
    assert validate_tables(tables) == expected
    assert [f.code for f in expected] == ["required-field-empty", "level-out-of-range"]
