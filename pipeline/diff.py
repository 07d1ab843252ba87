"""Diff: did the pipeline itself change any extracted value? (like PUDL's pudl_diff)

Compares two curated/ folders table by table: schema (columns added, removed or retyped), row
counts, and rows added, removed or changed by primary key, each changed field with its old and
new value, keys in natural order (T1.2 before T1.10). Findings and version changes are matched by
content, not by their running number (one new finding renumbers every later one: by number it
read as one addition and a dozen changes). The baseline defaults to the curated/ committed at git
HEAD, so `make diff` after a code change shows exactly what the change did.

Differences are what the command reports, not a failure: it exits 0 whether or not the tables
differ, 1 only when asked to fail on a difference (``--fail-on-change``, for CI), 2 when the
baseline cannot be read. The report is written as Markdown and as a web page beside it.
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import report_html
from pipeline.order import natural_key
from pipeline.spec import TABLES, Table

# Where the repository commits its curated tables (the default baseline).
COMMITTED_CURATED = "curated"

# Tables whose primary key ends in a running number (their rows' order within a document): the
# number, and the columns that name a row once it is left out. Rows with the same content are
# the same row whatever their number; rows naming the same thing with other values are changed.
RUNNING_NUMBERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "findings": ("finding_no", ("code", "where")),
    "version_changes": ("change_no", ("entity", "key", "change", "field")),
}
# The column shown beside a key to say what the row is, by preference.
LABEL_COLUMNS = ("name", "text", "message")

Key = tuple[Any, ...]


class BaselineUnavailable(Exception):
    """The baseline could not be read (no such folder, not a git checkout, …)."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class TableDiff:
    table: str
    schema_changes: list[str] = field(default_factory=list)
    base_rows: int = 0
    new_rows: int = 0
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    changed: list[tuple[Key, list[FieldChange]]] = field(default_factory=list)
    # What each added, removed or changed row is (its name, text or message), by key.
    labels: dict[Key, Any] = field(default_factory=dict)

    @property
    def is_identical(self) -> bool:
        return not (self.schema_changes or self.added or self.removed or self.changed)


def _schema_changes(base: pa.Schema, new: pa.Schema) -> list[str]:
    out = []
    base_types = {f.name: f.type for f in base}
    new_types = {f.name: f.type for f in new}
    out += [f"column {n} added ({new_types[n]})" for n in new.names if n not in base_types]
    out += [f"column {n} removed" for n in base.names if n not in new_types]
    out += [f"column {n}: {base_types[n]} → {new_types[n]}" for n in new.names
            if n in base_types and base_types[n] != new_types[n]]
    return out


def _natural(key: Key) -> list[Any]:
    return [natural_key(v) for v in key]


def _label(row: dict[str, Any]) -> Any:
    return next((row[c] for c in LABEL_COLUMNS if row.get(c) is not None), None)


def _field_changes(columns: list[str], old: dict[str, Any], new: dict[str, Any],
                   ignored: str | None = None) -> list[FieldChange]:
    return [FieldChange(c, old[c], new[c]) for c in columns
            if c != ignored and c in old and c in new and old[c] != new[c]]


def _pair_by_key(spec: Table, before_rows: list[dict[str, Any]], after_rows: list[dict[str, Any]],
                 result: TableDiff) -> None:
    def keyed(rows: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
        return {tuple(r.get(c) for c in spec.primary_key): r for r in rows}

    before, after = keyed(before_rows), keyed(after_rows)
    result.added = sorted(after.keys() - before.keys(), key=_natural)
    result.removed = sorted(before.keys() - after.keys(), key=_natural)
    for key in sorted(before.keys() & after.keys(), key=_natural):
        fields = _field_changes(spec.column_names, before[key], after[key])
        if fields:
            result.changed.append((key, fields))
    for key in result.added:
        result.labels[key] = _label(after[key])
    for key in [*result.removed, *(k for k, _f in result.changed)]:
        result.labels[key] = _label(after.get(key, before[key]))


def _pair_by_content(spec: Table, before_rows: list[dict[str, Any]],
                     after_rows: list[dict[str, Any]], result: TableDiff) -> None:
    """Rows of a table keyed by a running number, matched by what they say (see
    RUNNING_NUMBERS); a row is named by its key without the number and its naming columns."""
    number, naming = RUNNING_NUMBERS[spec.name]
    named_by = [c for c in spec.primary_key if c != number] + list(naming)

    def content(row: dict[str, Any]) -> Key:
        return tuple(row.get(c) for c in spec.column_names if c != number)

    unmatched = Counter(content(r) for r in before_rows)
    unmatched.subtract(Counter(content(r) for r in after_rows))
    old_left: dict[Key, list[dict[str, Any]]] = {}
    new_left: dict[Key, list[dict[str, Any]]] = {}
    for rows, left, sign in ((before_rows, old_left, 1), (after_rows, new_left, -1)):
        for row in rows:
            if unmatched[content(row)] * sign > 0:
                unmatched[content(row)] -= sign
                left.setdefault(tuple(row.get(c) for c in named_by), []).append(row)
    for key in sorted(old_left.keys() | new_left.keys(), key=_natural):
        olds, news = old_left.get(key, []), new_left.get(key, [])
        for old, new in zip(olds, news, strict=False):
            result.changed.append((key, _field_changes(spec.column_names, old, new, number)))
            result.labels[key] = _label(new)
        for old in olds[len(news):]:
            result.removed.append(key)
            result.labels[key] = _label(old)
        for new in news[len(olds):]:
            result.added.append(key)
            result.labels[key] = _label(new)


def diff_table(spec: Table, base: pa.Table | None, new: pa.Table | None) -> TableDiff:
    """Compare one table, by its primary key (by content for RUNNING_NUMBERS' tables); either
    side may be missing."""
    result = TableDiff(spec.name)
    if base is None and new is None:
        return result
    if base is None or new is None:
        result.schema_changes.append("table added" if base is None else "table removed")
    else:
        result.schema_changes += _schema_changes(base.schema, new.schema)
    base_rows = base.to_pylist() if base is not None else []
    new_rows = new.to_pylist() if new is not None else []
    result.base_rows, result.new_rows = len(base_rows), len(new_rows)
    if spec.name in RUNNING_NUMBERS:
        _pair_by_content(spec, base_rows, new_rows, result)
    else:
        _pair_by_key(spec, base_rows, new_rows, result)
    return result


def _read(folder: Path, name: str) -> pa.Table | None:
    path = folder / f"{name}.parquet"
    return pq.read_table(path) if path.exists() else None


def diff_catalogues(base: Path, new: Path) -> list[TableDiff]:
    if not base.is_dir():
        raise BaselineUnavailable(f"baseline folder {base} does not exist")
    if not new.is_dir():
        raise BaselineUnavailable(f"curated folder {new} does not exist")
    return [diff_table(t, _read(base, t.name), _read(new, t.name)) for t in TABLES]


def checkout_baseline(revision: str, into: Path) -> Path:
    """The Parquet files of the repository's own curated/ as committed at ``revision``, copied
    into ``into``. The repository is the git checkout the command runs in (make runs it from
    the repository's root), whatever folder was built: `make diff CURATED=../elsewhere`
    compares that build with the committed tables."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        raise BaselineUnavailable("not inside a git checkout: give a baseline folder "
                                  "(--base, make diff BASE=dir)") from exc
    for table in TABLES:
        shown = subprocess.run(
            ["git", "-C", top, "show", f"{revision}:{COMMITTED_CURATED}/{table.name}.parquet"],
            capture_output=True, check=False)
        if shown.returncode == 0:
            (into / f"{table.name}.parquet").write_bytes(shown.stdout)
    if not any(into.iterdir()):
        raise BaselineUnavailable(f"no curated tables under {COMMITTED_CURATED}/ at {revision}")
    return into


def _key_text(key: Key) -> str:
    return " / ".join(str(k) for k in key)


def _changes(d: TableDiff) -> list[tuple[str, Key, FieldChange | None]]:
    """Every line of a table's section: (change, key, the field change or None), keys in
    natural order, a changed row once per changed field."""
    lines: list[tuple[str, Key, FieldChange | None]] = []
    lines += [("removed", k, None) for k in d.removed]
    lines += [("added", k, None) for k in d.added]
    lines += [("changed", k, f) for k, fields in d.changed for f in fields]
    order = {"removed": 0, "added": 1, "changed": 2}
    return sorted(lines, key=lambda line: (_natural(line[1]), order[line[0]]))


def _value(value: Any) -> str:
    """A value as the CSV files show it (true/false, ISO dates, empty for null)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _md(value: Any) -> str:
    return _value(value).replace("|", "\\|").replace("\n", " ")


def _counts_row(d: TableDiff) -> list[Any]:
    return [d.table, d.base_rows, d.new_rows, len(d.added), len(d.removed), len(d.changed),
            "; ".join(d.schema_changes)]


_COUNT_HEADERS = ["table", "base rows", "new rows", "added", "removed", "changed", "schema"]
_CHANGE_HEADERS = ["change", "key", "name", "field", "old", "new"]


def render_report(diffs: list[TableDiff], base: str, new: str) -> str:
    """The Markdown report: counts per table, then each table's changes, every changed field
    with its old and new value."""
    lines = [f"# Extraction diff: {new} against {base}", "",
             "| " + " | ".join(_COUNT_HEADERS) + " |", "| --- |" + " ---: |" * 5 + " --- |"]
    lines += ["| " + " | ".join(_md(v) for v in _counts_row(d)) + " |" for d in diffs]
    for d in diffs:
        if d.is_identical:
            continue
        lines += ["", f"## {d.table}", ""]
        lines += [f"- schema: {c}" for c in d.schema_changes]
        if d.added or d.removed or d.changed:
            lines += ["| " + " | ".join(_CHANGE_HEADERS) + " |", "|" + " --- |" * 6]
        for change, key, f in _changes(d):
            old, new_value = (f.old, f.new) if f else (None, None)
            lines.append(f"| {change} | {_md(_key_text(key))} | {_md(d.labels.get(key))} | "
                         f"{_md(f.field if f else None)} | {_md(old)} | {_md(new_value)} |")
    return "\n".join(lines) + "\n"


def render_html(diffs: list[TableDiff], base: str, new: str) -> str:
    """The same report as a web page, each changed value highlighted where it changed."""
    body = ["<table>", report_html.header_row(_COUNT_HEADERS)]
    for d in diffs:
        values = _counts_row(d)
        body.append("<tr>" + report_html.cell(values[0])
                    + "".join(report_html.cell(v, "n") for v in values[1:6])
                    + report_html.cell(values[6]) + "</tr>")
    body.append("</table>")
    for d in diffs:
        if d.is_identical:
            continue
        body.append(f"<h2>{d.table}</h2>")
        body += [f"<p>schema: {html.escape(c)}</p>" for c in d.schema_changes]
        if not (d.added or d.removed or d.changed):
            continue
        body += ["<table>", report_html.header_row(_CHANGE_HEADERS)]
        for change, key, f in _changes(d):
            old, new_html = report_html.marked_pair(_value(f.old), _value(f.new)) if f else (
                "", "")
            body.append(f'<tr class="{change}">' + report_html.cell(change)
                        + report_html.cell(_key_text(key), "code")
                        + report_html.cell(d.labels.get(key), "text")
                        + report_html.cell(f.field if f else None)
                        + f"<td>{old}</td><td>{new_html}</td></tr>")
        body.append("</table>")
    return report_html.page(f"Extraction diff: {new} against {base}", body)


def summary(diffs: list[TableDiff]) -> str:
    different = [d for d in diffs if not d.is_identical]
    if not different:
        return "identical: every curated table matches the baseline"
    parts = [f"{d.table}: +{len(d.added)} -{len(d.removed)} ~{len(d.changed)}"
             + (" (schema changed)" if d.schema_changes else "") for d in different]
    return f"{len(different)} table(s) differ — " + ", ".join(parts)


def run_diff(new: Path, base: Path | None, revision: str, report: Path | None,
             fail_on_change: bool = False) -> int:
    """The `diff` command: 0 whether or not the tables differ (1 when they do and
    ``fail_on_change``), 2 when the baseline could not be read. ``report``: the Markdown
    report's path; the web page goes beside it (.html)."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            base_dir = base if base is not None else checkout_baseline(revision, Path(tmp))
            diffs = diff_catalogues(base_dir, new)
        except BaselineUnavailable as exc:
            print(f"ERROR diff: {exc}")
            return 2
    label = str(base) if base is not None else f"git {revision}"
    written = ""
    if report is not None:
        page = report.with_suffix(".html")
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(render_report(diffs, label, str(new)), encoding="utf-8")
        page.write_text(render_html(diffs, label, str(new)), encoding="utf-8")
        written = f" (report: {report}, {page})"
    print(summary(diffs) + written)
    different = not all(d.is_identical for d in diffs)
    return 1 if different and fail_on_change else 0
