"""What changed between two versions of a standard, as a report an analyst reads: Markdown and a
self-contained HTML page per version pair (curated/reports/<old>__<new>.md and .html).

The rows are those of curated/version_changes for the pair. Every change shows its code, the
item's name and, for a changed field, the old and the new text; a renumbered item shows both
codes (``S13 → S12``), so it cannot be mistaken for the removed item that had its new code.
Items come grouped by kind, in the order of the catalogue (profile first, notes last), codes in
natural order within a kind.
"""

from __future__ import annotations

from collections import Counter

from pipeline import report_html
from pipeline.records import Row

# The order of the sections: the standard's own fields first, then the main table, K/S/A, links
# and notes (the order compare_versions produces them in).
ENTITY_ORDER = ("profile", "version", "duty", "task", "output", "indicator", "knowledge",
                "skill", "attitude", "task_knowledge", "task_skill", "note")
CHANGE_ORDER = ("added", "removed", "changed", "renumbered")


def _code(change: Row) -> str:
    """The item's code as the report shows it: both codes for a renumbering."""
    if change["change"] == "renumbered":
        return f"{change['old_value']} → {change['new_value']}"
    return str(change["key"])


def _by_entity(changes: list[Row]) -> list[tuple[str, list[Row]]]:
    entities = sorted({c["entity"] for c in changes},
                      key=lambda e: (ENTITY_ORDER.index(e) if e in ENTITY_ORDER else 99, e))
    ordered = sorted(changes, key=lambda c: c["change_no"])
    return [(e, [c for c in ordered if c["entity"] == e]) for e in entities]


def _counts(changes: list[Row]) -> list[tuple[str, list[int]]]:
    counted = Counter((c["entity"], c["change"]) for c in changes)
    return [(entity, [counted[(entity, kind)] for kind in CHANGE_ORDER])
            for entity, _rows in _by_entity(changes)]


def _title(changes: list[Row]) -> str:
    first = changes[0]
    return f"{first['standard_id']}: {first['from_code']} → {first['to_code']}"


def _md(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(changes: list[Row]) -> str:
    """The Markdown report of one version pair: counts per kind, then every change."""
    if not changes:
        return ""
    lines = [f"# {_title(changes)}", "", f"{len(changes)} change(s).", "",
             "| item | " + " | ".join(CHANGE_ORDER) + " |",
             "| --- |" + " ---: |" * len(CHANGE_ORDER)]
    lines += [f"| {entity} | " + " | ".join(str(n) for n in numbers) + " |"
              for entity, numbers in _counts(changes)]
    for entity, rows in _by_entity(changes):
        lines += ["", f"## {entity}", "", "| change | code | name | field | old | new |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for c in rows:
            field = "" if c["change"] == "renumbered" else _md(c["field"])
            old, new = ("", "") if c["change"] == "renumbered" else (c["old_value"],
                                                                    c["new_value"])
            lines.append(f"| {c['change']} | {_md(_code(c))} | {_md(c['name'])} | {field} | "
                         f"{_md(old)} | {_md(new)} |")
    return "\n".join(lines) + "\n"


def render_html(changes: list[Row]) -> str:
    """The same report as a web page, each changed text highlighted where it changed."""
    if not changes:
        return ""
    body = [f"<p>{len(changes)} change(s).</p>", "<table>",
            report_html.header_row(["item", *CHANGE_ORDER])]
    for entity, numbers in _counts(changes):
        body.append("<tr>" + report_html.cell(entity)
                    + "".join(report_html.cell(n or "", "n") for n in numbers) + "</tr>")
    body.append("</table>")
    for entity, rows in _by_entity(changes):
        body += [f"<h2>{entity}</h2>", "<table>",
                 report_html.header_row(["change", "code", "name", "field", "old", "new"])]
        for c in rows:
            if c["change"] == "changed":
                old, new = report_html.marked_pair(c["old_value"], c["new_value"])
                field = report_html.cell(c["field"])
            else:
                old = new = ""
                field = report_html.cell(None)
            body.append(f'<tr class="{c["change"]}">' + report_html.cell(c["change"])
                        + report_html.cell(_code(c), "code") + report_html.cell(c["name"], "text")
                        + field + f"<td>{old}</td><td>{new}</td></tr>")
        body.append("</table>")
    return report_html.page(_title(changes), body)
