"""What a person watching a long run sees: a progress bar per document and a closing summary.

The bar is drawn only on a terminal (never into CI logs or redirected output) and only for runs
of more than a few documents; ``--verbose`` prints one plain line per document instead, and
``--quiet`` prints neither (errors are always printed).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from pipeline.records import Finding

BAR_WIDTH = 24
MIN_DOCUMENTS_FOR_BAR = 4


def bar_line(index: int, total: int, name: str, status: str) -> str:
    filled = BAR_WIDTH * index // total if total else BAR_WIDTH
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {index}/{total} {name}: {status}"


def show_progress(stream: TextIO, index: int, total: int, file_name: str, status: str,
                  verbose: bool) -> None:
    """After the index-th of the total documents this run works on."""
    if verbose:
        print(f"[{index}/{total}] {file_name}: {status}", file=stream)
    elif stream.isatty() and total >= MIN_DOCUMENTS_FOR_BAR:
        end = "\n" if index == total else ""
        stream.write("\r\033[K" + bar_line(index, total, file_name, status) + end)
        stream.flush()


def severity_counts(counts: Mapping[str, int]) -> str:
    """``1 warning, 11 info``: errors only when there are some (curated/ holds none: an error
    rejects its document)."""
    shown = ("error", "warning", "info") if counts.get("error") else ("warning", "info")
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in shown)


def closing_summary(statuses: list[str], unchanged: int, severities: Mapping[str, int],
                    curated: Path, version_reports: int, rejected_errors: int = 0,
                    kept: int = 0) -> list[str]:
    """The lines printed after a run: documents, findings by severity, where the reports are.

    ``severities`` counts the findings written to curated/ (the accepted documents'); a
    rejected document's ``rejected_errors`` are the ERROR lines above, never in curated/, so
    they get a line of their own, which says for how many of the rejected documents the
    previous rows were ``kept`` — a document new in this run had none.
    """
    counts = Counter(statuses)
    lines = [
        f"curated: {counts['converted']} document(s) converted, {counts['rejected']} rejected, "
        f"{counts['skipped']} skipped; {unchanged} of the converted unchanged since the last "
        f"run → {curated}",
    ]
    if counts["rejected"]:
        previous = (f"the previous rows of {kept} of them kept in curated/" if kept else
                    "none had previous rows in curated/")
        lines.append(f"rejected: {counts['rejected']} document(s), {rejected_errors} error(s) "
                     f"(the ERROR lines above); {previous}")
    lines += [
        f"findings in {curated / 'findings.csv'}: {severity_counts(severities)}",
        f"reports: {curated / '_runs' / 'run_report.csv'}"
        + (f"; {version_reports} version report(s) in {curated / 'reports'}"
           if version_reports else ""),
    ]
    return lines


# Whatever breaks a line in a terminal (str.splitlines' separators).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def finding_line(level: str, file: str, finding: Finding) -> str:
    """`ERROR <file>[ p.N]: <finding-code>: <reason>` — one line per problem, whatever the
    document put in it: a line break in a quoted cell (`'標\nA02自我管理'`) or in a file name is
    printed as ``\n``, so that no line of the run's output belongs to no document."""
    page = f" p.{finding.page}" if finding.page is not None else ""
    where = f"{finding.where}: " if finding.where and finding.where != file else ""
    line = f"{level} {file}{page}: {finding.code}: {where}{finding.message}"
    return _LINE_BREAK.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), line)


# Errors that judge the whole document: the other errors it got only follow from them.
DOCUMENT_VERDICTS = frozenset({"not-a-standard"})


def errors_to_print(findings: tuple[Finding, ...], details: Path) -> list[Finding]:
    """A rejected document's errors as a run prints them: one line per problem, except that a
    document judged as a whole (not a competency standard) is one line, which says how many
    other errors ``details`` (its validate.json) holds — a rotated or foreign PDF otherwise
    printed a line for every table and line it could not place."""
    verdicts = [f for f in findings if f.code in DOCUMENT_VERDICTS]
    others = len(findings) - len(verdicts)
    if not verdicts or not others:
        return list(findings)
    return [dataclasses.replace(v, message=f"{v.message}; {others} other error(s) in {details}")
            for v in verdicts]
