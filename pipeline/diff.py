"""Diff: did the pipeline itself change any extracted value? (like PUDL's pudl_diff)

Compares two curated/ folders table by table: schema (columns added, removed or retyped), row
counts, and rows added, removed or changed by primary key with the fields that changed. Exit
status follows ``diff``: 0 identical, 1 different, 2 trouble. The baseline defaults to the curated/
committed at git HEAD, so `make diff` after a code change shows exactly what the change did.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.spec import TABLES, Table

# Where the repository commits its curated tables (the default baseline).
COMMITTED_CURATED = "curated"


class BaselineUnavailable(Exception):
    """The baseline could not be read (no such folder, not a git checkout, …)."""


@dataclass
class TableDiff:
    table: str
    schema_changes: list[str] = field(default_factory=list)
    base_rows: int = 0
    new_rows: int = 0
    added: list[tuple[Any, ...]] = field(default_factory=list)
    removed: list[tuple[Any, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[Any, ...], list[str]]] = field(default_factory=list)

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


def diff_table(spec: Table, base: pa.Table | None, new: pa.Table | None) -> TableDiff:
    """Compare one table by its primary key; either side may be missing."""
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
    key_cols = spec.primary_key

    def keyed(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {tuple(r.get(c) for c in key_cols): r for r in rows}

    before, after = keyed(base_rows), keyed(new_rows)
    result.added = sorted(after.keys() - before.keys(), key=repr)
    result.removed = sorted(before.keys() - after.keys(), key=repr)
    for key in sorted(before.keys() & after.keys(), key=repr):
        fields = [c for c in spec.column_names
                  if c in before[key] and c in after[key] and before[key][c] != after[key][c]]
        if fields:
            result.changed.append((key, fields))
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
    the repository's root), whatever folder was built: `make diff CURATED=/tmp/x` compares that
    build with the committed tables."""
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


def _key_text(key: tuple[Any, ...]) -> str:
    return " / ".join(str(k) for k in key)


def render_report(diffs: list[TableDiff], base: str, new: str) -> str:
    lines = [f"# Extraction diff: {new} against {base}", "",
             "| table | base rows | new rows | added | removed | changed | schema |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for d in diffs:
        lines.append(f"| {d.table} | {d.base_rows} | {d.new_rows} | {len(d.added)} | "
                     f"{len(d.removed)} | {len(d.changed)} | {'; '.join(d.schema_changes)} |")
    for d in diffs:
        if d.is_identical:
            continue
        lines += ["", f"## {d.table}", ""]
        lines += [f"- schema: {c}" for c in d.schema_changes]
        lines += [f"- added: {_key_text(k)}" for k in d.added]
        lines += [f"- removed: {_key_text(k)}" for k in d.removed]
        lines += [f"- changed: {_key_text(k)} ({', '.join(f)})" for k, f in d.changed]
    return "\n".join(lines) + "\n"


def summary(diffs: list[TableDiff]) -> str:
    different = [d for d in diffs if not d.is_identical]
    if not different:
        return "identical: every curated table matches the baseline"
    parts = [f"{d.table}: +{len(d.added)} -{len(d.removed)} ~{len(d.changed)}"
             + (" (schema changed)" if d.schema_changes else "") for d in different]
    return f"{len(different)} table(s) differ — " + ", ".join(parts)


def run_diff(new: Path, base: Path | None, revision: str, report: Path | None) -> int:
    """The `diff` command: 0 identical, 1 different, 2 the baseline could not be read."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            base_dir = base if base is not None else checkout_baseline(revision, Path(tmp))
            diffs = diff_catalogues(base_dir, new)
        except BaselineUnavailable as exc:
            print(f"ERROR diff: {exc}")
            return 2
        label = str(base) if base is not None else f"git {revision}"
        if report is not None:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(render_report(diffs, label, str(new)), encoding="utf-8")
    print(summary(diffs) + (f" (report: {report})" if report is not None else ""))
    return 0 if all(d.is_identical for d in diffs) else 1
