"""The data dictionary and the Frictionless Data Package, both generated from ``pipeline.spec``.

Kept apart from export so the docs can be regenerated (``make docs``) without building any data,
and so a test can prove the committed ``docs/data-dictionary.md`` matches the spec.
"""

from __future__ import annotations

from typing import Any

from pipeline.severity import POLICY, Rule
from pipeline.spec import TABLES, Table

FRICTIONLESS_TYPES = {"string": "string", "int": "integer", "bool": "boolean", "date": "date"}


def render_data_dictionary(tables: tuple[Table, ...] = TABLES) -> str:
    """Markdown, one section per table, in the spec's order."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/spec.py` by `make docs`; do not edit by hand.",
        "",
        "Every table is written as `curated/<table>.parquet` and `curated/<table>.csv` (UTF-8, LF, "
        "header row, empty field for null, booleans `true`/`false`, dates `YYYY-MM-DD`), rows "
        "sorted by primary key with codes in natural order (T1.2 before T1.10).",
        "",
    ]
    for table in tables:
        lines += [
            f"## `{table.name}`",
            "",
            table.description,
            "",
            f"- Grain: {table.grain}",
            f"- Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}",
        ]
        for fk in table.foreign_keys:
            cols = ", ".join(f"`{c}`" for c in fk.columns)
            refs = ", ".join(f"`{c}`" for c in fk.ref_columns)
            lines.append(f"- Foreign key: ({cols}) → `{fk.table}` ({refs})")
        lines += [
            "",
            "| column | type | null | 中文 | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for col in table.columns:
            null = "yes" if col.nullable else "no"
            lines.append(
                f"| `{col.name}` | {col.dtype} | {null} | {col.label_zh} | {col.description} |"
            )
        lines.append("")
    return "\n".join(lines)


def build_datapackage(tables: tuple[Table, ...] = TABLES) -> dict[str, Any]:
    """A Frictionless Data Package v2 descriptor for the CSV files in curated/."""
    resources = []
    for table in tables:
        fields = []
        for col in table.columns:
            field: dict[str, Any] = {
                "name": col.name,
                "type": FRICTIONLESS_TYPES[col.dtype],
                "title": col.label_zh,
                "description": col.description,
                "constraints": {"required": not col.nullable},
            }
            if col.dtype == "bool":
                field["trueValues"] = ["true"]
                field["falseValues"] = ["false"]
            fields.append(field)
        schema: dict[str, Any] = {
            "fields": fields,
            "primaryKey": list(table.primary_key),
            "missingValues": [""],
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.columns),
                    "reference": {"resource": fk.table, "fields": list(fk.ref_columns)},
                }
                for fk in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": f"{table.description} Grain: {table.grain}",
                "schema": schema,
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "icap-competency-standards",
        "title": "iCAP occupational competency standards (職能基準)",
        "description": "Curated tables extracted from the Ministry of Labor's iCAP competency "
        "standards. See docs/data-dictionary.md.",
        "resources": resources,
    }


def render_findings(policy: dict[str, Rule] = POLICY) -> str:
    """docs/findings.md: every finding code with its severity, what it means and what to do,
    from the one severity policy (``pipeline.severity``)."""
    lines = [
        "# Findings",
        "",
        "<!-- Generated from pipeline/severity.py by `make docs`; do not edit by hand. -->",
        "",
        "Every finding is a row of `curated/findings` (and, for a rejected document, of",
        "`interim/<file>/validate.json`). The severity policy, held in one place",
        "(`pipeline/severity.py`):",
        "",
        "- **error** only where the exported tables could be wrong: a cell that cannot be placed,",
        "  text left uncovered, a code that reads two ways, tables that contradict themselves. One",
        "  error rejects the document; curated/ keeps its previous rows.",
        "- **warning** where the source is unusual but the reading is certain, or the likely",
        "  reading is taken and the other one named. A warning never rejects a document.",
        "- **info** for a repair whose result is certain, listed so that every repair can be",
        "  audited.",
        "",
    ]
    for severity in ("error", "warning", "info"):
        lines += [f"## {severity.capitalize()}s", "", "| code | what it means | what to do |",
                  "| --- | --- | --- |"]
        for code, rule in sorted(policy.items()):
            if rule.severity == severity:
                lines.append(f"| `{code}` | {rule.meaning} | {rule.action} |")
            elif rule.as_warning and severity == "warning":
                lines.append(f"| `{code}` | {rule.as_warning} | |")
        lines.append("")
    return "\n".join(lines)
