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
import multiprocessing
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import records
from pipeline.failures import (
    ERROR_LOG,
    FAILED_FILE,
    changed_during_run,
    failed_document,
    failure_log,
    internal_error,
    unknown_source,
)
from pipeline.records import Finding
from pipeline.severity import finding
from pipeline.snapshot import Snapshot, source_signature
from pipeline.summary import SUMMARY_FILE, built_summary, summary_record

STAGES = ("extract", "stitch", "parse", "normalize", "validate")
_PACKAGE = Path(__file__).resolve().parent
_COMMON = ("__init__.py", "records.py", "layout.py", "headers.py", "radicals.py", "severity.py",
           "build.py")
# The modules each stage's output depends on (its own code and what it imports; a test checks
# the list against the imports).
STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "extract": ("extract.py", "extract_pdf.py", "pdf_tables.py", "pdf_text.py", "pdf_columns.py",
                "pdf_objects.py", "page_copies.py"),
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


def _signature_file(interim: Path, source: Path) -> Path:
    return interim / source.name / "source.sig"


def stale_stages(source: Path, interim: Path, modules: dict[str, float],
                 signature: str | None = None) -> list[str]:
    """The stages to re-run for one document, in order (from the first stale one on).
    ``signature``: the source's, as the run's snapshot of raw/ saw it (default: as it is now)."""
    current = source_signature(source) if signature is None else signature
    signed = _signature_file(interim, source)
    if not signed.exists() or signed.read_text() != current:
        return list(STAGES)
    previous = int(current.split()[1]) / 1e9  # the source's modification time
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


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimit in the body after ``seconds``. Inside another time limit (the whole
    document's, while the build processes it) that one holds: one document, one deadline."""
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_stage(source: Path, time_limit_s: int) -> records.ExtractedDocument:
    """Extract one source; a file that cannot be read becomes a document with one error."""
    from pipeline.extract import UnsupportedSource, extract_file

    failure: tuple[str, str] | None = None
    try:
        with time_limit(time_limit_s):
            return extract_file(source)
    except UnsupportedSource as exc:
        failure = (exc.code, str(exc))
    except TimeLimit:
        failure = ("time-limit", f"extraction took longer than the {time_limit_s} s limit per "
                   "document (raise it with DOC_TIME_LIMIT=seconds)")
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


def compute_stage(stage: str, source: Path, interim: Path, time_limit_s: int) -> Any:
    """One stage's result for one document, from the source or the previous stage's file: the
    document's part of the work, where whatever it raises is the document's failure."""
    if stage == "extract":
        return extract_stage(source, time_limit_s)
    load, run = _later_stages()[stage]
    before = STAGES[STAGES.index(stage) - 1]
    return run(load(records.read_json(stage_file(interim, source, before))))


def write_stage(stage: str, source: Path, interim: Path, result: Any,
                signature: str | None = None) -> None:
    """Write one stage's result (extract: with the source's ``signature`` as read before it).
    The run's part of the work: a failure here (a full disk) is the run's, not the document's."""
    folder = interim / source.name
    if stage == "extract":
        folder.mkdir(parents=True, exist_ok=True)
        _signature_file(interim, source).write_text(signature or source_signature(source))
    records.write_json(result, stage_file(interim, source, stage))
    if stage == "validate":  # and its summary, for the export's plan (pipeline.summary)
        validated = stage_file(interim, source, stage).stat()
        records.write_json(summary_record(result, validated), folder / SUMMARY_FILE)
        # The document went through: a failure recorded by an earlier run is over.
        for name in (FAILED_FILE, ERROR_LOG):
            (folder / name).unlink(missing_ok=True)


def run_stage(stage: str, source: Path, interim: Path, time_limit_s: int) -> Any:
    """Run one stage for one document from the previous stage's file; write and return it."""
    signature = source_signature(source) if stage == "extract" else None
    result = compute_stage(stage, source, interim, time_limit_s)
    write_stage(stage, source, interim, result, signature)
    return result


@dataclass(frozen=True)
class DocumentWork:
    source: Path
    stages: tuple[str, ...]
    signature: str | None = None  # the source's in the run's snapshot (None: read it now)


@dataclass(frozen=True)
class DocumentResult:
    source: str
    stages: tuple[str, ...]
    status: str  # ok | rejected (n error(s)) | failed (<code>)


def _record_failure(work: DocumentWork, stage: str, interim: Path, finding: Finding,
                    log: str) -> None:
    """Keep a failed document's error where the export reads it (failed.json) and its traceback
    (error.log); remove the outputs of the stage that failed and of every later one, so that the
    next run tries that stage again (see pipeline.failures)."""
    folder = interim / work.source.name
    for later in STAGES[STAGES.index(stage):]:
        stage_file(interim, work.source, later).unlink(missing_ok=True)
    (folder / SUMMARY_FILE).unlink(missing_ok=True)
    if stage == "extract":
        _signature_file(interim, work.source).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ERROR_LOG).write_text(log, encoding="utf-8")
    try:
        sha256 = hashlib.sha256(work.source.read_bytes()).hexdigest()
        source = records.Source(work.source.name, sha256, "unknown", 0)
    except OSError:
        source = unknown_source(work.source.name)  # gone, or unreadable: the error says so
    records.write_json(failed_document(source, finding), folder / FAILED_FILE)


def _failure(work: DocumentWork, exc: BaseException, time_limit_s: int) -> Finding:
    """What to call a document's failure: its time limit, its file changing under the run (the
    likelier cause of anything raised then), or an internal error."""
    name = work.source.name
    if isinstance(exc, TimeLimit):
        return finding("time-limit", None, name,
                       f"processing took longer than the {time_limit_s} s limit per document "
                       "(raise it with DOC_TIME_LIMIT=seconds)")
    try:
        changed = work.signature is not None and source_signature(work.source) != work.signature
    except OSError:
        changed = True
    return changed_during_run(name, exc) if changed else internal_error(name, exc)


def process(work: DocumentWork, interim: Path, time_limit_s: int,
            contain_failures: bool = False) -> DocumentResult:
    """Run a document's stale stages, within one time limit for the whole document.

    With ``contain_failures`` (the command line's runs), anything a stage raises for this
    document is its failure, recorded for the export (see pipeline.failures), and the run goes
    on; without it (tests, callers that want a bug to show) it propagates. A document past its
    time limit is always its own failure, and KeyboardInterrupt always stops the run.
    """
    def failed(stage: str, exc: BaseException) -> DocumentResult:
        finding = _failure(work, exc, time_limit_s)
        _record_failure(work, stage, interim, finding, failure_log(work.source.name, stage, exc))
        return DocumentResult(work.source.name, work.stages, f"failed ({finding.code})")

    result = None
    deadline = time.monotonic() + time_limit_s
    for stage in work.stages:
        signature = (work.signature or source_signature(work.source)) if stage == "extract" \
            else None
        try:
            with time_limit(max(deadline - time.monotonic(), 0.001)):
                result = compute_stage(stage, work.source, interim, time_limit_s)
        except (Exception, TimeLimit) as exc:
            if not (contain_failures or isinstance(exc, TimeLimit)):
                raise
            return failed(stage, exc)
        try:
            write_stage(stage, work.source, interim, result, signature)
        except OSError:
            raise  # interim/ cannot be written (a full disk): the run's failure
        except Exception as exc:  # the result is no JSON (a lone surrogate): the document's
            if not contain_failures:
                raise
            return failed(stage, exc)
    errors = sum(1 for f in result.findings if f.severity == "error") if result else 0
    rejected = bool(result and getattr(result, "is_rejected", False))
    status = f"rejected ({errors} error(s))" if rejected else "ok"
    return DocumentResult(work.source.name, work.stages, status)


def plan(sources: list[Path], interim: Path, modules: dict[str, float],
         snapshot: Snapshot | None = None) -> list[DocumentWork]:
    """The documents with stale stages. With the run's ``snapshot`` of raw/, a source is judged
    by its signature there, so a file that changes or goes after it is not read for the plan."""
    work = []
    for source in sources:
        signature = snapshot.signatures.get(source.name) if snapshot else None
        try:
            stages = stale_stages(source, interim, modules, signature)
        except OSError:
            stages = list(STAGES)  # gone since: extract, which records the document's failure
        work.append(DocumentWork(source, tuple(stages), signature))
    return [w for w in work if w.stages]


def _process_one(args: tuple[DocumentWork, Path, int, bool]) -> DocumentResult:
    return process(*args)


def _quiet_worker() -> None:
    """A pool worker lets the parent answer Ctrl-C and SIGTERM (sent to the whole process group
    by a terminal or make): the parent reports the interrupt once and kills the workers (see
    ``build``). A worker's own KeyboardInterrupt printed a traceback per worker, and a worker
    that died of the signal first broke the pool, so that the run ended as a failure
    (BrokenProcessPool) rather than as interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _size(work: DocumentWork) -> int:
    if work.signature is not None:
        return int(work.signature.split()[0])
    try:
        return work.source.stat().st_size
    except OSError:
        return 0


def build(sources: list[Path], interim: Path, jobs: int, time_limit_s: int,
          on_done: Callable[[int, int, DocumentResult], None], contain_failures: bool = False,
          snapshot: Snapshot | None = None) -> list[DocumentResult]:
    """Bring every document up to date; ``on_done(k, n, result)`` after each one.

    ``contain_failures``: a document's failure is its own (see ``process``). ``snapshot``: raw/
    as the run found it, which the export will read too (see ``Snapshot``).
    """
    todo = plan(sources, interim, module_times(), snapshot)
    results: list[DocumentResult] = []
    if jobs <= 1 or len(todo) <= 1:
        for work in todo:
            results.append(process(work, interim, time_limit_s, contain_failures))
            on_done(len(results), len(todo), results[-1])
        return results
    # Largest files first: the pool hands documents out in this order, so the last ones to
    # finish are short and no worker is left alone with a long document at the end.
    todo.sort(key=lambda w: (-_size(w), w.source.name))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker) as pool:
        try:
            for done in pool.map(_process_one, [(w, interim, time_limit_s, contain_failures)
                                                for w in todo]):
                results.append(done)
                on_done(len(results), len(todo), done)
        except BaseException:
            # Interrupted (or failed): stop the workers now rather than after their documents.
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in multiprocessing.active_children():
                worker.kill()
            raise
    return results


def print_plan(todo: list[DocumentWork]) -> None:
    for work in todo:
        print(f"{work.source.name}: {' '.join(work.stages)}", file=sys.stdout)
