"""Command line: one subcommand per stage, each reading and writing files in interim/.

The Makefile runs ``build`` then ``export`` over raw/. Exit codes: 0 success; 1 the run finished
but a document was rejected or could not be processed (diff: the tables differ and
--fail-on-change was given); 2 bad usage or unreadable input (two files of one name in raw/);
3 the run itself failed (a full disk, curated/ unwritable: one ERROR line, the traceback in
interim/run-error.log); 130 and 143 interrupted by Ctrl-C or SIGTERM (one line).

A build or an export never falls over because of one document: whatever a document raises is
that document's error (pipeline.failures), unless the caller of ``main`` asks for exceptions to
propagate (``contain_failures=False``, for tests that want a bug to show).
"""

from __future__ import annotations

import argparse
import importlib.abc
import logging
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import records

EXIT_REJECTED = 1
EXIT_RUN_FAILED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a job stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
RUN_ERROR_LOG = "run-error.log"
# Names of files added during a run printed in its one line about them.
LATE_NAMES_SHOWN = 5


def _extract(args: argparse.Namespace) -> int:
    from pipeline.build import extract_stage

    records.write_json(extract_stage(Path(args.source), args.time_limit), Path(args.output))
    return 0


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import build, module_times, plan, print_plan
    from pipeline.progress import show_progress
    from pipeline.snapshot import take_snapshot, write_snapshot

    sources = [Path(s) for s in args.sources]
    # raw/ as the run finds it now: the build and the export read this one list.
    snapshot = take_snapshot(Path(args.raw)) if args.raw else None
    if snapshot is not None:
        sources += snapshot.sources
    interim = Path(args.interim)
    if args.dry_run:
        print_plan(plan(sources, interim, module_times(assume_new=tuple(args.assume_new)),
                        snapshot))
        return 0
    if snapshot is not None:
        write_snapshot(snapshot, interim)

    def done(index: int, total: int, result: Any) -> None:
        if not args.quiet:
            status = f"{result.status} ({' '.join(result.stages)})"
            show_progress(sys.stderr, index, total, result.source, status, args.verbose)

    build(sources, interim, args.jobs, args.time_limit, done,
          contain_failures=args.contain_failures, snapshot=snapshot)
    return 0


def _stage(load: Callable[[dict[str, Any]], Any], run: Callable[[Any], Any]
           ) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        doc = load(records.read_json(Path(args.input)))
        records.write_json(run(doc), Path(args.output))
        return 0
    return command


def _stitch(args: argparse.Namespace) -> int:
    from pipeline.stitch import stitch_document

    return _stage(records.extracted_from_dict, stitch_document)(args)


def _parse(args: argparse.Namespace) -> int:
    from pipeline.parse import parse_document

    return _stage(records.stitched_from_dict, parse_document)(args)


def _normalize(args: argparse.Namespace) -> int:
    from pipeline.normalize import normalize_tables

    return _stage(records.tableset_from_dict, normalize_tables)(args)


def _validate(args: argparse.Namespace) -> int:
    from pipeline.validate import validate_document

    return _stage(records.tableset_from_dict, validate_document)(args)


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """Makes pandas look absent. pyarrow imports pandas, when installed, on its first
    conversion from Python values, only to ask whether they are pandas objects; the export
    never passes any, and importing pandas cost a 900-document export 0.2 s and 40 MB of its
    peak memory. pyarrow supports running without pandas."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError("the export runs without pandas", name=fullname)


def _export(args: argparse.Namespace) -> int:
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _WithoutPandas())

    from pipeline.build import stage_file
    from pipeline.export import ChangedDuringExport, export_catalogue
    from pipeline.failures import changed_during_run, failed_document, unknown_source
    from pipeline.forked import ChildFailed
    from pipeline.progress import closing_summary, errors_to_print, finding_line
    from pipeline.publish import recover
    from pipeline.records import TableSet
    from pipeline.snapshot import changes_since, read_snapshot, take_snapshot
    from pipeline.summary import INPUT_WARNINGS

    curated, interim = Path(args.curated), Path(args.interim)
    validated = [Path(p) for p in args.validated]
    set_aside: dict[Path, TableSet] = {}
    if args.raw:
        # The snapshot the build took of raw/ (a build run alone: raw/ now), so that both
        # steps of a run read one list of documents.
        raw = Path(args.raw)
        snapshot = read_snapshot(interim, raw) or take_snapshot(raw)
        validated += [stage_file(interim, s, "validate") for s in snapshot.sources]
        added, changed = changes_since(snapshot)
        for name in changed:
            set_aside[stage_file(interim, Path(name), "validate")] = failed_document(
                unknown_source(name), changed_during_run(name))
        if added and not args.quiet:
            names = ", ".join(added[:LATE_NAMES_SHOWN])
            more = f" and {len(added) - LATE_NAMES_SHOWN} more" if len(added) > \
                LATE_NAMES_SHOWN else ""
            print(f"WARNING {raw}: added-during-run: {len(added)} file(s) appeared after the "
                  f"run started and are left for the next make: {names}{more}", file=sys.stderr)
    recover(curated)  # an interrupted publish first, so that previous rows are read
    try:
        result = export_catalogue(curated, validated, args.contain_failures, set_aside)
    except ChangedDuringExport as changed:
        print(f"ERROR {changed.path}: changed-during-export: {changed.reason}", file=sys.stderr)
        return EXIT_REJECTED
    except ChildFailed as failed:
        log = _keep_run_log(interim, getattr(failed, "log", None))
        print(f"ERROR {curated / 'icap.xlsx'}: workbook-failed: {failed}{log}", file=sys.stderr)
        return EXIT_RUN_FAILED
    for entry in result.entries:
        level = "ERROR" if entry.status == "rejected" else "WARNING"
        if args.quiet and level == "WARNING":
            continue  # --quiet prints errors only
        shown = (errors_to_print(entry.findings, stage_file(interim, Path(entry.source_file),
                                                            "validate"))
                 if entry.status == "rejected" else list(entry.findings))
        if args.verbose and entry.status == "converted":
            shown = [f for f in result.summaries[entry.source_file].findings
                     if f.severity == "warning" or f.code in INPUT_WARNINGS]
        for finding in shown:
            print(finding_line(level, entry.source_file, finding), file=sys.stderr)
    if not args.quiet:
        unchanged = sum(1 for e in result.entries if e.status == "converted"
                        and result.previous_sha256.get(e.source_file) == e.sha256)
        for line in closing_summary([e.status for e in result.entries], unchanged,
                                    result.written.severities, curated,
                                    result.written.version_reports,
                                    *_rejections(result.entries)):
            print(line)
    return EXIT_REJECTED if any(e.status == "rejected" for e in result.entries) else 0


def _rejections(entries: Any) -> tuple[int, int]:
    """The rejected documents' errors, and how many of them kept their previous rows: those
    with a code in curated/ before that no converted document provides now."""
    converted = {e.standard_code for e in entries if e.status == "converted"}
    rejected = [e for e in entries if e.status == "rejected"]
    kept = sum(1 for e in rejected if e.standard_code and e.standard_code not in converted)
    return sum(len(e.findings) for e in rejected), kept


def _diff(args: argparse.Namespace) -> int:
    from pipeline.diff import run_diff

    base = Path(args.base) if args.base else None
    report = Path(args.report) if args.report else None
    return run_diff(Path(args.curated), base, args.revision, report, args.fail_on_change)


def _show(args: argparse.Namespace) -> int:
    from pipeline.provenance import run_show

    return run_show(args)


def _serve(args: argparse.Namespace) -> int:
    from pipeline.serve import serve

    return serve(Path(args.curated), args.host, args.port)


def _docs(args: argparse.Namespace) -> int:
    from pipeline.cli_reference import render_cli_reference
    from pipeline.dictionary import render_data_dictionary, render_findings

    Path(args.output).write_text(render_data_dictionary(), encoding="utf-8")
    Path(args.output).with_name("findings.md").write_text(render_findings(), encoding="utf-8")
    if args.cli:
        Path(args.cli).write_text(render_cli_reference(build_parser()), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="iCAP competency standards → curated tables, one stage at a time. "
        "Exit status: 0 success; 1 the run finished but a document was rejected or could not "
        "be processed (or, for diff --fail-on-change, the tables differ); 2 bad usage or an "
        "unreadable baseline; 3 the run itself failed (a full disk, curated/ unwritable); 130 "
        "and 143 stopped by Ctrl-C or SIGTERM.",
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true",
                          help="print only errors (no progress, no summary)")
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="one line per document and every warning, not only errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def stage(name: str, help_text: str, func: Callable[[argparse.Namespace], int]) -> None:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("input", help="the previous stage's JSON file in interim/")
        p.add_argument("output", help="this stage's JSON file in interim/")
        p.set_defaults(func=func)

    p = sub.add_parser("extract", help="source document → section grids with pages",
                       description="Read one source document from raw/ (never modified) and "
                       "write its sections as cell grids with page numbers.")
    p.add_argument("source", help="a text export or PDF in raw/")
    p.add_argument("output", help="interim/<file>/extract.json")
    p.add_argument("--time-limit", type=int, default=300, metavar="SECONDS",
                   help="give up on a document that takes longer than this (default 300)")
    p.set_defaults(func=_extract)
    stage("stitch", "join the cells page breaks split, by each cell's role", _stitch)
    stage("parse", "cells → coded items, one row list per table", _parse)
    stage("normalize", "apply the documented text policy to every text field", _normalize)
    stage("validate", "check every rule; mark the document accepted or rejected", _validate)

    p = sub.add_parser("build", help="bring every document's interim files up to date",
                       description="Run every stale stage of every given document (a stage is "
                       "stale when its output is missing or older than its input or its code), "
                       "in one process or a pool of --jobs processes.")
    p.add_argument("sources", nargs="*", help="documents (in addition to --raw's)")
    p.add_argument("--raw", default=None, help="take every file of this folder as a document")
    p.add_argument("--interim", required=True, help="the interim/ folder")
    p.add_argument("--jobs", type=int, default=1, help="documents processed at once (default 1)")
    p.add_argument("--time-limit", type=int, default=300, metavar="SECONDS",
                   help="give up on a document that takes longer than this (default 300)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be re-run (document: stages) and do nothing")
    p.add_argument("--assume-new", action="append", default=[], metavar="MODULE",
                   help="with --dry-run: plan as if this pipeline module had just been edited")
    p.set_defaults(func=_build)

    p = sub.add_parser("export", help="validated documents → curated Parquet + CSV",
                       description="Assemble curated/ from validated interim files; a rejected "
                       "document keeps its previous curated rows. Exit 1 if any was rejected.")
    p.add_argument("--curated", required=True, help="the curated/ folder to write")
    p.add_argument("--raw", default=None, help="export every document of this raw/ folder …")
    p.add_argument("--interim", default="interim", help="… from this interim/ folder")
    p.add_argument("validated", nargs="*", help="or: interim/<file>/validate.json files")
    p.set_defaults(func=_export)

    p = sub.add_parser("diff", help="compare curated tables with a baseline, by primary key",
                       description="Compare every curated table with a baseline: schema, row "
                       "counts, rows added/removed/changed, each changed field with its old "
                       "and new value (findings and version changes matched by content). Exit "
                       "0 identical or different (1 when different with --fail-on-change), 2 "
                       "the baseline could not be read.")
    p.add_argument("--curated", default="curated", help="the freshly built curated/ folder")
    p.add_argument("--base", default=None, help="baseline folder (default: the curated/ "
                   "committed at --revision)")
    p.add_argument("--revision", default="HEAD", help="git revision of the default baseline")
    p.add_argument("--report", default=None, help="write a Markdown report here, and the "
                   "same report as a web page beside it (.html)")
    p.add_argument("--fail-on-change", action="store_true",
                   help="exit 1 when the tables differ (for CI)")
    p.set_defaults(func=_diff)

    from pipeline.provenance import SHOW_DESCRIPTION, add_show_arguments

    p = sub.add_parser("show", help="where a curated value came from: row, pages, findings",
                       description=SHOW_DESCRIPTION)
    add_show_arguments(p)
    p.set_defaults(func=_show)

    p = sub.add_parser("serve", help="browse curated/icap.sqlite in Datasette",
                       description="Serve curated/icap.sqlite (read-only) in Datasette, with "
                       "the table spec's 中文 labels and descriptions, facets by standard, duty "
                       "and level, and the two views; Ctrl-C stops it.")
    p.add_argument("--curated", default="curated", help="the curated/ folder (default curated)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    p.set_defaults(func=_serve)

    p = sub.add_parser("docs", help="write the data dictionary generated from the table spec",
                       description="Write docs/data-dictionary.md from pipeline/spec.py, "
                       "findings.md beside it from the severity policy (pipeline/severity.py) "
                       "and, with --cli, docs/cli.md from this command line's parser.")
    p.add_argument("output", help="path of the data dictionary's Markdown file")
    p.add_argument("--cli", default=None, metavar="PATH",
                   help="also write the command line reference here")
    p.set_defaults(func=_docs)
    return parser


def _quiet_pdf_libraries() -> None:
    """pdfminer logs each repair it makes in a damaged PDF (an xref entry it skips, a box it
    replaces) as a bare line on stderr, and pdfplumber warns the same way: lines of no document
    and in no format a run prints. What matters of a damaged PDF reaches the user as the
    document's findings (unreadable-source, uncovered-text, …)."""
    pdfminer = logging.getLogger("pdfminer")
    pdfminer.addHandler(logging.NullHandler())
    pdfminer.propagate = False
    warnings.filterwarnings("ignore", module=r"pdfplumber(\.|$)")


class Terminated(BaseException):
    """SIGTERM: stop at once, like Ctrl-C (a BaseException, so no ``except Exception`` stops it)."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Terminated


def _keep_run_log(interim: Path, log: str | None) -> str:
    """Write a run failure's traceback to interim/run-error.log; the clause naming it for the
    one ERROR line ("" when there is nothing to keep or interim/ cannot take it: a full disk)."""
    if not log:
        return ""
    path = interim / RUN_ERROR_LOG
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(log, encoding="utf-8")
    except OSError:
        return ""
    return f" (traceback in {path})"


def _stopped(stream: Any, how: str) -> None:
    if stream.isatty():
        stream.write("\r\033[K")  # over the progress bar, if one was drawn
    print(f"{how}: stopped; curated/ is as the last finished export left it and interim/ keeps "
          "every finished step (make goes on from there)", file=stream)


def main(argv: list[str] | None = None, contain_failures: bool = True) -> int:
    """Run one command. ``contain_failures``: a build's or an export's failure — one document's
    (that document's ERROR line) or the run's (one ERROR line, exit 3) — is reported rather than
    raised; off, every exception propagates. Ctrl-C and SIGTERM always stop with one line."""
    from pipeline.failures import failure_log, one_line
    from pipeline.snapshot import DuplicateFileName

    args = build_parser().parse_args(argv)
    args.contain_failures = contain_failures
    _quiet_pdf_libraries()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        result: int = args.func(args)
        return result
    except KeyboardInterrupt:
        _stopped(sys.stderr, "interrupted (Ctrl-C)")
        return EXIT_INTERRUPTED
    except Terminated:
        _stopped(sys.stderr, "terminated (SIGTERM)")
        return EXIT_TERMINATED
    except DuplicateFileName as clash:
        print(f"ERROR {clash.path}: duplicate-file-name: {clash}", file=sys.stderr)
        return 2
    except Exception as exc:
        if not (contain_failures and args.command in ("build", "export")):
            raise
        log = _keep_run_log(Path(args.interim), failure_log("the run", args.command, exc))
        print(f"ERROR {args.command}: run-failed: {type(exc).__name__}: {one_line(str(exc))}"
              f"{log}", file=sys.stderr)
        return EXIT_RUN_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
