"""Validate: prove one document's tables consistent before curated/ may change.

Each rule is a pure function ``tables -> findings``. Any error-level finding, from this stage or
an earlier one, marks the document rejected: export then leaves its previous curated rows exactly
as they were. Structural rules (keys, required fields) read ``pipeline.spec``; content rules read
``pipeline.layout``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import regex

from pipeline import headers, layout
from pipeline.order import sort_rows
from pipeline.records import Finding, Row, TableSet
from pipeline.severity import finding
from pipeline.spec import TABLES, TABLES_BY_NAME, Table

Tables = dict[str, list[Row]]


def _key(row: Row, columns: tuple[str, ...]) -> tuple[object, ...]:
    return tuple(row.get(c) for c in columns)


def _label(table: Table, row: Row) -> str:
    return f"{table.name}:" + "/".join(str(row.get(c)) for c in table.primary_key[1:])


def check_primary_keys(tables: Tables) -> list[Finding]:
    findings = []
    for table in TABLES:
        rows = tables.get(table.name, [])
        counts = Counter(_key(r, table.primary_key) for r in rows)
        for row in rows:
            key = _key(row, table.primary_key)
            if any(v is None or v == "" for v in key):
                findings.append(finding("pk-null", row.get("page_start"),
                                        _label(table, row), f"{table.name} key has a null part"))
        for key, n in counts.items():
            if n > 1:
                findings.append(finding("pk-duplicate", None,
                                        f"{table.name}:" + "/".join(map(str, key[1:])),
                                        f"{n} rows share the key {key}"))
    return findings


def check_required_fields(tables: Tables) -> list[Finding]:
    findings = []
    for table in TABLES:
        required = [c.name for c in table.columns if not c.nullable and not c.is_assembled]
        for row in tables.get(table.name, []):
            for col in required:
                if row.get(col) is None or row.get(col) == "":
                    findings.append(finding("required-field-empty", row.get("page_start"),
                                            f"{_label(table, row)}:{col}", f"{col} is empty"))
    return findings


def check_foreign_keys(tables: Tables) -> list[Finding]:
    findings = []
    for table in TABLES:
        for fk in table.foreign_keys:
            targets = {_key(r, fk.ref_columns) for r in tables.get(fk.table, [])}
            for row in tables.get(table.name, []):
                key = _key(row, fk.columns)
                if key not in targets:
                    findings.append(finding(
                        "fk-unresolved", row.get("page_start"), _label(table, row),
                        f"{', '.join(fk.columns[1:]) or 'standard_code'} {key[1:] or key} "
                        f"not found in {fk.table}"))
    return findings


_CODE_COLUMNS: dict[str, tuple[str, str]] = {
    # column → (role whose pattern it must match in full, tables holding it)
    "duty_code": (layout.DUTY, "duties tasks"),
    "task_code": (layout.TASK, "tasks block_tasks outputs indicators task_knowledge task_skills"),
    "output_code": (layout.OUTPUT, "outputs"),
    "indicator_code": (layout.INDICATOR, "indicators"),
    "knowledge_code": (layout.KNOWLEDGE, "knowledge task_knowledge"),
    "skill_code": (layout.SKILL, "skills task_skills"),
}


def check_code_format(tables: Tables) -> list[Finding]:
    findings = []
    for col, (role, names) in _CODE_COLUMNS.items():
        pattern = layout.CODE_PATTERNS[role]
        for name in names.split():
            for row in tables.get(name, []):
                value = row.get(col)
                # No item is numbered 0: a `K0` is a code a wrap or a page break cut.
                if isinstance(value, str) and (not pattern.fullmatch(value)
                                               or value.rsplit(".", 1)[-1].lstrip("TOPKS")
                                               .strip("0") == ""):
                    findings.append(finding("malformed-code", row.get("page_start"),
                                            f"{name}:{value}", f"{col} {value!r} is malformed"))
    for row in tables.get("attitudes", []):
        value = row.get("attitude_code")
        if value is not None and not layout.ATTITUDE_CODE.fullmatch(value):
            findings.append(finding("malformed-code", row.get("page_start"),
                                    f"attitudes:{value}", f"attitude_code {value!r} is malformed"))
    return findings


def _numbers(code: str) -> tuple[int, ...]:
    return tuple(int(n) for n in regex.findall(r"\d+", code))


def check_code_parents(tables: Tables) -> list[Finding]:
    """T1.3 under T1, P1.3.2 and O1.3.1 under T1.3."""
    findings = []
    checks = (
        ("tasks", "task_code", "duty_code", 1),
        ("indicators", "indicator_code", "task_code", 2),
        ("outputs", "output_code", "task_code", 2),
    )
    for name, col, parent_col, depth in checks:
        for row in tables.get(name, []):
            code, parent = row.get(col), row.get(parent_col)
            if not (isinstance(code, str) and isinstance(parent, str)):
                continue
            if _numbers(code)[:depth] != _numbers(parent)[:depth]:
                findings.append(finding("code-parent-mismatch", row.get("page_start"),
                                        f"{name}:{code}", f"{code} is listed under {parent}"))
    return findings


def _sequence_findings(name: str, codes: list[str], page_of: dict[str, int | None],
                       ) -> list[Finding]:
    numbers = [_numbers(c)[-1] for c in codes]
    findings = []
    repeated = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if repeated:
        findings.append(finding("numbering-duplicate", page_of.get(codes[0]), name,
                                f"{', '.join(codes)}: number(s) {repeated} printed twice"))
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if missing:
        findings.append(finding("numbering-gap", page_of.get(codes[0]), name,
                                f"{', '.join(codes)}: number(s) {missing} missing"))
    elif not repeated and numbers != sorted(numbers):
        findings.append(finding("numbering-order", page_of.get(codes[0]), name,
                                f"codes printed out of order: {', '.join(codes)}"))
    return findings


def check_numbering(tables: Tables) -> list[Finding]:
    """Sibling codes numbered 1…n in printed order: a repeated number is an error (K1 and K02
    are different keys but the same item number), a gap or disorder a warning."""
    groups: list[tuple[str, list[str], dict[str, int | None]]] = []

    def add(name: str, rows: list[Row], col: str, parent: str | None) -> None:
        by_parent: dict[object, list[str]] = {}
        pages: dict[str, int | None] = {}
        for row in rows:
            key = row.get(parent) if parent else None
            code = row[col]
            if isinstance(code, str) and code.count(".") == 3:
                # A fourth number (P1.2.1.1) counts among the codes of its third (P1.2.1.*).
                key = code.rsplit(".", 1)[0]
            by_parent.setdefault(key, []).append(code)
            pages[code] = row.get("page_start")
        for key, codes in by_parent.items():
            label = f"{name} under {key}" if key else name
            groups.append((label, codes, pages))

    add("duties", tables.get("duties", []), "duty_code", None)
    add("tasks", tables.get("tasks", []), "task_code", "duty_code")
    add("indicators", tables.get("indicators", []), "indicator_code", "task_code")
    add("outputs", tables.get("outputs", []), "output_code", "task_code")
    add("knowledge", tables.get("knowledge", []), "knowledge_code", None)
    add("skills", tables.get("skills", []), "skill_code", None)
    coded = [r for r in tables.get("attitudes", []) if r.get("attitude_code")]
    add("attitudes", coded, "attitude_code", None)
    findings = []
    for label, codes, pages in groups:
        findings += _sequence_findings(label, [c for c in codes if isinstance(c, str)], pages)
    return findings


def check_item_names(tables: Tables) -> list[Finding]:
    """Every printing of a K or S item carries the same name as its definition."""
    names = {
        **{("knowledge", r["knowledge_code"]): r["name"] for r in tables.get("knowledge", [])},
        **{("skill", r["skill_code"]): r["name"] for r in tables.get("skills", [])},
    }
    findings = []
    for p in tables.get("_printings", []):
        defined = names.get((p["kind"], p["code"]))
        if defined is not None and p["name"] != defined:
            findings.append(finding(
                "item-name-mismatch", p.get("page_start"),
                f"{p['task_code']}:{p['kind']}:{p['code']}",
                f"{p['code']} printed as {p['name']!r}, elsewhere {defined!r}"))
    return findings


def check_blocks_complete(tables: Tables) -> list[Finding]:
    """Every block states indicators (else a lost cell would pass unseen), knowledge and skills."""
    findings = []
    has: dict[str, set[object]] = {
        name: {r["block_no"] for r in tables.get(name, [])}
        for name in ("indicators", "task_knowledge", "task_skills")
    }
    for block in tables.get("blocks", []):
        number, page = block["block_no"], block.get("page_start")
        if number not in has["indicators"]:
            findings.append(finding("block-without-indicators", page, f"block {number}",
                                    "a block with no behaviour indicator (行為指標)"))
        for name, code, label in (("task_knowledge", "block-without-knowledge", "knowledge (K)"),
                                  ("task_skills", "block-without-skills", "skill (S)")):
            if number not in has[name]:
                findings.append(finding(code, page, f"block {number}",
                                        f"a block that cites no {label} item"))
    return findings


def check_levels(tables: Tables) -> list[Finding]:
    findings = []
    for name in ("standards", "tasks", "blocks"):
        for row in tables.get(name, []):
            level = row.get("level")
            if level is not None and not 1 <= level <= 7:
                findings.append(finding("level-out-of-range", row.get("page_start"),
                                        _label(next(t for t in TABLES if t.name == name), row),
                                        f"level {level} is outside 1–7"))
    return findings


def check_version_table(tables: Tables) -> list[Finding]:
    """The document's own code is listed with its version, and every 已被《X》取代 names a row."""
    standards = tables.get("standards", [])
    versions = tables.get("versions", [])
    if not standards:
        return []
    standard = standards[0]
    code = standard["standard_code"]
    findings = []
    own = [v for v in versions if v["listed_code"] == code]
    if not own:
        findings.append(finding("version-table-inconsistent", 1, "versions",
                                f"the version table does not list the document's own code {code}"))
    for v in own:
        if v["version_label"] != f"V{standard['version']}":
            findings.append(finding("version-table-inconsistent", v["page_start"],
                                    f"versions:{v['position']}",
                                    f"{code} is listed as {v['version_label']}"))
    listed = {v["listed_code"] for v in versions}
    for v in versions:
        match = layout.SUPERSEDED_NOTE.search(v.get("note") or "")
        if match and match.group("code") not in listed:
            findings.append(finding("version-table-inconsistent", v["page_start"],
                                    f"versions:{v['position']}",
                                    f"{v['listed_code']} superseded by unlisted "
                                    f"{match.group('code')}"))
        label = layout.VERSION_LABEL.fullmatch(v["version_label"])
        suffix = layout.STANDARD_CODE.fullmatch(v["listed_code"])
        if label and suffix and label.group(1) != suffix.group("version"):
            findings.append(finding("version-table-inconsistent", v["page_start"],
                                    f"versions:{v['position']}",
                                    f"{v['version_label']} lists {v['listed_code']}"))
    return findings


def check_layout_residue(tables: Tables) -> list[Finding]:
    """No page footer, `<p>` tag or leaked header row in any curated text field."""
    findings = []
    for table in TABLES:
        text_cols = [c.name for c in table.columns if c.dtype == "string" and c.is_normalized]
        for row in tables.get(table.name, []):
            for col in text_cols:
                value = row.get(col)
                if not isinstance(value, str):
                    continue
                if headers.leaked_layout(value):
                    findings.append(finding("layout-residue", row.get("page_start"),
                                            f"{_label(table, row)}:{col}",
                                            f"page furniture or header text in {value[:40]!r}"))
    return findings


# The most a spreadsheet cell holds (Excel); a longer text would be cut in curated/icap.xlsx.
MAX_TEXT_LENGTH = 32767


def _texts(tables: Tables) -> Iterator[tuple[Table, Row, str, str]]:
    """Every text field of the tables: (table, row, column, value)."""
    for table in TABLES:
        text_cols = [c.name for c in table.columns if c.dtype == "string"]
        for row in tables.get(table.name, []):
            for col in text_cols:
                value = row.get(col)
                if isinstance(value, str):
                    yield table, row, col, value


def check_text_length(tables: Tables) -> list[Finding]:
    """No text field longer than a spreadsheet cell holds (a sign of run-together cells, too)."""
    return [finding("text-too-long", row.get("page_start"), f"{_label(table, row)}:{col}",
                    f"{len(value)} characters, more than a spreadsheet cell holds "
                    f"({MAX_TEXT_LENGTH})")
            for table, row, col, value in _texts(tables) if len(value) > MAX_TEXT_LENGTH]


# Characters some writer refuses: XML 1.0 (the workbook) holds no C0 control but tab and line
# breaks and not U+FFFE or U+FFFF; UTF-8 (CSV, SQLite, Parquet) holds no lone surrogate. The
# text policy removes the controls already; the rest come from a font's ToUnicode map gone
# wrong, so the reading is in doubt. Here rather than in the text policy because they are a
# reason to reject, not text to mend; pipeline.workbook checks with the same pattern as it
# writes.
UNWRITABLE_CHARACTER = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def check_characters(tables: Tables) -> list[Finding]:
    """No text field holds a character some writer refuses (a broken glyph mapping)."""
    return [finding("unwritable-character", row.get("page_start"), f"{_label(table, row)}:{col}",
                    f"U+{ord(bad.group()):04X} at character {bad.start() + 1}: a character the "
                    "tables cannot hold, so the font's mapping to Unicode is in doubt")
            for table, row, col, value in _texts(tables)
            if (bad := UNWRITABLE_CHARACTER.search(value)) is not None]


RULES: tuple[Callable[[Tables], list[Finding]], ...] = (
    check_primary_keys,
    check_required_fields,
    check_foreign_keys,
    check_code_format,
    check_code_parents,
    check_numbering,
    check_item_names,
    check_blocks_complete,
    check_levels,
    check_version_table,
    check_layout_residue,
    check_text_length,
    check_characters,
)


def validate_tables(tables: Tables) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(tables)
    return findings


def validate_document(doc: TableSet) -> TableSet:
    """All rules; the document is rejected when any finding so far is an error.

    The result holds the curated tables only, each in the catalogue's row order (see
    pipeline.order): the stages' internal tables (``_printings``,
    every printing of a K/S item, which the rules above check) end here, in normalize.json.
    validate.json is what export reads for every document on every run, and they were a third
    of it.
    """
    findings = (*doc.findings, *validate_tables(doc.tables))
    rejected = doc.is_rejected or any(f.severity == "error" for f in findings)
    curated = {name: sort_rows(TABLES_BY_NAME[name], rows) if name in TABLES_BY_NAME else rows
               for name, rows in doc.tables.items() if not name.startswith("_")}
    return TableSet(doc.source, curated, findings, rejected)
