"""Round trip: render a Standard as a look-alike PDF, run every stage, compare every field.

`make roundtrip` runs it over all real-content standards (fast route), each printed in the layout
variant ``variants.assign`` gives it from a fixed seed (or none), and over the committed
LibreOffice fixtures, printing per-table field accuracy, per-variant outcomes and every document
that differs; the test suite runs a fixed subset. A document counts as right when it is exported
exactly (every field, and every finding its variant must cause) or rejected with an error finding
that gives its page; anything else is a silent difference. Rendered files are cached outside git
(``.cache/roundtrip/``), keyed by the renderer's inputs, so a re-run only renders what changed.
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

from pipeline.catalogue import document_rows
from pipeline.extract import extract_file
from pipeline.normalize import normalize_tables
from pipeline.order import sort_rows
from pipeline.parse import parse_document
from pipeline.records import Finding
from pipeline.spec import TABLES_BY_NAME
from pipeline.stitch import stitch_document
from pipeline.validate import validate_document
from tests.render import pdf_fast
from tests.render.model import Standard
from tests.render.paginate import paginate
from tests.render.pdf_fast import fast_route_text, render_fast
from tests.render.text_export import Break, cut_points, render_text_export
from tests.render.truth import truth_tables
from tests.render.variants import PLAIN, Expected, Variant, variant_rng

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
    variant: str = "none"
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

    @property
    def is_rejected_with_finding(self) -> bool:
        """Rejected, and an error finding says where (its page): nothing exported half-right."""
        return any(f.page is not None for f in self.errors)

    @property
    def is_silent(self) -> bool:
        return not self.is_exact and not self.is_rejected_with_finding

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


def run_document(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Finding], bool]:
    """Every stage on one rendered document (PDF or text export): its curated rows, its
    findings (only the errors when rejected) and whether it was rejected."""
    doc = validate_document(normalize_tables(parse_document(stitch_document(
        extract_file(path)))))
    if doc.is_rejected:
        return {}, [f for f in doc.findings if f.severity == "error"], True
    rows = document_rows(doc)
    return rows, list(doc.findings), False



def _cached(cache: Path, stem: str, suffix: str, content: bytes | str,
            make: Any = None) -> Path:
    """A file under ``cache`` named by stem and a digest of what it is made from; ``make`` turns
    ``content`` into the bytes to write (default: the content itself)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    renderer = Path(pdf_fast.__file__).read_bytes() if make is not None else b""
    digest = hashlib.sha256(data + renderer).hexdigest()[:16]
    path = cache / f"{stem}-{digest}{suffix}"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(make() if make is not None else data)
        tmp.replace(path)
    return path


def render_cached(std: Standard, stem: str, cache: Path = CACHE) -> tuple[Path, Any]:
    """Render (or reuse) the fast-route PDF of a standard; returns its path and placement."""
    paged, placement = paginate(std)
    return _cached(cache, stem, ".pdf", repr(paged), lambda: render_fast(paged)), placement


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


def text_breaks(std: Standard) -> list[Break]:
    """Page breaks of a text export: after every third block, cutting its indicator cell at
    the middle one of the points where the join is exact."""
    from tests.render.paginate import _row_cells

    breaks = []
    rows = _row_cells(std)
    for block_no in range(3, len(rows), 3):
        points = cut_points(" ".join(rows[block_no - 1][1][3]))
        breaks.append(Break(block_no, {3: points[len(points) // 2]} if points else {}))
    return breaks


def expected_findings_missing(expected: list[Expected], findings: list[Finding]) -> list[str]:
    """Differences between the findings a variant must produce and those produced, over the
    finding codes it names: each expected one present (code, page, where), no other of them."""
    codes = {code for code, _page, _where in expected}
    produced = [(f.code, f.page, f.where) for f in findings if f.code in codes]
    out = []
    remaining = list(produced)
    for code, page, where in expected:
        match = next((p for p in remaining if p[0] == code and p[2] == where
                      and (p[1] == page if page is not None else p[1] is not None)), None)
        if match is None:
            out.append(f"findings: expected {code} p.{page} {where!r}, not reported")
        else:
            remaining.remove(match)
    out += [f"findings: unexpected {code} p.{page} {where!r}" for code, page, where in remaining]
    return out


def roundtrip_standard(stem: str, std: Standard, cache: Path = CACHE,
                       variant: Variant = PLAIN) -> Comparison:
    """Print the standard in the variant (fast PDF route, or its text route), run every stage
    and compare every field with the truth; a variant's expected findings are checked too."""
    std = variant.standard(std, variant_rng(stem, variant))
    if variant.text is not None:
        export, placement = render_text_export(std, text_breaks(std))
        path = _cached(cache, f"{stem}-{variant.name}", ".txt", variant.text(export))
        source_format = "text"
    else:
        std = map_texts(std, fast_route_text)
        paged, placement = paginate(std, main=variant.main)
        if variant.pages is not None:
            paged = variant.pages(paged)
        path = _cached(cache, stem if variant is PLAIN else f"{stem}-{variant.name}", ".pdf",
                       repr(paged), lambda: render_fast(paged))
        source_format = "pdf"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    truth, expected = variant.truth(truth_tables(std, placement, path.name, sha, source_format),
                                    std)
    produced, findings, rejected = run_document(path)
    result = compare_tables(stem, produced, {
        t: sort_rows(TABLES_BY_NAME[t], rows) for t, rows in truth.items()})
    result.variant = variant.name
    if rejected:
        result.errors = findings
    else:
        result.diffs += [Difference("findings", "", None, text)
                         for text in expected_findings_missing(expected, findings)]
        result.flag(findings)
    return result


def report(results: Iterable[Comparison], out: Any = sys.stdout) -> bool:
    """Per-table field accuracy, per-variant outcome and each differing document; True when
    every document is exported exactly or rejected with a located finding."""
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
    variants = sorted({n for r in results for n in r.variant.split("+")},
                      key=lambda v: (v != "none", v))
    if variants != ["none"]:
        print(f"\n{'variant':<26}{'documents':>10}{'exact':>7}{'rejected+finding':>18}"
              f"{'silent':>8}", file=out)
        for name in variants:
            of = [r for r in results if name in r.variant.split("+")]
            print(f"{name:<26}{len(of):>10}{sum(r.is_exact for r in of):>7}"
                  f"{sum(r.is_rejected_with_finding for r in of):>18}"
                  f"{sum(r.is_silent for r in of):>8}", file=out)
    rejected = [r for r in results if r.is_rejected_with_finding]
    silent = [r for r in results if r.is_silent]
    flagged = [r for r in results if r.flagged]
    print(f"{len(results) - len(rejected) - len(silent)}/{len(results)} documents exact or with "
          f"every difference flagged by a finding ({sum(len(r.flagged) for r in flagged)} "
          f"flagged field(s) in {len(flagged)} document(s)); {len(rejected)} rejected with a "
          f"located finding; {len(silent)} with silent differences", file=out)
    for r in flagged:
        for d in r.flagged:
            print(f"FLAGGED {r.name}: {d.text}", file=out)
    for r in (*rejected, *silent):
        print(f"{'REJECTED' if r.is_rejected_with_finding else 'DIFF'} {r.name} "
              f"[{r.variant}]:", file=out)
        for f in r.errors[:5]:
            print(f"  rejected p.{f.page}: {f.code}: {f.where}: {f.message}", file=out)
        for d in r.differences[:8]:
            print(f"  {d}", file=out)
        if len(r.differences) > 8:
            print(f"  … {len(r.differences) - 8} more", file=out)
    return not silent


def main(argv: list[str] | None = None) -> int:
    from tests.render.corpus import all_standards, is_renderable
    from tests.render.variants import SEED, assign

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N standards")
    parser.add_argument("--plain", action="store_true",
                        help="every standard in the plain layout (no variants mixed in)")
    args = parser.parse_args(argv)
    standards = [(stem, std) for stem, std in all_standards() if is_renderable(std)]
    standards = standards[: args.limit]
    mix = "" if args.plain else f", layout variants mixed in (seed {SEED!r})"
    print(f"fast route (reportlab), {len(standards)} real-content standards{mix}:")
    fast = [roundtrip_standard(stem, std, variant=PLAIN if args.plain else assign(stem, std))
            for stem, std in standards]
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
        produced, findings, rejected = run_document(path)
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
