"""Shared fixtures: the sample document built once per test session through every stage."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pipeline.extract import extract_file
from pipeline.normalize import normalize_tables
from pipeline.parse import parse_document
from pipeline.records import TableSet
from pipeline.stitch import stitch_document
from pipeline.validate import validate_document

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "raw" / "RTM1324-002v4.txt"
GOLDEN = REPO / "tests" / "golden"


def run_stages(path: Path) -> TableSet:
    """Every per-document stage in memory, as the Makefile runs them through interim/."""
    return validate_document(normalized(path))


def normalized(path: Path) -> TableSet:
    """The stages before validation: what the validation rules read (internal tables too)."""
    return normalize_tables(parse_document(stitch_document(extract_file(path))))


@pytest.fixture(scope="session")
def sample() -> TableSet:
    return run_stages(SAMPLE)


@pytest.fixture(scope="session")
def sample_normalized() -> TableSet:
    return normalized(SAMPLE)


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
