"""The fuzzing campaign: thousands of mutated inputs beside the sample, through the real command
line, and the run must hold.

``make fuzz N=5000`` (``python -m tests.fuzz.campaign --inputs 5000``) generates N mutants of
the committed PDFs and text exports (``tests.fuzz.bases``, ``tests.fuzz.mutate``) from one seed,
puts them in raw/ beside the sample a batch at a time (never two mutants of one base in a batch:
a mutant that still reads as a valid standard claims its base's code), runs ``python -m pipeline
build`` and ``export`` as the Makefile does, and checks, for every batch:

- no traceback, and nothing on stderr but ``ERROR``/``WARNING`` lines;
- the build exits 0, the export 0 or 1 (a rejected document), nothing else (3: the run failed);
- every input has exactly one run-report row: exported (its rows in curated/, no ERROR line
  naming it) or rejected, named by ERROR lines (one per problem found; exactly one when the
  document could not be processed at all) — never silently dropped;
- the sample's rows in every curated table are exactly those of the sample exported alone;
- no hang: a batch that outlives every document's time limit is stopped, and its inputs run one
  at a time to find the one that hung.

A crash is any broken property; hangs and crashes must be 0. A document rejected with
``internal-error`` did not crash the run — the exception boundary caught it — but names a
reading bug: the report lists them by exception and place, with the inputs that raised them.
Every input is reproducible from the seed and its number (``--reproduce``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.conftest import REPO, SAMPLE
from tests.fuzz.bases import Base, all_bases
from tests.fuzz.mutate import PDF_MUTATORS, TEXT_MUTATORS, Mutant, mutate
from tests.fuzz.pdf import parse

PYTHON = REPO / ".venv" / "bin" / "python"
SAMPLE_CODE = "RTM1324-002v4"
# One input in this many is a truncation at the next object boundary of the next PDF base, so
# that a campaign of a few thousand inputs cuts every base at every one of its boundaries.
SYSTEMATIC_EVERY = 8
# Relative weights of the random mutations (200+ pages is slow: a few suffice).
PDF_WEIGHTS = {name: 1.0 for name in PDF_MUTATORS} | {"many-pages": 0.1, "off-page-border": 1.5,
                                                       "page-boxes": 1.5, "flip-content": 2.0}
TEXT_WEIGHTS = {name: 1.0 for name in TEXT_MUTATORS} | {"reencode": 2.0}
LINE = re.compile(r"^(ERROR|WARNING) (\S+?)(?: p\.\d+)?: ([a-z0-9-]+): ")
# Codes that reject a document as a whole, with one ERROR line.
WHOLE_DOCUMENT_CODES = {"internal-error", "time-limit", "changed-during-run", "empty-file",
                        "unreadable-source", "encrypted-pdf", "no-text-layer", "undecodable-text",
                        "wrong-format", "unknown-encoding", "not-a-standard"}


# ------------------------------------------------------------------ the inputs


@cache
def _boundaries(base: Base) -> tuple[int, ...]:
    return tuple(parse(base.data).boundaries)


@cache
def _truncations(bases: tuple[Base, ...]) -> list[tuple[Base, int]]:
    """Every (PDF base, object boundary) pair, interleaved across bases."""
    per_base = [[(b, k) for k in range(len(_boundaries(b)))] for b in bases if b.kind == "pdf"]
    out = []
    for k in range(max((len(p) for p in per_base), default=0)):
        out += [p[k] for p in per_base if k < len(p)]
    return out


def generate(seed: str, index: int, bases: tuple[Base, ...], exclude: frozenset[str] = frozenset()
             ) -> Mutant:
    """Input number ``index`` of the campaign ``seed``: the same bytes every time."""
    rng = random.Random(f"{seed}:{index}")
    truncations = _truncations(bases)
    if truncations and index % SYSTEMATIC_EVERY == 0:
        base, k = truncations[(index // SYSTEMATIC_EVERY) % len(truncations)]
        boundary = _boundaries(base)[k]
        return Mutant(_name(index, "truncate-at-object", base), base.name, "truncate-at-object",
                      f"truncated after object {k + 1} (systematic)", base.data[:boundary])
    base = rng.choice(bases)
    weights = PDF_WEIGHTS if base.kind == "pdf" else TEXT_WEIGHTS
    names = sorted(n for n in weights if n not in exclude)
    mutator = rng.choices(names, [weights[n] for n in names])[0]
    return mutate(rng, base, mutator, _name(index, mutator, base))


def _name(index: int, mutator: str, base: Base) -> str:
    return f"{index:05d}-{mutator}-{base.name}.{'pdf' if base.kind == 'pdf' else 'txt'}"


def batches(mutants: Iterator[Mutant], size: int) -> Iterator[list[Mutant]]:
    """Batches of at most ``size`` mutants, no two of one base, in input order as far as that
    allows (a mutant waits for the next batch that has room for its base)."""
    open_batches: list[list[Mutant]] = []
    for mutant in mutants:
        for batch in open_batches:
            if len(batch) < size and all(m.base != mutant.base for m in batch):
                batch.append(mutant)
                break
        else:
            open_batches.append([mutant])
        while open_batches and len(open_batches[0]) >= size:
            yield open_batches.pop(0)
    yield from open_batches


# ------------------------------------------------------------------ one batch


@dataclass
class Outcome:
    """What became of one input."""

    name: str
    base: str
    mutator: str
    what: str
    status: str  # exported | rejected | skipped | hang | crash
    codes: tuple[str, ...] = ()
    error_lines: int = 0
    detail: str = ""  # for a crash or an internal error


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    crashes: list[str] = field(default_factory=list)  # run-level problems, each described
    seconds: float = 0.0


def _sample_rows(curated: Path) -> dict[str, list[str]]:
    """The sample's lines of every curated CSV table (the run report aside)."""
    out = {}
    for path in sorted(curated.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            out[path.name] = [line for line in handle.read().split("\n")
                              if f"{SAMPLE_CODE}," in line or line.endswith(SAMPLE_CODE)]
    return out


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                              timeout=timeout, check=False, cwd=REPO)
    except subprocess.TimeoutExpired:
        return None


def run_batch(work: Path, mutants: list[Mutant], jobs: int, time_limit: int,
              baseline: dict[str, list[str]]) -> BatchResult:
    """The sample and the batch through ``build`` and ``export``; every property checked."""
    shutil.rmtree(work, ignore_errors=True)
    raw, interim, curated = work / "raw", work / "interim", work / "curated"
    raw.mkdir(parents=True)
    shutil.copy(SAMPLE, raw / SAMPLE.name)
    for mutant in mutants:
        (raw / mutant.name).write_bytes(mutant.data)
    started = time.monotonic()
    # Every document stopped at its time limit: the batch can take no longer than this.
    budget = (time_limit + 10) * (len(mutants) // jobs + 2) + 120
    build = _run([PYTHON, "-m", "pipeline", "build", "--raw", raw, "--interim", interim,
                  "--jobs", str(jobs), "--time-limit", str(time_limit)], budget)
    if build is None:
        return _find_hangs(work, mutants, time_limit, baseline)
    export = _run([PYTHON, "-m", "pipeline", "export", "--raw", raw, "--interim", interim,
                   "--curated", curated], 600)
    result = BatchResult([], seconds=time.monotonic() - started)
    if export is None:
        result.crashes.append("export: did not finish in 600 s")
        result.outcomes = [_outcome(m, "crash", detail="export hung") for m in mutants]
        return result
    crashes = result.crashes
    if build.returncode != 0:
        crashes.append(f"build: exit {build.returncode}: {build.stderr[-500:]}")
    if export.returncode not in (0, 1):
        crashes.append(f"export: exit {export.returncode}: {export.stderr[-500:]}")
    lines_by_file: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for step, stream in (("build", build.stderr), ("export", export.stderr)):
        if "Traceback" in stream:
            crashes.append(f"{step}: a traceback: {stream[-800:]}")
        for line in stream.splitlines():
            match = LINE.match(line)
            if match is None:
                crashes.append(f"{step}: an unexpected line: {line[:200]!r}")
            else:
                lines_by_file[match.group(2)].append((match.group(1), match.group(3)))
    report = _run_report(curated)
    known = {m.name for m in mutants} | {SAMPLE.name}
    for name in set(lines_by_file) - known:
        crashes.append(f"an ERROR/WARNING line names no input: {name}")
    if set(report) != known:
        crashes.append(f"run report rows {sorted(set(report) ^ known)[:5]} differ from raw/")
    if report.get(SAMPLE.name, {}).get("status") != "converted":
        crashes.append(f"the sample was not converted: {report.get(SAMPLE.name)}")
    if curated.exists() and _sample_rows(curated) != baseline:
        crashes.append("the sample's rows differ from the sample exported alone")
    standards = _standards_by_file(curated)
    for mutant in mutants:
        result.outcomes.append(_judge(mutant, report.get(mutant.name), lines_by_file[mutant.name],
                                      standards, interim))
    return result


def _run_report(curated: Path) -> dict[str, dict[str, str]]:
    path = curated / "_runs" / "run_report.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["source_file"]: row for row in csv.DictReader(handle)}


def _standards_by_file(curated: Path) -> set[str]:
    path = curated / "standards.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["source_file"] for row in csv.DictReader(handle)}


def _outcome(mutant: Mutant, status: str, codes: tuple[str, ...] = (), lines: int = 0,
             detail: str = "") -> Outcome:
    return Outcome(mutant.name, mutant.base, mutant.mutator, mutant.what, status, codes, lines,
                   detail)


def _judge(mutant: Mutant, row: dict[str, str] | None, lines: list[tuple[str, str]],
           standards: set[str], interim: Path) -> Outcome:
    errors = [code for level, code in lines if level == "ERROR"]
    if row is None:
        return _outcome(mutant, "crash", detail="no run-report row")
    codes = tuple(row["finding_codes"].split())
    if row["status"] == "converted":
        if errors:
            return _outcome(mutant, "crash", codes, len(errors), "converted yet named by ERROR")
        if mutant.name not in standards:
            return _outcome(mutant, "crash", codes, 0, "converted but not in standards.csv")
        return _outcome(mutant, "exported", codes)
    if row["status"] == "skipped":
        return _outcome(mutant, "skipped", codes)
    whole = set(codes) & WHOLE_DOCUMENT_CODES
    if whole and (len(errors) != 1 or errors[0] not in whole):
        return _outcome(mutant, "crash", codes, len(errors),
                        f"rejected as a whole ({codes}) but ERROR lines {errors}")
    if not whole and (not errors or set(errors) != set(codes)):
        return _outcome(mutant, "crash", codes, len(errors),
                        f"rejected, ERROR lines {errors} != report codes {codes}")
    detail = _failure_place(interim / mutant.name / "error.log") \
        if "internal-error" in codes else ""
    return _outcome(mutant, "rejected", codes, len(errors), detail)


def _failure_place(log: Path) -> str:
    """The exception and the innermost frame of a document's error.log."""
    if not log.exists():
        return "(no error.log)"
    text = log.read_text(encoding="utf-8")
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', text)
    last = text.strip().splitlines()[-1]
    if not frames:
        return last[:200]
    path, line, func = frames[-1]
    short = path.split("site-packages/")[-1].split("wt-boundary/")[-1]
    return f"{last.split(':')[0]} at {short}:{line} in {func}"


def _find_hangs(work: Path, mutants: list[Mutant], time_limit: int,
                baseline: dict[str, list[str]]) -> BatchResult:
    """A batch that did not finish: each input alone, to name the one(s) that hung."""
    result = BatchResult([], ["a batch outlived every document's time limit"])
    for mutant in mutants:
        alone = run_batch(work.with_name(work.name + "-alone"), [mutant], 1, time_limit,
                          baseline) if len(mutants) > 1 else None
        if alone is None:
            result.outcomes.append(_outcome(mutant, "hang", detail="no result within the limit"))
        else:
            result.outcomes += alone.outcomes
    return result


# ------------------------------------------------------------------ the campaign


@dataclass
class Campaign:
    seed: str
    inputs: int
    jobs: int
    time_limit: int
    batch_size: int
    outcomes: list[Outcome] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_campaign(seed: str, count: int, jobs: int, time_limit: int, batch_size: int,
                 work: Path, bases: tuple[Base, ...] | None = None,
                 exclude: frozenset[str] = frozenset(), keep: Path | None = None,
                 progress: bool = False) -> Campaign:
    """``count`` inputs of the campaign ``seed`` through the pipeline; every property checked."""
    bases = bases or all_bases()
    campaign = Campaign(seed, count, jobs, time_limit, batch_size)
    started = time.monotonic()
    baseline = _baseline()
    mutants = (generate(seed, i, bases, exclude) for i in range(count))
    for number, batch in enumerate(batches(mutants, batch_size)):
        result = run_batch(work / "batch", batch, jobs, time_limit, baseline)
        campaign.outcomes += result.outcomes
        campaign.crashes += [f"batch {number}: {c}" for c in result.crashes]
        if keep is not None:
            _keep_inputs(keep, batch, result)
        if progress:
            done = len(campaign.outcomes)
            bad = sum(o.status in ("crash", "hang") for o in campaign.outcomes)
            print(f"[{done}/{count}] batch {number}: {len(batch)} inputs in "
                  f"{result.seconds:.0f} s; crashes and hangs so far: "
                  f"{bad + len(campaign.crashes)}", file=sys.stderr, flush=True)
    campaign.seconds = time.monotonic() - started
    shutil.rmtree(work / "batch", ignore_errors=True)
    return campaign


def _baseline() -> dict[str, list[str]]:
    """The sample's rows exported alone: the committed curated/ (tests/test_build.py checks
    that it is exactly what the sample alone exports)."""
    return _sample_rows(REPO / "curated")


def _keep_inputs(keep: Path, batch: list[Mutant], result: BatchResult) -> None:
    """The inputs that crashed, hung or raised an internal error, to reproduce them by hand."""
    kept = {o.name for o in result.outcomes
            if o.status in ("crash", "hang") or "internal-error" in o.codes}
    for mutant in batch:
        if mutant.name in kept or result.crashes:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / mutant.name).write_bytes(mutant.data)


def summarize(campaign: Campaign) -> dict[str, object]:
    """The figures docs/fuzz-results.* report."""
    outcomes = campaign.outcomes
    status = Counter(o.status for o in outcomes)
    rejected = [o for o in outcomes if o.status == "rejected"]
    reasons = Counter(code for o in rejected for code in o.codes)
    by_mutator: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        by_mutator[o.mutator][o.status] += 1
        if "internal-error" in o.codes:
            by_mutator[o.mutator]["internal-error"] += 1
    internal: dict[str, list[str]] = defaultdict(list)
    for o in outcomes:
        if "internal-error" in o.codes:
            internal[o.detail].append(f"{o.name} ({o.what})")
    return {
        "seed": campaign.seed, "inputs": len(outcomes), "jobs": campaign.jobs,
        "time_limit_s": campaign.time_limit, "batch_size": campaign.batch_size,
        "seconds": round(campaign.seconds),
        "exported": status["exported"], "rejected": status["rejected"],
        "skipped": status["skipped"], "hangs": status["hang"],
        "crashes": status["crash"] + len(campaign.crashes),
        "rejected_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "rejected_in_one_error_line": sum(o.error_lines == 1 for o in rejected),
        "by_mutator": {m: dict(sorted(c.items())) for m, c in sorted(by_mutator.items())},
        "internal_errors": {place: {"inputs": len(names), "examples": names[:3]}
                            for place, names in sorted(internal.items(),
                                                       key=lambda kv: -len(kv[1]))},
        "crash_details": campaign.crashes[:20] + [f"{o.name}: {o.detail}" for o in outcomes
                                                  if o.status in ("crash", "hang")][:20],
        "truncation_boundaries": len(_truncations(all_bases())),
        "truncation_boundaries_cut": len({o.name.split("-", 1)[1] + o.what for o in outcomes
                                          if o.what.endswith("(systematic)")}),
    }


def render_markdown(summary: dict[str, object]) -> str:
    """docs/fuzz-results.md."""
    reasons = summary["rejected_by_reason"]
    mutators = summary["by_mutator"]
    internal = summary["internal_errors"]
    assert isinstance(reasons, dict) and isinstance(mutators, dict)
    assert isinstance(internal, dict)
    lines = [
        "# Fuzzing campaign results",
        "",
        "Written by `make fuzz` (`python -m tests.fuzz.campaign`); see the README's section "
        "\"One document never takes down the run\". Every input is reproducible: "
        "`python -m tests.fuzz.campaign --seed SEED --reproduce N --out FILE`.",
        "",
        f"Seed `{summary['seed']}`, {summary['inputs']} inputs in batches of "
        f"{summary['batch_size']} beside the sample, {summary['jobs']} workers, "
        f"{summary['time_limit_s']} s per document, {summary['seconds']} s in all.",
        "",
        "| measure | count |",
        "| --- | --- |",
        f"| inputs tried | {summary['inputs']} |",
        f"| exported | {summary['exported']} |",
        f"| rejected | {summary['rejected']} |",
        f"| skipped (the same bytes as another input) | {summary['skipped']} |",
        f"| **hangs** | **{summary['hangs']}** |",
        f"| **crashes** | **{summary['crashes']}** |",
        "",
        f"Systematic truncations: {summary['truncation_boundaries_cut']} of the "
        f"{summary['truncation_boundaries']} object boundaries of the PDF bases cut (one input "
        f"in {SYSTEMATIC_EVERY} cuts the next one).",
        "",
        f"{summary['rejected_in_one_error_line']} of the rejected inputs were named in exactly "
        "one ERROR line; the others in one line per problem found (a document read but "
        "invalid).",
        "",
        "## Rejected, by reason",
        "",
        "A document rejected for several reasons counts under each.",
        "",
        "| finding code | inputs |",
        "| --- | --- |",
        *(f"| `{code}` | {n} |" for code, n in reasons.items()),
        "",
        "## By mutation",
        "",
        "| mutation | exported | rejected | of which internal-error | skipped | hangs | crashes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(f"| {m} | {c.get('exported', 0)} | {c.get('rejected', 0)} | "
          f"{c.get('internal-error', 0)} | {c.get('skipped', 0)} | {c.get('hang', 0)} | "
          f"{c.get('crash', 0)} |" for m, c in mutators.items()),
        "",
        "## Internal errors the boundary caught",
        "",
        "Each is a document rejected with `internal-error` (the run went on): an exception in the "
        "reading code, by exception and innermost frame, with up to three inputs.",
        "",
    ]
    if not internal:
        lines.append("None.")
    for place, entry in internal.items():
        lines.append(f"- `{place}` — {entry['inputs']} input(s), e.g. "
                     + "; ".join(f"`{e}`" for e in entry["examples"]))
    if summary["crash_details"]:
        lines += ["", "## Crashes and hangs", ""]
        lines += [f"- {d}" for d in summary["crash_details"]]  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.campaign",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=5000, help="mutated inputs to try")
    parser.add_argument("--seed", default="icap-15", help="the campaign's seed")
    parser.add_argument("--jobs", type=int, default=2, help="build workers")
    parser.add_argument("--time-limit", type=int, default=60, help="seconds per document")
    parser.add_argument("--batch", type=int, default=40, help="inputs beside the sample per run")
    parser.add_argument("--work", default=str(REPO / ".cache" / "fuzz"), help="scratch folder")
    parser.add_argument("--report", default=str(REPO / "docs" / "fuzz-results"),
                        help="write REPORT.json and REPORT.md ('' for none)")
    parser.add_argument("--reproduce", type=int, default=None, metavar="N",
                        help="write input N to --out and print how it was made")
    parser.add_argument("--out", default=None, help="with --reproduce: the file to write")
    args = parser.parse_args(argv)
    if args.reproduce is not None:
        mutant = generate(args.seed, args.reproduce, all_bases())
        Path(args.out or mutant.name).write_bytes(mutant.data)
        print(f"{mutant.name}: {mutant.base}, {mutant.mutator}: {mutant.what}")
        return 0
    work = Path(args.work)
    campaign = run_campaign(args.seed, args.inputs, args.jobs, args.time_limit, args.batch, work,
                            keep=work / "kept", progress=True)
    summary = summarize(campaign)
    if args.report:
        Path(args.report + ".json").write_text(json.dumps(summary, ensure_ascii=False, indent=1)
                                               + "\n", encoding="utf-8")
        Path(args.report + ".md").write_text(render_markdown(summary), encoding="utf-8")
    print(f"{summary['inputs']} inputs: {summary['exported']} exported, {summary['rejected']} "
          f"rejected, {summary['skipped']} skipped, {summary['hangs']} hangs, "
          f"{summary['crashes']} crashes ({summary['seconds']} s)")
    return 0 if summary["hangs"] == summary["crashes"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
