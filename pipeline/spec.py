"""The one declaration of every curated table.

Validation, export, ``curated/datapackage.json`` and ``docs/data-dictionary.md`` all read this
module, so the published schema cannot drift from what the code checks and writes. Analysts code
against these names: renaming a column here is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Dtype = Literal["string", "int", "bool", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: Dtype
    description: str
    label_zh: str
    nullable: bool = False
    # Free text gets the documented text policy (pipeline.normalize); identifiers such as the
    # source file name or a hash must stay byte-for-byte as they are.
    is_normalized: bool = True
    # Filled when the catalogue is assembled (export), because it depends on other documents;
    # a single document's tables do not carry it.
    is_assembled: bool = False


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _standard_code() -> Column:
    return Column("standard_code", "string", "Code of the standard version, e.g. RTM1324-002v4.",
                  "職能基準代碼")


def _pages() -> tuple[Column, Column]:
    return (
        Column("page_start", "int", "First page of the original document this row's text comes "
               "from. Text exports carry no page numbers: page 1 is the first page and every "
               "restart of a repeated table header or section title starts the next page.",
               "起始頁"),
        Column("page_end", "int", "Last page of the original document this row's text comes from "
               "(equal to page_start unless the text was split by a page break).", "結束頁"),
    )


def _to_standard() -> ForeignKey:
    return ForeignKey(("standard_code",), "standards", ("standard_code",))


def _code_as_printed(example: str) -> Column:
    return Column("code_as_printed", "string", "The code exactly as printed when that is not "
                  f"the canonical code in the code column (e.g. {example}); null when printed "
                  "canonically. Each such reading is also a code-as-printed finding with its "
                  "page.", "代碼原文", nullable=True, is_normalized=False)


def _fk(columns: tuple[str, ...], table: str) -> ForeignKey:
    return ForeignKey(("standard_code", *columns), table, ("standard_code", *columns))


STANDARDS = Table(
    name="standards",
    grain="One row per document (one version of one standard).",
    description="The standard's profile (基本資料) and where the document came from.",
    columns=(
        _standard_code(),
        Column("standard_id", "string", "The standard without its version suffix, e.g. "
               "RTM1324-002; groups the versions of one standard.", "職能基準編號"),
        Column("version", "int", "Version number taken from the code's vN suffix.", "版本"),
        Column("name", "string", "職能基準名稱 as printed in the profile.", "職能基準名稱"),
        Column("name_kind", "string", "Which profile line holds the name: 職業 or 職類.",
               "名稱類型"),
        Column("description", "string", "工作描述; null when the document prints none "
               "(missing-description).", "工作描述", nullable=True),
        Column("level", "int", "基準級別 (1–7); null when not printed.", "基準級別",
               nullable=True),
        Column("is_historical", "bool", "True for documents titled 《歷史資料》.", "歷史資料"),
        Column("is_latest", "bool", "True for the highest version of its standard_id present "
               "in the catalogue.", "最新版本", is_assembled=True),
        *_pages(),
        Column("source_file", "string", "File name of the source document in raw/.", "來源檔案",
               is_normalized=False),
        Column("source_sha256", "string", "SHA-256 of the source file's bytes.", "來源雜湊",
               is_normalized=False),
        Column("source_format", "string", "text (published text export) or pdf.", "來源格式",
               is_normalized=False),
    ),
    primary_key=("standard_code",),
)

STANDARD_CATEGORIES = Table(
    name="standard_categories",
    grain="One row per name+code pair printed in the profile's 所屬類別 block (several pairs "
          "printed in one row are split when their names and codes split alike).",
    description="職類別 / 職業別 / 行業別 with their codes; a standard may list several of each.",
    columns=(
        _standard_code(),
        Column("kind", "string", "job_category (職類別), occupation (職業別) or industry (行業別).",
               "類別"),
        Column("position", "int", "Order within its kind, from 1.", "順序"),
        Column("name", "string", "Category name as printed.", "類別名稱"),
        Column("code", "string", "Category code as printed (e.g. RTM, 1324, H52).", "類別代碼",
               nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "kind", "position"),
    foreign_keys=(_to_standard(),),
)

VERSIONS = Table(
    name="versions",
    grain="One row per line of the version table printed at the top of the document.",
    description="The document's own version history (版本沿革).",
    columns=(
        _standard_code(),
        Column("position", "int", "Printed order, from 1 (the top line).", "順序"),
        Column("version_label", "string", "版本 as printed, e.g. V3.", "版本"),
        Column("listed_code", "string", "職能基準代碼 of that version.", "所列職能基準代碼"),
        Column("name", "string", "職能基準名稱 of that version.", "職能基準名稱"),
        Column("status", "string", "狀態 as printed, e.g. 最新版本 or 歷史版本.", "狀態"),
        Column("note", "string", "更新說明 as printed (略 is kept as printed).", "更新說明",
               nullable=True),
        Column("updated_on", "date", "發展更新日期.", "發展更新日期", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "position"),
    foreign_keys=(_to_standard(),),
)

DUTIES = Table(
    name="duties",
    grain="One row per duty (主要職責, T1, T2, …).",
    description="Duties; page_start/page_end span the duty's name and all rows of its tasks.",
    columns=(
        _standard_code(),
        Column("duty_code", "string", "Duty code, e.g. T1.", "主要職責代碼"),
        Column("position", "int", "Order in the document, from 1.", "順序"),
        Column("name", "string", "Duty name without its code; null when the document prints "
               "no 主要職責 column (the duty is then known only from its tasks' codes, T1.2 → T1; "
               "see the duty-name-missing finding).", "主要職責", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "duty_code"),
    foreign_keys=(_to_standard(),),
)

TASKS = Table(
    name="tasks",
    grain="One row per task (工作任務, T1.1, …).",
    description="Tasks; page_start/page_end span all rows of the task's blocks.",
    columns=(
        _standard_code(),
        Column("task_code", "string", "Task code, e.g. T1.1.", "工作任務代碼"),
        Column("duty_code", "string", "The duty the task belongs to.", "主要職責代碼"),
        Column("position", "int", "Order within its duty, from 1.", "順序"),
        Column("name", "string", "Task name without its code.", "工作任務"),
        Column("level", "int", "職能級別 (1–7) when all of the task's blocks agree, else null.",
               "職能級別", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "task_code"),
    foreign_keys=(_to_standard(), _fk(("duty_code",), "duties")),
)

BLOCKS = Table(
    name="blocks",
    grain="One row per row-group of the main table (a task, or a task group, at one level).",
    description="A block holds one set of outputs, indicators, level, knowledge and skills.",
    columns=(
        _standard_code(),
        Column("block_no", "int", "Order of the block in the main table, from 1.", "區塊序號"),
        Column("level", "int", "職能級別 when level_text is one unambiguous level 1–7, else null.",
               "職能級別", nullable=True),
        Column("level_text", "string", "職能級別 cell exactly as printed.", "職能級別原文",
               nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "block_no"),
    foreign_keys=(_to_standard(),),
)

BLOCK_TASKS = Table(
    name="block_tasks",
    grain="One row per task code printed in a block's task cell.",
    description="Which tasks a block describes (several when tasks share one set of indicators).",
    columns=(
        _standard_code(),
        Column("block_no", "int", "The block.", "區塊序號"),
        Column("task_code", "string", "A task the block describes.", "工作任務代碼"),
        Column("position", "int", "Order of the task code within the block, from 1.", "順序"),
    ),
    primary_key=("standard_code", "block_no", "task_code"),
    foreign_keys=(_to_standard(), _fk(("block_no",), "blocks"), _fk(("task_code",), "tasks")),
)

OUTPUTS = Table(
    name="outputs",
    grain="One row per work output (工作產出, O1.4.1, …).",
    description="Work outputs of a block.",
    columns=(
        _standard_code(),
        Column("output_code", "string", "Output code, e.g. O1.4.1 (O1.1.1.1 where the document "
               "prints a fourth number).", "工作產出代碼"),
        _code_as_printed("`O 1.2.1`, or `04.2.1` with a digit zero for the O"),
        Column("task_code", "string", "The task the output belongs to.", "工作任務代碼"),
        Column("block_no", "int", "The block it is printed in.", "區塊序號"),
        Column("name", "string", "Output name without its code; null when only the code is "
               "printed (empty-name).", "工作產出", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "output_code"),
    foreign_keys=(_to_standard(), _fk(("task_code",), "tasks"), _fk(("block_no",), "blocks"),
                  _fk(("block_no", "task_code"), "block_tasks")),
)

INDICATORS = Table(
    name="indicators",
    grain="One row per behaviour indicator (行為指標, P1.1.1, …).",
    description="Behaviour indicators; an indicator split by a page break is joined (see the "
    "split-cell-joined finding).",
    columns=(
        _standard_code(),
        Column("indicator_code", "string", "Indicator code, e.g. P1.1.1 (P1.2.1.1 where the "
               "document prints a fourth number).", "行為指標代碼"),
        _code_as_printed("`P.1.1.1` or `P 5.1.2`"),
        Column("task_code", "string", "The task the indicator belongs to.", "工作任務代碼"),
        Column("block_no", "int", "The block it is printed in.", "區塊序號"),
        Column("text", "string", "Indicator text without its code.", "行為指標"),
        *_pages(),
    ),
    primary_key=("standard_code", "indicator_code"),
    foreign_keys=(_to_standard(), _fk(("task_code",), "tasks"), _fk(("block_no",), "blocks"),
                  _fk(("block_no", "task_code"), "block_tasks")),
)


def _competency_item(name: str, code_col: str, label: str, what: str) -> Table:
    return Table(
        name=name,
        grain=f"One row per {what} item ({code_col.split('_')[0]} code).",
        description=f"{label} items as printed in the main table; the name must be identical in "
        "every task that cites it. description is the explanation paragraph of 其他補充說明 "
        "whose title is the item's name. Pages are those of the item's first printing.",
        columns=(
            _standard_code(),
            Column(code_col, "string", f"{what.capitalize()} code as printed, e.g. "
                   f"{'K01' if name == 'knowledge' else 'S01'}.", f"{label}代碼"),
            Column("name", "string", "Item name without its code.", label),
            Column("description", "string", "Explanation from 其他補充說明 (the text after its "
                   "title and colon); null when the document gives none.", "說明",
                   nullable=True),
            *_pages(),
        ),
        primary_key=("standard_code", code_col),
        foreign_keys=(_to_standard(),),
    )


KNOWLEDGE = _competency_item("knowledge", "knowledge_code", "知識", "knowledge")
SKILLS = _competency_item("skills", "skill_code", "技能", "skill")

ATTITUDES = Table(
    name="attitudes",
    grain="One row per attitude (職能內涵 A=attitude 態度).",
    description="Attitudes; the code is null where the document prints none.",
    columns=(
        _standard_code(),
        Column("position", "int", "Printed order, from 1.", "順序"),
        Column("attitude_code", "string", "Attitude code, e.g. A01.", "態度代碼", nullable=True),
        Column("name", "string", "Attitude name (before the colon).", "態度"),
        Column("description", "string", "Text after the colon.", "說明", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "position"),
    foreign_keys=(_to_standard(),),
)


def _task_link(name: str, item_col: str, item_table: str, label: str) -> Table:
    return Table(
        name=name,
        grain=f"One row per {label} item cited by a task in a block.",
        description=f"Which {label} items each task requires; pages are those of this citation.",
        columns=(
            _standard_code(),
            Column("task_code", "string", "The citing task.", "工作任務代碼"),
            Column(item_col, "string", f"The cited {label} item.", "代碼"),
            Column("block_no", "int", "The block whose cell cites it.", "區塊序號"),
            Column("position", "int", "Order of the citation within the cell, from 1.", "順序"),
            *_pages(),
        ),
        primary_key=("standard_code", "task_code", item_col, "block_no"),
        foreign_keys=(
            _to_standard(),
            _fk(("task_code",), "tasks"),
            _fk((item_col,), item_table),
            _fk(("block_no",), "blocks"),
            _fk(("block_no", "task_code"), "block_tasks"),
        ),
    )


TASK_KNOWLEDGE = _task_link("task_knowledge", "knowledge_code", "knowledge", "knowledge")
TASK_SKILLS = _task_link("task_skills", "skill_code", "skills", "skill")

NOTES = Table(
    name="notes",
    grain="One paragraph of 說明與補充事項.",
    description="qualifications = 建議擔任此職類/職業之學歷/經歷/或能力條件; supplementary = "
    "其他補充說明; related_categories = 相關所屬類別; glossary = 【註n】 entries. refers_to names "
    "the K or S item a supplementary paragraph explains.",
    columns=(
        _standard_code(),
        Column("section", "string", "qualifications, supplementary, related_categories (one "
               "entry of a 相關所屬類別 list) or glossary (a 【註n】 entry, wherever it is "
               "printed; several in one paragraph are one note each).", "段落"),
        Column("position", "int", "Order within its section, from 1.", "順序"),
        Column("text", "string", "The paragraph as printed (bullet marker removed; a digit is "
               "never a bullet: 3D列印技術 keeps its 3; a glossary entry keeps its 【註n】).",
               "內容"),
        Column("refers_to", "string", "K or S code whose name is the paragraph's title, else "
               "null.", "對應代碼", nullable=True),
        *_pages(),
    ),
    primary_key=("standard_code", "section", "position"),
    foreign_keys=(_to_standard(),),
)

FINDINGS = Table(
    name="findings",
    grain="One row per validation or extraction finding about an exported document.",
    description="Everything the pipeline noticed, including every split cell it joined, so an "
    "analyst can audit each repair. Codes are stable and kebab-case.",
    columns=(
        _standard_code(),
        Column("finding_no", "int", "Order within the document, from 1 (sorted by page, code, "
               "where).", "序號"),
        Column("code", "string", "Stable kebab-case finding code, e.g. split-cell-joined.",
               "代碼", is_normalized=False),
        Column("severity", "string", "error, warning or info.", "嚴重度", is_normalized=False),
        Column("page", "int", "Page of the original document, when the finding has one.", "頁",
               nullable=True),
        Column("where", "string", "The item or cell concerned, e.g. T1.1:knowledge:K04.", "位置",
               is_normalized=False),
        Column("message", "string", "What was found, in one line.", "說明", is_normalized=False),
    ),
    primary_key=("standard_code", "finding_no"),
    foreign_keys=(_to_standard(),),
)

VERSION_CHANGES = Table(
    name="version_changes",
    grain="One row per added, removed, changed or renumbered item (and per changed field) "
    "between consecutive versions of one standard present in the catalogue.",
    description="Row-level changes between versions. Items are matched by code, or by text "
    "similarity when their code changed (renumbered); see docs/audits.md for the rule.",
    columns=(
        Column("from_code", "string", "The older version's standard_code.", "舊版代碼",
               is_normalized=False),
        Column("to_code", "string", "The newer version's standard_code.", "新版代碼",
               is_normalized=False),
        Column("change_no", "int", "Order within the pair, from 1.", "序號"),
        Column("standard_id", "string", "The standard, e.g. RTM1324-002.", "職能基準編號",
               is_normalized=False),
        Column("entity", "string", "duty, task, output, indicator, knowledge, skill, attitude, "
               "task_knowledge, task_skill, profile, version or note.", "項目類別",
               is_normalized=False),
        Column("key", "string", "The item: its code in the newer version (the older one for "
               "removed items); task/item for links; kind#position for categories and notes.",
               "項目", is_normalized=False),
        Column("name", "string", "The item's name (an indicator's or a note's text, a version "
               "line's standard name, the cited K/S item's name for a link) as the newer "
               "version prints it, the older one's for a removed item, so that a change reads "
               "without looking its code up; null for the standard's own profile fields.",
               "項目名稱", nullable=True, is_normalized=False),
        Column("change", "string", "added, removed, changed or renumbered.", "變更",
               is_normalized=False),
        Column("field", "string", "The changed field (code for renumbered items); null for "
               "added and removed items.", "欄位", nullable=True, is_normalized=False),
        Column("old_value", "string", "Value in the older version.", "舊值", nullable=True,
               is_normalized=False),
        Column("new_value", "string", "Value in the newer version.", "新值", nullable=True,
               is_normalized=False),
    ),
    primary_key=("from_code", "to_code", "change_no"),
    foreign_keys=(
        ForeignKey(("from_code",), "standards", ("standard_code",)),
        ForeignKey(("to_code",), "standards", ("standard_code",)),
    ),
)

TABLES: tuple[Table, ...] = (
    STANDARDS,
    STANDARD_CATEGORIES,
    VERSIONS,
    DUTIES,
    TASKS,
    BLOCKS,
    BLOCK_TASKS,
    OUTPUTS,
    INDICATORS,
    KNOWLEDGE,
    SKILLS,
    ATTITUDES,
    TASK_KNOWLEDGE,
    TASK_SKILLS,
    NOTES,
    FINDINGS,
    VERSION_CHANGES,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


class TablesMismatch(ValueError):
    """A set of tables handed to a writer is not exactly the spec's tables."""


def require_spec_tables(names: object) -> None:
    """Raise unless ``names`` (an iterable of table names) is exactly the spec's tables."""
    given = set(names)  # type: ignore[call-overload]
    expected = set(TABLES_BY_NAME)
    missing, unknown = expected - given, given - expected
    problems = [f"not in the spec: {', '.join(sorted(unknown))}" if unknown else "",
                f"spec tables missing: {', '.join(sorted(missing))}" if missing else ""]
    if missing or unknown:
        raise TablesMismatch("; ".join(p for p in problems if p))
