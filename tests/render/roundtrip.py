"""Round trip: render a Standard as a look-alike PDF, run every stage, compare every field.

`make roundtrip` runs it over all real-content standards (fast route) and the committed
LibreOffice fixtures, printing per-table field accuracy and every document that differs; the test
suite runs a fixed subset. Rendered PDFs are cached outside git (``.cache/roundtrip/``), keyed by
the renderer's inputs, so a re-run only renders what changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.export import document_rows, sort_rows
from pipeline.extract import extract_file
from pipeline.normalize import normalize_tables
from pipeline.parse import parse_document
from pipeline.records import Finding
from pipeline.spec import TABLES_BY_NAME
from pipeline.stitch import stitch_document
from pipeline.validate import validate_document
from tests.render import pdf_fast
from tests.render.model import Standard
from tests.render.paginate import paginate
from tests.render.pdf_fast import fast_route_text, render_fast
from tests.render.truth import truth_tables

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "roundtrip"


@dataclass(frozen=True)
class Difference:
    table: str
    key: str  # primary key without standard_code, parts joined by "/"
    column: str | None  # None: a missing or unexpected row
    text: str


@dataclass
class Comparison:
    """Field-level agreement between the pipeline's tables and the truth for one document."""

    name: str
    fields: dict[str, int] = field(default_factory=dict)
    matching: dict[str, int] = field(default_factory=dict)
    diffs: list[Difference] = field(default_factory=list)
    flagged: list[Difference] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)

    @property
    def differences(self) -> list[str]:
        """Silent differences: the ones no finding reports."""
        return [d.text for d in self.diffs]

    @property
    def is_exact(self) -> bool:
        return not self.diffs and not self.errors

    def flag(self, findings: Iterable[Finding]) -> None:
        """Set apart each field difference that a finding reports on that very field (a Latin
        line break read as a space): a known ambiguity an analyst is told about."""
        reported = {f.where for f in findings if f.code == "latin-wrap-joined"}
        self.flagged += [d for d in self.diffs
                         if d.column and f"{d.table}:{d.key}:{d.column}" in reported]
        self.diffs = [d for d in self.diffs if d not in self.flagged]


def _key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(c) for c in TABLES_BY_NAME[table].primary_key)


def compare_tables(name: str, produced: dict[str, list[dict[str, Any]]],
                   truth: dict[str, list[dict[str, Any]]]) -> Comparison:
    result = Comparison(name)
    for table, expected_rows in truth.items():
        spec = TABLES_BY_NAME[table]
        got = {_key(table, r): r for r in produced.get(table, [])}
        want = {_key(table, r): r for r in expected_rows}
        result.fields[table] = len(want) * len(spec.columns)
        result.matching[table] = 0
        for key, expected in want.items():
            row = got.get(key)
            label = "/".join(str(k) for k in key[1:])
            if row is None:
                result.diffs.append(Difference(table, label, None, f"{table} {key[1:]}: missing"))
                continue
            for col in spec.column_names:
                if row.get(col) == expected.get(col):
                    result.matching[table] += 1
                else:
                    result.diffs.append(Difference(
                        table, label, col, f"{table} {key[1:]} {col}: got {row.get(col)!r}, "
                        f"expected {expected.get(col)!r}"))
        for key in got.keys() - want.keys():
            result.diffs.append(Difference(table, "/".join(str(k) for k in key[1:]), None,
                                           f"{table} {key[1:]}: unexpected row"))
    return result


def run_pdf(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Finding], bool]:
    doc = validate_document(normalize_tables(parse_document(stitch_document(
        extract_file(path)))))
    if doc.is_rejected:
        return {}, [f for f in doc.findings if f.severity == "error"], True
    rows = document_rows(doc)
    return rows, list(doc.findings), False


def render_cached(std: Standard, stem: str, cache: Path = CACHE) -> tuple[Path, Any]:
    """Render (or reuse) the fast-route PDF of a standard; returns its path and placement."""
    paged, placement = paginate(std)
    renderer = Path(pdf_fast.__file__).read_bytes()
    digest = hashlib.sha256(repr(paged).encode("utf-8") + renderer).hexdigest()[:16]
    path = cache / f"{stem}-{digest}.pdf"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(render_fast(paged))
        tmp.replace(path)
    return path, placement


def map_texts(value: Any, func: Any) -> Any:
    """The same dataclass tree with every string passed through func."""
    if isinstance(value, str):
        return func(value)
    if isinstance(value, tuple):
        return tuple(map_texts(v, func) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            f.name: map_texts(getattr(value, f.name), func) for f in dataclasses.fields(value)
            if f.name != "extra"})
    return value


def roundtrip_standard(stem: str, std: Standard, cache: Path = CACHE) -> Comparison:
    std = map_texts(std, fast_route_text)
    path, placement = render_cached(std, stem, cache)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    truth = truth_tables(std, placement, path.name, sha)
    produced, findings, rejected = run_pdf(path)
    result = compare_tables(stem, produced, {
        t: sort_rows(TABLES_BY_NAME[t], rows) for t, rows in truth.items()})
    if rejected:
        result.errors = findings
    else:
        result.flag(findings)
    return result


def report(results: Iterable[Comparison], out: Any = sys.stdout) -> bool:
    """Per-table field accuracy and each differing document; True when all are exact."""
    results = list(results)
    totals: dict[str, list[int]] = {}
    for r in results:
        for table, n in r.fields.items():
            acc = totals.setdefault(table, [0, 0])
            acc[0] += r.matching.get(table, 0)
            acc[1] += n
    print(f"{'table':<22}{'fields':>10}{'accuracy':>11}", file=out)
    for table, (ok, n) in totals.items():
        print(f"{table:<22}{n:>10}{(100.0 * ok / n if n else 100.0):>10.2f}%", file=out)
    bad = [r for r in results if not r.is_exact]
    flagged = [r for r in results if r.flagged]
    print(f"{len(results) - len(bad)}/{len(results)} documents exact or with every difference "
          f"flagged by a finding ({sum(len(r.flagged) for r in flagged)} flagged field(s) in "
          f"{len(flagged)} document(s)); {len(bad)} with silent differences", file=out)
    for r in flagged:
        for d in r.flagged:
            print(f"FLAGGED {r.name}: {d.text}", file=out)
    for r in bad:
        print(f"DIFF {r.name}:", file=out)
        for f in r.errors[:5]:
            print(f"  rejected p.{f.page}: {f.code}: {f.where}: {f.message}", file=out)
        for d in r.differences[:8]:
            print(f"  {d}", file=out)
        if len(r.differences) > 8:
            print(f"  … {len(r.differences) - 8} more", file=out)
    return not bad


def main(argv: list[str] | None = None) -> int:
    from tests.render.corpus import all_standards, is_renderable

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N standards")
    args = parser.parse_args(argv)
    standards = [(stem, std) for stem, std in all_standards() if is_renderable(std)]
    standards = standards[: args.limit]
    print(f"fast route (reportlab), {len(standards)} real-content standards:")
    fast = [roundtrip_standard(stem, std) for stem, std in standards]
    fast_ok = report(fast)
    print("\nrealistic route (committed LibreOffice PDFs in tests/fixtures/lo/):")
    lo_ok = report(roundtrip_committed(dict(all_standards())))
    return 0 if fast_ok and lo_ok else 1


def roundtrip_committed(standards: dict[str, Standard]) -> list[Comparison]:
    """The committed LibreOffice fixtures against the truth of what each was rendered from."""
    import json

    folder = REPO / "tests" / "fixtures" / "lo"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for entry in manifest:
        if entry["source"] == "sample":
            continue  # compared with the text route in tests/test_lo_fixtures.py
        path = folder / entry["pdf"]
        _paged, placement = paginate(standards[entry["source"]])
        truth = truth_tables(standards[entry["source"]], placement, path.name,
                             hashlib.sha256(path.read_bytes()).hexdigest())
        produced, findings, rejected = run_pdf(path)
        result = compare_tables(f"{entry['pdf']} ({entry['source']})", produced, {
            t: sort_rows(TABLES_BY_NAME[t], rows) for t, rows in truth.items()})
        if rejected:
            result.errors = findings
        else:
            result.flag(findings)
        results.append(result)
    return results


if __name__ == "__main__":
    sys.exit(main())
