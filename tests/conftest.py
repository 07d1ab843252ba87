"""Shared fixtures: the sample document built once per test session through every stage.

Tests never read or write the working tree's raw/, interim/ or curated/: those are the analyst's
(a v5 dropped into raw/ and built is their data, not a stale commit). What the tests need of
them — the sample, the curated/ built from it — is taken from git, as staged in the index (what
the next commit will hold; the same as HEAD on a fresh clone and in CI), into a temporary folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from pipeline.extract import extract_file
from pipeline.normalize import normalize_tables
from pipeline.parse import parse_document
from pipeline.records import TableSet, write_json
from pipeline.stitch import stitch_document
from pipeline.validate import validate_document

REPO = Path(__file__).resolve().parent.parent


def committed_folders(repo: Path) -> Path:
    """A temporary folder holding raw/ and curated/ as git's index has them (the repository
    itself when it is not a git checkout, e.g. an unpacked source archive: nothing to tell
    the committed files from)."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--", "raw", "curated"],
                            capture_output=True, check=False)
    if listed.returncode != 0 or not listed.stdout:
        return repo
    folder = Path(tempfile.mkdtemp(prefix="icap-committed-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    subprocess.run(["git", "-C", str(repo), "checkout-index", f"--prefix={folder}/", "-z",
                    "--stdin"], input=listed.stdout, capture_output=True, check=True)
    return folder


# raw/ and curated/ as committed (staged), never the working tree's.
COMMITTED = committed_folders(REPO)
SAMPLE = COMMITTED / "raw" / "RTM1324-002v4.txt"
GOLDEN = REPO / "tests" / "golden"


def run_stages(path: Path) -> TableSet:
    """Every per-document stage in memory, as the Makefile runs them through interim/."""
    return validate_document(normalized(path))


def write_validated(folder: Path, docs: list[TableSet]) -> list[Path]:
    """Validated documents written where the build leaves them (``<folder>/<file>/validate.json``),
    for the export to read."""
    paths = []
    for doc in docs:
        path = folder / doc.source.file / "validate.json"
        write_json(doc, path)
        paths.append(path)
    return paths


def normalized(path: Path) -> TableSet:
    """The stages before validation: what the validation rules read (internal tables too)."""
    return normalize_tables(parse_document(stitch_document(extract_file(path))))


@pytest.fixture(scope="session")
def sample() -> TableSet:
    return run_stages(SAMPLE)


@pytest.fixture(scope="session")
def sample_normalized() -> TableSet:
    return normalized(SAMPLE)


def ctrl_c_as_a_terminal_gives_it() -> None:
    """``preexec_fn`` for a child a test stops with Ctrl-C: SIGINT back to its default action.
    A shell starts a background job (`bash .ci/run &`) with SIGINT ignored, and make and Python
    keep a signal ignored that they were started with, so Ctrl-C would then not stop them."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_make(tmp: Path, *args: str, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """The real Makefile on tmp/raw into tmp/interim and tmp/curated, as an analyst runs it."""
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), f"RAW={tmp / 'raw'}",
         f"INTERIM={tmp / 'interim'}", f"CURATED={tmp / 'curated'}", *args],
        capture_output=True, text=True, check=False, env={**os.environ, **(env or {})})


V5 = REPO / "tests" / "fixtures" / "versions" / "RTM1324-002v5.txt"


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue with the sample (v4) and its edited next version (v5), built by make; the
    folder holding raw/, interim/ and curated/."""
    import shutil

    tmp = tmp_path_factory.mktemp("two-versions")
    (tmp / "raw").mkdir()
    shutil.copy(SAMPLE, tmp / "raw")
    shutil.copy(V5, tmp / "raw")
    result = run_make(tmp)
    assert result.returncode == 0, result.stderr
    return tmp
