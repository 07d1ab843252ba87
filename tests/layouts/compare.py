"""One rendered document through every pipeline stage, compared field by field with its truth.

A difference in a document the pipeline did not reject is *flagged* when a warning or error
finding names it — its table, key and column (``latin-wrap-joined``), or the row itself (a code
such as ``P1.2.1``, ``block 3``, ``duty T1``, the section, or the start of the printed text) —
and *silently wrong* otherwise: a value exported wrong with nothing to tell an analyst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.layouts.truth import KEYS, LayoutTruth, key_label

SECTION_WORDS = {"standards": ("profile", "title", "document"), "versions": ("versions",),
                 "standard_categories": ("profile", "categories"), "attitudes": ("attitudes",),
                 "notes": ("notes",)}
PRIMARY = {**KEYS, "standards": ("standard_code",)}


@dataclass(frozen=True)
class Diff:
    table: str
    key: str
    column: str | None  # None: a missing or unexpected row
    got: Any
    expected: Any


@dataclass
class Outcome:
    """What happened to one document: rejected (and why), or each field compared."""

    name: str
    source: str
    params: dict[str, Any]
    rejected: bool = False
    errors: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    compared: dict[str, int] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    unknown_pages: int = 0
    silent: list[Diff] = field(default_factory=list)
    flagged: list[Diff] = field(default_factory=list)
    # Values that differ only by a space next to a CJK character that a line wrap swallowed: a
    # page does not show a space at a line's end, so no reader can restore it.
    wrap_spaces: list[Diff] = field(default_factory=list)
    failure: str | None = None  # the renderer or the pipeline raised

    @property
    def is_exact(self) -> bool:
        return (self.failure is None and not self.rejected and not self.silent
                and not self.flagged)


def run_stages(path: Path) -> Any:
    """extract → stitch → parse → normalize → validate, in process (as the round trip does)."""
    from pipeline.extract import extract_file
    from pipeline.normalize import normalize_tables
    from pipeline.parse import parse_document
    from pipeline.stitch import stitch_document
    from pipeline.validate import validate_document

    return validate_document(normalize_tables(parse_document(stitch_document(
        extract_file(path)))))


def _names(finding: Any, diff: Diff, row: dict[str, Any]) -> bool:
    where, message = str(finding.where), str(finding.message)
    if diff.column and where == f"{diff.table}:{diff.key}:{diff.column}":
        return True
    tokens = set(where.replace(":", " ").split())
    marks = {part for part in diff.key.split("/") if any(c.isalpha() for c in part)}
    if "block_no" in row:
        marks.add(f"block {row['block_no']}")
    if "duty_code" in row and diff.table == "duties":
        marks.add(f"duty {row['duty_code']}")
    if any(m in tokens or m == where or f"{m} " in f"{message} " for m in marks):
        return True
    if where in SECTION_WORDS.get(diff.table, ()) or diff.table in tokens:
        return True
    for text in (diff.expected, diff.got):
        if isinstance(text, str) and len(where) >= 4 and text.startswith(where):
            return True
    return False


def compare(outcome: Outcome, produced: dict[str, list[dict[str, Any]]], findings: list[Any],
            truth: LayoutTruth) -> None:
    """Fill ``outcome`` with per-table counts and the differences, split flagged / silent."""
    warned = [f for f in findings if f.severity in ("warning", "error")]
    outcome.unknown_pages = len(truth.unknown)
    for table, expected_rows in truth.tables.items():
        keys = PRIMARY.get(table)
        if keys is None:
            continue
        got_rows = {key_label_of(table, r): r for r in produced.get(table, [])}
        want_rows = {key_label_of(table, r): r for r in expected_rows}
        outcome.compared.setdefault(table, 0)
        outcome.exact.setdefault(table, 0)
        diffs: list[tuple[Diff, dict[str, Any]]] = []
        for label, expected in want_rows.items():
            got = got_rows.get(label)
            columns = [c for c in expected if c not in ("standard_code",)
                       and (table, label, c) not in truth.unknown]
            outcome.compared[table] += len(columns)
            if got is None:
                diffs.append((Diff(table, label, None, None, "row"), expected))
                continue
            for column in columns:
                if got.get(column) == expected[column]:
                    outcome.exact[table] += 1
                else:
                    diffs.append((Diff(table, label, column, got.get(column), expected[column]),
                                  expected))
        for label in got_rows.keys() - want_rows.keys():
            diffs.append((Diff(table, label, None, "row", None), got_rows[label]))
        for diff, row in diffs:
            if _only_wrap_spaces(diff.got, diff.expected):
                outcome.wrap_spaces.append(diff)
            elif any(_names(f, diff, row) for f in warned):
                outcome.flagged.append(diff)
            else:
                outcome.silent.append(diff)


_SPACE_BY_WIDE = re.compile(r"\s+(?=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])"
                            r"|(?<=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])\s+")


def _only_wrap_spaces(got: Any, expected: Any) -> bool:
    """Whether two texts differ only by spaces beside CJK or full-width characters (where the
    text policy joins a wrap with nothing: a space printed at a line's end is not seen)."""
    return (isinstance(got, str) and isinstance(expected, str) and got != expected
            and _SPACE_BY_WIDE.sub("", got) == _SPACE_BY_WIDE.sub("", expected))


def key_label_of(table: str, row: dict[str, Any]) -> str:
    if table == "standards":
        return str(row["standard_code"])
    return key_label(table, row)
