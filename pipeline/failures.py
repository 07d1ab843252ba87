"""What a run keeps of a document it could not process: one error, one record, one log.

A run must never fall over because of one document. Whatever a document raises in a stage of the
build, or when the export reads or writes it, becomes a rejected document of its own — no
tables, one error finding (``internal-error``, or ``time-limit`` / ``changed-during-run`` when
that is what happened) — printed as the usual one line ``ERROR <file>: <code>: <reason>``, with
the full traceback in ``interim/<file>/error.log`` for whoever fixes the bug. The export then
treats it like any rejected document: curated/ keeps its previous rows.

The record is ``interim/<file>/failed.json``, not ``validate.json``: the outputs of the stage
that failed and of every later stage are removed, so the next run tries that stage again (make's
rule for a failed step: its target is deleted), and until then the export reads the failure.
The build and the export write the files; the one exception is ``keep_log``.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from pipeline.forked import ChildFailed
from pipeline.records import Finding, Source, TableSet
from pipeline.severity import finding

FAILED_FILE = "failed.json"
ERROR_LOG = "error.log"
# Characters of an exception's message kept in its one-line error (the log has it whole).
MESSAGE_CHARS = 300


def one_line(text: str) -> str:
    """``text`` on one line, white space collapsed, cut at MESSAGE_CHARS, and writable as UTF-8
    (an exception's message may quote a lone surrogate the document held)."""
    flat = " ".join(text.encode("utf-8", "backslashreplace").decode("utf-8").split())
    return flat if len(flat) <= MESSAGE_CHARS else flat[:MESSAGE_CHARS - 1] + "…"


def internal_error(file: str, exc: BaseException) -> Finding:
    """The error a document gets for an exception nobody anticipated: its type and message.
    Printed ``ERROR <file>: internal-error: <type>: <message>``."""
    message = one_line(str(exc))
    return finding("internal-error", None, file,
                   f"{type(exc).__name__}: {message}" if message else type(exc).__name__)


def changed_during_run(file: str, exc: BaseException | None = None) -> Finding:
    """The error of a document whose raw/ file changed or disappeared after the run's snapshot:
    what was read of it belongs to no single version of the file."""
    cause = f" ({type(exc).__name__}: {one_line(str(exc))})" if exc is not None else ""
    return finding("changed-during-run", None, file,
                   "the file changed or disappeared in raw/ while the run read it" + cause
                   + "; run make again")


def failed_document(source: Source, error: Finding) -> TableSet:
    """A document that failed: rejected, no tables, its one error."""
    return TableSet(source, {}, (error,), True)


def unknown_source(file: str) -> Source:
    """The source of a document nothing could be read of (its checksum unknown)."""
    return Source(file, "", "unknown", 0)


def failure_log(file: str, where: str, exc: BaseException) -> str:
    """error.log's text: which document, where it failed, and the full traceback."""
    trace = "".join(traceback.format_exception(exc))
    return f"{file}: failed in {where}\n\n{trace}"


def failure_path(validated: Path) -> Path:
    """failed.json beside a document's validate.json."""
    return validated.with_name(FAILED_FILE)


def document_file(validated: Path) -> Path:
    """The file the export reads for a document: its validate.json, or, when the build could not
    process it, the failed.json it left instead."""
    failed = failure_path(validated)
    return failed if not validated.exists() and failed.exists() else validated


def keep_log(validated: Path, log: str) -> None:
    """A failed document's traceback beside its interim files (error.log). Only a convenience
    for whoever fixes the bug (the ERROR line says what failed): an interim/ that cannot take it
    does not stop the run."""
    try:
        validated.with_name(ERROR_LOG).write_text(log, encoding="utf-8")
    except OSError:
        pass


class DocumentFailed(Exception):
    """Reading one document for the export failed. ``document``: what it becomes (rejected, its
    one error), ``log``: the traceback for interim/<file>/error.log."""

    def __init__(self, path: Path, document: TableSet, log: str) -> None:
        super().__init__(path, document, log)
        self.path = path
        self.document = document
        self.log = log


class WorkbookFailed(ChildFailed):
    """The workbook's child failed (a full disk); ``log``: its traceback."""

    def __init__(self, message: str, log: str) -> None:
        super().__init__(message, log)
        self.log = log

    def __str__(self) -> str:
        return str(self.args[0])
