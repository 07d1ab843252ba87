"""`make bench`: the whole catalogue on this machine, measured against pdfplumber itself.

Renders a synthetic catalogue of BENCH_N documents (default 900) by cycling the real-content
standards through the fast route, each copy under its own standard code and with its own page
fill (so layouts vary); PDFs are cached in .cache/bench/ (outside git). Then, on the same files:
1. the floor — pdfplumber opening each PDF and calling extract_tables() on every page, one process;
2. the pipeline's cold build (`make`) with JOBS=1 and JOBS=2;
3. a second `make` with nothing changed, and one new version added to the built catalogue;
4. the peak RSS of the largest process of each run, and of the export alone over a third of the
   catalogue, over all of it, and over three and nine times it (each validated document again
   under other codes): how memory grows with the catalogue.
Prints pages/s and the ratios, and writes docs/benchmark-results.json.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber

from pipeline.summary import SUMMARY_FILE, file_signature
from tests.render.corpus import all_standards, is_renderable
from tests.render.model import Standard, Version
from tests.render.paginate import paginate
from tests.render.pdf_fast import fast_route_text, render_fast
from tests.render.roundtrip import map_texts

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "bench"
RESULTS = REPO / "docs" / "benchmark-results.json"


def catalogue_copy(std: Standard, n: int, version: int | None = None) -> Standard:
    """The n-th copy of a standard as a distinct standard (its own code, its own version table)."""
    prefix = std.code[:3]
    version = version or int(std.code.rsplit("v", 1)[1])
    stem = f"{prefix}{n // 1000:04d}-{n % 1000:03d}"
    code = f"{stem}v{version}"
    rows = [Version(f"V{v}", f"{stem}v{v}", std.name, "最新版本" if v == version else "歷史版本",
                    "略" if v == version else f"已被《{stem}v{v + 1}》取代",
                    f"{2025 - (version - v)}/12/15")
            for v in range(version, 0, -1)]
    return dataclasses.replace(std, code=code, versions=tuple(rows))


def render_catalogue(count: int) -> list[Path]:
    """The benchmark's PDFs, rendered once and cached."""
    base = [map_texts(s, fast_route_text) for _stem, s in all_standards() if is_renderable(s)]
    folder = CACHE / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        std = catalogue_copy(base[n % len(base)], n)
        path = folder / f"{std.code}.pdf"
        if not path.exists():
            fill = 0.8 + 0.2 * ((n * 7919) % 100) / 100  # layouts vary from copy to copy
            path.write_bytes(render_fast(paginate(std, fill=fill)[0]))
        paths.append(path)
    return paths


def floor(paths: list[Path]) -> tuple[int, float]:
    """pdfplumber alone: open each PDF, extract_tables() on every page."""
    pages, start = 0, time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
                pages += 1
    return pages, time.perf_counter() - start


@dataclasses.dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: int  # the largest process of the run (make and everything it started)


# Runs a command and prints the peak RSS of its process tree. A trampoline, because Linux
# carries a process's peak RSS across fork and exec: make started straight from this script
# would report this script's own peak (pdfplumber's, after the floor run) as its own.
_TRAMPOLINE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _timed(command: list[str]) -> Run:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _TRAMPOLINE, *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, command, stderr=result.stderr)
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return Run(seconds, round(peak_kb / 1024))


def make(work: Path, *args: str) -> Run:
    return _timed(["make", "--no-print-directory", "-C", str(REPO), f"RAW={work / 'raw'}",
                   f"INTERIM={work / 'interim'}", f"CURATED={work / 'curated'}", "QUIET=1",
                   *args])


def export_rss(work: Path, count: int) -> int:
    """Peak RSS of the export step alone over the first ``count`` documents of the built
    catalogue (their interim files are already there): how memory grows with the catalogue."""
    subset = work.parent / f"subset-{count}"
    shutil.rmtree(subset, ignore_errors=True)
    (subset / "raw").mkdir(parents=True)
    for path in sorted((work / "raw").iterdir())[:count]:
        os.link(path, subset / "raw" / path.name)
    run = _timed([sys.executable, "-m", "pipeline", "-q", "export", "--raw", str(subset / "raw"),
                  "--interim", str(work / "interim"), "--curated", str(subset / "curated")])
    shutil.rmtree(subset)
    return run.peak_rss_mb


def export_rss_copies(work: Path, copies: int) -> tuple[int, int]:
    """(documents, peak RSS) of the export over ``copies`` times the built catalogue: every
    validated document again under other standard codes (its interim files rewritten, no PDF
    rendered), to see memory beyond the catalogue's own size."""
    subset = work.parent / f"copies-{copies}"
    shutil.rmtree(subset, ignore_errors=True)
    validated = []
    for path in sorted((work / "interim").glob("*/validate.json")):
        texts = [path.read_text(encoding="utf-8"),
                 path.with_name(SUMMARY_FILE).read_text(encoding="utf-8")]
        standards = json.loads(texts[0])["tables"].get("standards") or [{}]
        standard_id = standards[0].get("standard_id")
        for copy in range(copies):
            target = subset / "interim" / f"{path.parent.name}.{copy}" / "validate.json"
            target.parent.mkdir(parents=True)
            # The id is in the code, the source file name and the version table's codes; the
            # summary is signed with the copy's validate.json, as the build signs it.
            document, summary = (text.replace(standard_id, f"{standard_id}{copy}")
                                 if standard_id else text for text in texts)
            target.write_text(document, encoding="utf-8")
            record = json.loads(summary)
            record["validated"] = file_signature(target.stat())
            target.with_name(SUMMARY_FILE).write_text(json.dumps(record, ensure_ascii=False),
                                                      encoding="utf-8")
            validated.append(str(target))
    run = _timed([sys.executable, "-m", "pipeline", "-q", "export", "--curated",
                  str(subset / "curated"), *validated])
    shutil.rmtree(subset)
    return len(validated), run.peak_rss_mb


def fresh(work: Path, paths: list[Path]) -> None:
    shutil.rmtree(work, ignore_errors=True)
    (work / "raw").mkdir(parents=True)
    for path in paths:
        os.link(path, work / "raw" / path.name)


def main() -> int:
    count = int(os.environ.get("BENCH_N", "900"))
    print(f"rendering {count} documents (cached in {CACHE})…", file=sys.stderr)
    paths = render_catalogue(count)
    pages, floor_s = floor(paths)
    work = CACHE / "work"
    runs: dict[str, Run] = {}
    for jobs in (1, 2):
        fresh(work, paths)
        runs[f"cold_{jobs}"] = make(work, f"JOBS={jobs}")
    runs["nothing_changed"] = make(work)
    base = [s for _stem, s in all_standards() if is_renderable(s)]
    newer = catalogue_copy(map_texts(base[0], fast_route_text), 0,
                           version=int(base[0].code.rsplit("v", 1)[1]) + 1)
    (work / "raw" / f"{newer.code}.pdf").write_bytes(render_fast(paginate(newer)[0]))
    runs["one_new_version"] = make(work)
    # Memory against catalogue size: the export over a third of the documents and over all.
    export_mb = {str(n): export_rss(work, n) for n in sorted({max(1, count // 3), count + 1})}
    for times in (3, 9):
        copies, copies_mb = export_rss_copies(work, times)
        export_mb[str(copies)] = copies_mb
    timings = {k: r.seconds for k, r in runs.items()}
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, pdfplumber {pdfplumber.__version__}",
        "documents": count, "pages": pages,
        "floor_pages_per_s": round(pages / floor_s, 1),
        "pipeline_1_worker_pages_per_s": round(pages / timings["cold_1"], 1),
        "pipeline_2_workers_pages_per_s": round(pages / timings["cold_2"], 1),
        "pipeline_over_floor_1_worker": round(floor_s / timings["cold_1"], 2),
        "two_workers_over_one": round(timings["cold_1"] / timings["cold_2"], 2),
        "nothing_changed_s": round(timings["nothing_changed"], 2),
        "one_new_version_s": round(timings["one_new_version"], 2),
        "peak_rss_mb": max(r.peak_rss_mb for r in runs.values()),
        "peak_rss_mb_by_run": {k: r.peak_rss_mb for k, r in runs.items()},
        "export_peak_rss_mb_by_documents": export_mb,
        "seconds": {k: round(v, 1) for k, v in timings.items()} | {"floor": round(floor_s, 1)},
    }
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for key, value in results.items():
        print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
