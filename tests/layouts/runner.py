"""`make layouts N=… SEED=…`: render N look-alike documents from drawn layouts, read each with the
pipeline, and report how well it reads them.

Content is a seeded choice over the renderable corpus standards, parameters are seeded draws
(``params.draw``); both follow from SEED alone, so a run is repeatable and its PDFs are cached
(``render``). Each document goes through every pipeline stage in process and is compared with
its truth (``truth``, ``compare``). The report: documents exact; fields exact of those compared,
per table; documents rejected, grouped by the finding codes that rejected them (an example
message each); values exported silently wrong (a field that differs in a document that was not
rejected and that no warning or error names — every one listed with its document, parameters,
table, key, column, got and expected); values flagged; and per-parameter breakdowns. Figures go
to docs/layouts-results.json. Exit code 0 when nothing was silently wrong, else 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import sys
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tests.layouts.compare import Outcome, compare, run_stages
from tests.layouts.locate import Locator, page_texts
from tests.layouts.params import LayoutParams, draw
from tests.layouts.render import REPO, Case, build, render_all
from tests.layouts.truth import layout_truth, unprinted
from tests.render.corpus import all_standards, is_renderable

RESULTS = REPO / "docs" / "layouts-results.json"
BREAKDOWN = ("engine", "font", "paper", "orientation", "header_rows", "duty_column",
             "duty_merged", "older_template", "narrow_level", "cell_bullet", "attitude_form",
             "attitude_title_place", "notes_form", "notes_title_place", "footer",
             "footer_digits_apart", "page_header", "font_size")


def draw_cases(n: int, seed: str) -> list[Case]:
    """N cases: a seeded choice of renderable corpus standard and a seeded parameter draw."""
    standards = [(stem, std) for stem, std in all_standards() if is_renderable(std)]
    rng = random.Random(f"layouts/{seed}")
    cases = []
    for i in range(n):
        stem, std = rng.choice(standards)
        case_seed = f"{seed}/{i}"
        params = draw(random.Random(case_seed),
                      four_number_codes=std.extra.get("four_number_codes") == "1",
                      has_attitudes=bool(std.attitudes))
        cases.append(Case(f"{i:04d}-{stem}", stem, case_seed, params))
    return cases


def read_case(case: Case, pdf: Path) -> Outcome:
    """Truth from the PDF and the standard, the pipeline's reading, and their comparison."""
    outcome = Outcome(case.name, case.source, case.params.to_json())
    try:
        std, doc = build(case)
        locator = Locator(page_texts(pdf))
        left_out = unprinted(doc, locator)
        if left_out:
            outcome.failure = (f"not rendered whole: the PDF holds no {left_out[0][:30]!r} "
                               f"({len(left_out)} item(s) of the back matter left out)")
            return outcome
        truth = layout_truth(std, case.params, doc, locator, pdf.name,
                             hashlib.sha256(pdf.read_bytes()).hexdigest())
        result = run_stages(pdf)
    except Exception:  # a crash is a result of its own, reported with its traceback
        # Paths relative to the repository: the figures are committed.
        outcome.failure = traceback.format_exc().replace(f"{REPO}/", "")[-1500:]
        return outcome
    if result.is_rejected:
        outcome.rejected = True
        outcome.errors = [(f.code, f.page, f.where, f.message) for f in result.findings
                          if f.severity == "error"]
        return outcome
    from pipeline.catalogue import document_rows

    compare(outcome, document_rows(result), list(result.findings), truth)
    return outcome


def _read(item: tuple[Case, str]) -> Outcome:
    # pdfminer logs every font without a FontBBox (Chromium's subsets): noise here.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    case, pdf = item
    if not Path(pdf).exists():
        return Outcome(case.name, case.source, case.params.to_json(), failure="not rendered")
    return read_case(case, Path(pdf))


def read_all(cases: list[Case], paths: dict[str, Path], jobs: int = 2) -> list[Outcome]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_read, [(c, str(paths[c.name])) for c in cases], chunksize=1))


# ---------------------------------------------------------------- figures


def _value(params: dict[str, Any], name: str) -> str:
    value = params[name]
    return "none" if value is None else str(value)


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    read = [o for o in outcomes if o.failure is None]
    accepted = [o for o in read if not o.rejected]
    per_table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in accepted:
        for table, n in o.compared.items():
            per_table[table][0] += o.exact.get(table, 0)
            per_table[table][1] += n
    by_codes: dict[str, dict[str, Any]] = {}
    for o in read:
        if not o.rejected:
            continue
        codes = " ".join(sorted({code for code, *_ in o.errors}))
        entry = by_codes.setdefault(codes, {"documents": 0, "example": None})
        entry["documents"] += 1
        if entry["example"] is None:
            code, page, where, message = o.errors[0]
            entry["example"] = f"{o.name} p.{page}: {code}: {where}: {message}"[:400]
    first_error = Counter(o.errors[0][0] for o in read if o.rejected and o.errors)
    # (Sorted: a set's order changes from run to run, and ties keep the order first seen.)
    error_documents = Counter(code for o in read if o.rejected
                              for code in sorted({c for c, *_ in o.errors}))
    silent = [{"document": o.name, "table": d.table, "key": d.key, "column": d.column,
               "got": d.got, "expected": d.expected, "params": o.params}
              for o in accepted for d in o.silent]
    flagged = [{"document": o.name, "table": d.table, "key": d.key, "column": d.column,
                "got": d.got, "expected": d.expected}
               for o in accepted for d in o.flagged]
    breakdown: dict[str, dict[str, dict[str, int]]] = {}
    for name in (*BREAKDOWN, "content"):
        groups: dict[str, dict[str, int]] = {}
        for o in outcomes:
            values = (list(LayoutParams.from_json(o.params).content_variants) or ["plain"]
                      if name == "content" else [_value(o.params, name)])
            for value in values:
                g = groups.setdefault(value, {"documents": 0, "exact": 0, "rejected": 0,
                                              "silently_wrong": 0, "failed": 0})
                g["documents"] += 1
                g["exact"] += o.is_exact
                g["rejected"] += o.rejected
                g["silently_wrong"] += bool(o.silent)
                g["failed"] += o.failure is not None
        breakdown[name] = dict(sorted(groups.items()))
    return {
        "documents": len(outcomes),
        "failed_to_render_or_read": [{"document": o.name, "failure": o.failure}
                                     for o in outcomes if o.failure],
        "exact": sum(o.is_exact for o in outcomes),
        "rejected": sum(o.rejected for o in read),
        "accepted": len(accepted),
        "accepted_with_silent_values": sum(bool(o.silent) for o in accepted),
        "fields": {t: {"exact": ok, "compared": n} for t, (ok, n) in sorted(per_table.items())},
        "unknown_page_fields": sum(o.unknown_pages for o in read),
        "rejected_by_codes": dict(sorted(by_codes.items(), key=lambda kv: -kv[1]["documents"])),
        "rejected_by_first_error": dict(first_error.most_common()),
        "documents_per_error_code": dict(error_documents.most_common()),
        "silently_wrong": silent,
        "flagged": flagged,
        "wrap_spaces": [{"document": o.name, "table": d.table, "key": d.key, "column": d.column}
                        for o in accepted for d in o.wrap_spaces],
        "breakdown": breakdown,
    }


def print_report(fig: dict[str, Any], out: Any = sys.stdout) -> None:
    n = fig["documents"]
    print(f"{n} documents: {fig['exact']} exact, {fig['rejected']} rejected, "
          f"{fig['accepted']} accepted ({fig['accepted_with_silent_values']} with silently "
          f"wrong values), {len(fig['failed_to_render_or_read'])} failed to render or read; "
          f"{fig['unknown_page_fields']} page fields not located (left out)", file=out)
    print(f"\n{'table':<22}{'compared':>10}{'exact':>10}{'%':>8}", file=out)
    for table, f in fig["fields"].items():
        pct = 100.0 * f["exact"] / f["compared"] if f["compared"] else 100.0
        print(f"{table:<22}{f['compared']:>10}{f['exact']:>10}{pct:>8.2f}", file=out)
    print("\nrejected, by the error codes that rejected them:", file=out)
    for codes, entry in fig["rejected_by_codes"].items():
        print(f"  {entry['documents']:>4}  {codes}\n        e.g. {entry['example']}", file=out)
    print(f"\nsilently wrong values: {len(fig['silently_wrong'])}", file=out)
    for s in fig["silently_wrong"]:
        print(f"  {s['document']} {s['table']} {s['key']} {s['column']}: got {s['got']!r}, "
              f"expected {s['expected']!r}", file=out)
    print(f"\nvalues differing only by a space a line wrap swallowed beside a CJK character "
          f"(not shown on the page, so not counted wrong): {len(fig['wrap_spaces'])}", file=out)
    print(f"\nflagged values: {len(fig['flagged'])}", file=out)
    for s in fig["flagged"][:40]:
        print(f"  {s['document']} {s['table']} {s['key']} {s['column']}: got {s['got']!r}, "
              f"expected {s['expected']!r}", file=out)
    for name, groups in fig["breakdown"].items():
        print(f"\n{name:<28}{'docs':>6}{'exact':>7}{'rejected':>10}{'silent':>8}", file=out)
        for value, g in groups.items():
            print(f"  {value[:26]:<26}{g['documents']:>6}{g['exact']:>7}{g['rejected']:>10}"
                  f"{g['silently_wrong']:>8}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="documents to render (default 200)")
    parser.add_argument("--seed", default="1", help="seed of the content and layout draws")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="figures as JSON")
    args = parser.parse_args(argv)
    cases = draw_cases(args.n, args.seed)
    paths = render_all(cases, jobs=args.jobs)
    outcomes = read_all(cases, paths, jobs=args.jobs)
    fig = {"n": args.n, "seed": args.seed, **figures(outcomes)}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(fig, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    print_report(fig)
    return 0 if not fig["silently_wrong"] else 1


if __name__ == "__main__":
    sys.exit(main())
