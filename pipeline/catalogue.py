"""The catalogue plan: which document gives each standard's rows, and what depends on them all.

The export streams the catalogue one document at a time, in natural code order, so that its
memory does not grow with the catalogue. What needs every document — who may claim a code, which
version is latest, whether a newer version table agrees with an older document, what changed
between versions — is decided first, from a summary of each document (its standards and versions
rows and its findings); only the two documents of a version pair are read in full for it. Then
each document's rows are read again and handed to the writers with these catalogue-wide values
filled in. Everything here is pure: reading a document is the caller's ``load`` function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from pipeline.order import natural_key, sort_rows
from pipeline.records import Finding, Row, TableSet
from pipeline.spec import TABLES, TABLES_BY_NAME
from pipeline.summary import INPUT_WARNINGS, summary_tables
from pipeline.versions import (
    CROSS_DOCUMENT_CODES,
    compare_versions,
    consecutive_pairs,
    cross_check_version_tables,
    mark_latest,
)

# A document's curated rows, table by table (a table it has no rows for may be missing).
DocumentTables = dict[str, list[Row]]


def findings_rows(standard_code: str, findings: tuple[Finding, ...]) -> list[Row]:
    """Findings of one document with a stable finding_no (by page, code, where, message)."""
    ordered = sorted(findings, key=lambda f: (natural_key(f.page), f.code, natural_key(f.where),
                                              f.message))
    return [
        {"standard_code": standard_code, "finding_no": n, "code": f.code,
         "severity": f.severity, "page": f.page, "where": f.where, "message": f.message}
        for n, f in enumerate(ordered, start=1)
    ]


def document_rows(doc: TableSet) -> DocumentTables:
    """The curated rows one accepted document contributes, table by table."""
    code = doc.tables["standards"][0]["standard_code"]
    rows = {t.name: list(doc.tables.get(t.name, [])) for t in TABLES if t.name != "findings"}
    rows["findings"] = findings_rows(code, doc.findings)
    return rows


@dataclass(frozen=True)
class RunEntry:
    """One source file's fate in this run: a line of the run report."""

    source_file: str
    sha256: str
    status: str  # converted | rejected | skipped
    standard_code: str | None
    findings: tuple[Finding, ...]  # what a run prints: errors when rejected, else input warnings
    # The codes of every error and warning the document got (its infos are in curated/findings
    # or, when rejected, in its validate.json).
    document_codes: tuple[str, ...] = ()

    @property
    def finding_codes(self) -> str:
        return " ".join(sorted({f.code for f in self.findings} | set(self.document_codes)))


class PreviousCatalogue(Protocol):
    """What curated/ held before this run: every standards row, and the rows of given codes."""

    @property
    def standards(self) -> list[Row]: ...

    def rows_of(self, codes: set[str]) -> dict[str, DocumentTables]: ...


def _code_of(doc: TableSet) -> str | None:
    standards = doc.tables.get("standards") or [{}]
    code: str | None = standards[0].get("standard_code")
    return None if doc.is_rejected else code


# Columns that say where a document's rows were read from, not what they hold.
_SOURCE_COLUMNS = ("source_file", "source_sha256", "source_format")


def same_tables(docs: list[TableSet]) -> bool:
    """Whether documents give the same curated rows, wherever they were read from: a Big5 copy
    beside the UTF-8 file, or a PDF beside its text export. The source columns and the findings
    (a converted encoding is one) are not compared."""
    def content(doc: TableSet) -> dict[str, list[Row]]:
        rows = {name: rows for name, rows in doc.tables.items() if name != "findings"}
        rows["standards"] = [{k: v for k, v in r.items() if k not in _SOURCE_COLUMNS}
                             for r in rows.get("standards", [])]
        return rows

    first = content(docs[0])
    return all(content(doc) == first for doc in docs[1:])


def resolve_claims(docs: list[TableSet], load: Callable[[str], TableSet] | None = None
                   ) -> dict[str, tuple[str, Finding]]:
    """Files that may not export although valid, by file: (status, the finding that says why).

    The same document under two names — the same bytes, or (read through ``load``) the same
    tables from other bytes: the first name (in sort order) is converted, the others are
    skipped. Different documents claiming one standard_code: none of them is trusted. Only the
    files of a code claimed twice with different bytes are read.
    """
    by_code: dict[str, list[TableSet]] = {}
    for doc in docs:
        code = _code_of(doc)
        if code is not None:
            by_code.setdefault(code, []).append(doc)
    out: dict[str, tuple[str, Finding]] = {}
    for code, group in by_code.items():
        group = sorted(group, key=lambda d: d.source.file)
        if len(group) < 2:
            continue
        same_bytes = len({d.source.sha256 for d in group}) == 1
        if same_bytes or (load is not None
                          and same_tables([load(d.source.file) for d in group])):
            what = "bytes" if same_bytes else "tables (other bytes)"
            for doc in group[1:]:
                out[doc.source.file] = ("skipped", Finding(
                    "duplicate-document", "warning", None, code,
                    f"the same {what} as {group[0].source.file}; skipped"))
            continue
        for doc in group:
            others = ", ".join(d.source.file for d in group if d is not doc)
            out[doc.source.file] = ("rejected", Finding(
                "conflicting-standard-code", "error", None, code,
                f"{code} is also claimed by {others} with different content"))
    return out


@dataclass(frozen=True)
class CataloguePlan:
    """The catalogue before its rows are written.

    ``codes``: every standard it holds, in natural code order. A code's rows come from the
    accepted document ``sources[code]`` (a source file name) or, for a rejected document that
    keeps what curated/ held, from ``kept[code]``. ``standards``: the summary's standards row
    of each code with is_latest; ``cross_findings`` the version-table cross-checks, as finding
    rows without a number.
    """

    codes: tuple[str, ...]
    sources: dict[str, str]
    kept: dict[str, DocumentTables]
    standards: dict[str, Row]
    cross_findings: dict[str, list[Row]]
    entries: tuple[RunEntry, ...]


def plan_catalogue(summaries: list[TableSet], previous: PreviousCatalogue,
                   load: Callable[[str], TableSet] | None = None) -> CataloguePlan:
    """Decide each file's fate and the values that depend on the whole catalogue.

    Accepted documents contribute their new rows; a rejected document keeps the rows it had in
    ``previous`` unless an accepted document now provides its code. Documents whose source file
    is no longer in raw/ drop out. ``load`` reads a whole document, for the files that claim one
    code with different bytes (see resolve_claims).
    """
    previous_code_of = {r["source_file"]: r["standard_code"] for r in previous.standards}
    decisions = resolve_claims(summaries, load)
    sources: dict[str, str] = {}
    summary_of: dict[str, TableSet] = {}
    entries: list[RunEntry] = []
    rejected: list[TableSet] = []
    for doc in sorted(summaries, key=lambda d: d.source.file):
        status, finding = decisions.get(doc.source.file, ("", None))
        if finding is not None:
            doc = doc.with_findings([finding])
        code = _code_of(doc)
        codes = tuple(f.code for f in doc.findings if f.severity != "info")
        if status == "skipped":
            entries.append(RunEntry(doc.source.file, doc.source.sha256, "skipped", code,
                                    (finding,) if finding else (), codes))
        elif doc.is_rejected or status == "rejected":
            rejected.append(doc)
        else:
            assert code is not None
            sources[code] = doc.source.file
            summary_of[code] = doc
            warnings = tuple(f for f in doc.findings if f.code in INPUT_WARNINGS)
            entries.append(RunEntry(doc.source.file, doc.source.sha256, "converted", code,
                                    warnings, codes))
    keep: set[str] = set()
    for doc in rejected:
        old_code = previous_code_of.get(doc.source.file)
        if old_code is not None and old_code not in sources:
            keep.add(old_code)
        errors = tuple(f for f in doc.findings if f.severity == "error")
        codes = tuple(f.code for f in doc.findings if f.severity != "info")
        entries.append(RunEntry(doc.source.file, doc.source.sha256, "rejected", old_code, errors,
                                codes))
    kept = previous.rows_of(keep) if keep else {}
    summarized = {code: doc.tables for code, doc in summary_of.items()}
    summarized.update({code: summary_tables(rows) for code, rows in kept.items()})
    codes = tuple(sorted(summarized, key=natural_key))
    standards = {r["standard_code"]: r for r in mark_latest(
        [summarized[code]["standards"][0] for code in codes])}
    documents = {code: {**summarized[code], "standards": [standards[code]]} for code in codes}
    cross = {code: sorted(found, key=lambda f: (natural_key(f["where"]), f["message"]))
             for code, found in cross_check_version_tables(documents).items()}
    entries.sort(key=lambda e: e.source_file)
    return CataloguePlan(codes, sources, kept, standards, cross, tuple(entries))


def document_tables(plan: CataloguePlan, code: str, load: Callable[[str], TableSet]
                    ) -> DocumentTables:
    """One standard's curated rows as the catalogue holds them: is_latest set, and the
    version-table cross-checks numbered after the document's own findings (recomputed, so a
    kept document's old cross-checks are dropped)."""
    rows = document_rows(load(plan.sources[code])) if code in plan.sources else plan.kept[code]
    findings = [f for f in rows.get("findings", []) if f["code"] not in CROSS_DOCUMENT_CODES]
    last = max((f["finding_no"] for f in findings), default=0)
    findings += [{"standard_code": code, "finding_no": last + n, **f}
                 for n, f in enumerate(plan.cross_findings.get(code, []), start=1)]
    out = {name: rows.get(name, []) for name in TABLES_BY_NAME if name != "version_changes"}
    is_latest = plan.standards[code]["is_latest"]
    standards = [{**row, "is_latest": is_latest} for row in rows["standards"]]
    return {**out, "standards": standards, "findings": findings}


def version_changes(plan: CataloguePlan, load: Callable[[str], TableSet]) -> list[Row]:
    """The changes between consecutive versions present, in key order (only the two
    documents of each pair are read)."""
    changes: list[Row] = []
    for older, newer in consecutive_pairs([plan.standards[code] for code in plan.codes]):
        pair = compare_versions(document_tables(plan, older, load),
                                document_tables(plan, newer, load))
        changes += [{**c, "change_no": n} for n, c in enumerate(pair, start=1)]
    return sort_rows(TABLES_BY_NAME["version_changes"], changes)


def catalogue_chunks(plan: CataloguePlan, load: Callable[[str], TableSet],
                     changes: list[Row]) -> Iterator[DocumentTables]:
    """The catalogue's rows in key order, a document at a time, then the version changes.

    Each document's rows are already in key order (validation sorts them, curated/ holds them
    sorted) and every key starts with the standard code, so whole documents in code order are
    the catalogue in key order without sorting its rows again.
    """
    for code in plan.codes:
        yield document_tables(plan, code, load)
    yield {"version_changes": changes}
