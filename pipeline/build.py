"""Build: bring every document's interim files up to date, in one process or a pool of them.

Each document keeps one file per stage in ``interim/<file>/`` (extract.json … validate.json). A
stage is re-run when its output is missing or older than its input or than any module it depends
on — make's rule, applied per document and per stage — so adding a file re-extracts that file
only, editing ``validate.py`` re-runs validation (and export) but extracts nothing, and an
unchanged catalogue does no work. It runs in-process rather than as a make recipe per stage
because starting Python and importing pdfplumber for every stage of every document cost more
than parsing the PDFs themselves (see docs/performance.md).
"""

from __future__ import annotations

import hashlib
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import records
from pipeline.summary import SUMMARY_FILE, built_summary, summary_record

STAGES = ("extract", "stitch", "parse", "normalize", "validate")
_PACKAGE = Path(__file__).resolve().parent
_COMMON = ("__init__.py", "records.py", "layout.py", "headers.py", "radicals.py", "severity.py",
           "build.py")
# The modules each stage's output depends on (its own code and what it imports; a test checks
# the list against the imports).
STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "extract": ("extract.py", "extract_pdf.py", "pdf_tables.py", "pdf_text.py", "pdf_columns.py",
                "pdf_objects.py"),
    "stitch": ("stitch.py", "cell_repairs.py", "normalize.py", "spec.py"),
    "parse": ("parse.py", "codes.py", "census.py", "sections.py", "attitudes.py", "normalize.py",
              "spec.py"),
    "normalize": ("normalize.py", "spec.py"),
    "validate": ("validate.py", "spec.py", "order.py", "summary.py"),
}


def stage_file(interim: Path, source: Path, stage: str) -> Path:
    return interim / source.name / f"{stage}.json"


def module_times(package: Path = _PACKAGE, assume_new: tuple[str, ...] = ()) -> dict[str, float]:
    """Modification time of each stage's newest module (``assume_new``: treat as just edited)."""
    out = {}
    for stage, names in STAGE_MODULES.items():
        paths = [package / n for n in (*names, *_COMMON)]
        newest = max(p.stat().st_mtime for p in paths)
        if any(Path(a).name in (*names, *_COMMON) for a in assume_new):
            newest = float("inf")
        out[stage] = newest
    return out


def source_signature(source: Path) -> str:
    """Size and modification time to the nanosecond: any replacement of the file changes it,
    even by a copy that keeps an older timestamp (`cp -p`, `wget`), which "newer than" misses."""
    info = source.stat()
    return f"{info.st_size} {info.st_mtime_ns}"


def _signature_file(interim: Path, source: Path) -> Path:
    return interim / source.name / "source.sig"


def stale_stages(source: Path, interim: Path, modules: dict[str, float]) -> list[str]:
    """The stages to re-run for one document, in order (from the first stale one on)."""
    signature = _signature_file(interim, source)
    if not signature.exists() or signature.read_text() != source_signature(source):
        return list(STAGES)
    previous = source.stat().st_mtime
    for index, stage in enumerate(STAGES):
        output = stage_file(interim, source, stage)
        if not output.exists():
            return list(STAGES[index:])
        made = output.stat().st_mtime
        if made < previous or made < modules[stage]:
            return list(STAGES[index:])
        previous = made
    if built_summary(stage_file(interim, source, "validate")) is None:
        return ["validate"]  # its summary.json is missing or sums up another validate.json
    return []


class TimeLimit(BaseException):
    """A document ran past its time limit. A BaseException, so that no library's blanket
    ``except Exception`` (pdfplumber wraps pdfminer's errors that way) can swallow it."""


def _on_alarm(_signum: int, _frame: object) -> None:
    raise TimeLimit


def extract_stage(source: Path, time_limit: int) -> records.ExtractedDocument:
    """Extract one source; a file that cannot be read becomes a document with one error."""
    from pipeline.extract import UnsupportedSource, extract_file

    failure: tuple[str, str] | None = None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(time_limit)
    try:
        return extract_file(source)
    except UnsupportedSource as exc:
        failure = (exc.code, str(exc))
    except TimeLimit:
        failure = ("time-limit", f"extraction took longer than the {time_limit} s limit per "
                   "document (raise it with DOC_TIME_LIMIT=seconds)")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return records.ExtractedDocument(
        source=records.Source(source.name, hashlib.sha256(source.read_bytes()).hexdigest(),
                              "unknown", 0),
        title=records.GridRow(1, ("",)), versions=(), profile=(), main=(), attitudes=(), notes=(),
        findings=(records.Finding(failure[0], "error", None, source.name, failure[1]),),
    )


def _later_stages() -> dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[[Any], Any]]]:
    from pipeline.normalize import normalize_tables
    from pipeline.parse import parse_document
    from pipeline.stitch import stitch_document
    from pipeline.validate import validate_document

    return {
        "stitch": (records.extracted_from_dict, stitch_document),
        "parse": (records.stitched_from_dict, parse_document),
        "normalize": (records.tableset_from_dict, normalize_tables),
        "validate": (records.tableset_from_dict, validate_document),
    }


def run_stage(stage: str, source: Path, interim: Path, time_limit: int) -> Any:
    """Run one stage for one document from the previous stage's file; write and return it."""
    if stage == "extract":
        signature = source_signature(source)
        result: Any = extract_stage(source, time_limit)
        _signature_file(interim, source).parent.mkdir(parents=True, exist_ok=True)
        _signature_file(interim, source).write_text(signature)
    else:
        load, run = _later_stages()[stage]
        before = STAGES[STAGES.index(stage) - 1]
        result = run(load(records.read_json(stage_file(interim, source, before))))
    records.write_json(result, stage_file(interim, source, stage))
    if stage == "validate":  # and its summary, for the export's plan (pipeline.summary)
        validated = stage_file(interim, source, stage).stat()
        records.write_json(summary_record(result, validated), interim / source.name / SUMMARY_FILE)
    return result


@dataclass(frozen=True)
class DocumentWork:
    source: Path
    stages: tuple[str, ...]


@dataclass(frozen=True)
class DocumentResult:
    source: str
    stages: tuple[str, ...]
    status: str  # ok | rejected (n error(s))


def process(work: DocumentWork, interim: Path, time_limit: int) -> DocumentResult:
    result = None
    for stage in work.stages:
        result = run_stage(stage, work.source, interim, time_limit)
    errors = sum(1 for f in result.findings if f.severity == "error") if result else 0
    rejected = bool(result and getattr(result, "is_rejected", False))
    status = f"rejected ({errors} error(s))" if rejected else "ok"
    return DocumentResult(work.source.name, work.stages, status)


def plan(sources: list[Path], interim: Path, modules: dict[str, float]) -> list[DocumentWork]:
    work = [DocumentWork(s, tuple(stale_stages(s, interim, modules))) for s in sources]
    return [w for w in work if w.stages]


def _process_one(args: tuple[DocumentWork, Path, int]) -> DocumentResult:
    return process(*args)


def build(sources: list[Path], interim: Path, jobs: int, time_limit: int,
          on_done: Callable[[int, int, DocumentResult], None]) -> list[DocumentResult]:
    """Bring every document up to date; ``on_done(k, n, result)`` after each one."""
    todo = plan(sources, interim, module_times())
    results: list[DocumentResult] = []
    if jobs <= 1 or len(todo) <= 1:
        for work in todo:
            results.append(process(work, interim, time_limit))
            on_done(len(results), len(todo), results[-1])
        return results
    # Largest files first: the pool hands documents out in this order, so the last ones to
    # finish are short and no worker is left alone with a long document at the end.
    todo.sort(key=lambda w: (-w.source.stat().st_size, w.source.name))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for done in pool.map(_process_one, [(w, interim, time_limit) for w in todo]):
            results.append(done)
            on_done(len(results), len(todo), done)
    return results


class DuplicateFileName(ValueError):
    """Two files of raw/, in different subfolders, have one name. A document is known by its
    file name (its interim/ folder, the run report, standards.source_file), so one would take
    the other's place unseen; the run stops and names both instead."""

    def __init__(self, first: Path, second: Path) -> None:
        super().__init__(f"{first} and {second} have the same file name; a document is known "
                         "by its file name: rename or remove one")
        self.path = second


def list_sources(raw: Path) -> list[Path]:
    """The documents of a raw/ folder: every file in it or in its subfolders (analysts sort
    raw/ by occupation or year), hidden files and folders aside, in name order."""
    found: dict[str, Path] = {}
    for path in sorted(raw.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(raw).parts)
        if hidden or not path.is_file():
            continue
        if path.name in found:
            raise DuplicateFileName(found[path.name], path)
        found[path.name] = path
    return [found[name] for name in sorted(found)]


def print_plan(todo: list[DocumentWork]) -> None:
    for work in todo:
        print(f"{work.source.name}: {' '.join(work.stages)}", file=sys.stdout)
