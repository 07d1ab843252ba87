"""No test reads or writes the working tree's raw/, interim/ or curated/ (issue #14, item 1).

Those folders are the analyst's: a v5 dropped into raw/ and built with `make` made three tests
fail (one of them told the analyst to commit their data, another re-ran `make diff` on their
curated/). Tests take the committed sample and curated/ from git (``tests.conftest.COMMITTED``)
and build into temporary folders through ``tests.conftest.run_make``, which always names RAW,
INTERIM and CURATED.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import COMMITTED, REPO, SAMPLE, run_make

# The repository's own data folders, named as a path from the repository root.
_DATA_FOLDER = re.compile(r"""REPO\s*/\s*["'](raw|interim|curated)["']""")
# make started from a test: it must name RAW, INTERIM and CURATED (run_make does).
_BARE_MAKE = re.compile(r"""\[\s*["']make["']""")


def _test_sources() -> list[Path]:
    return sorted(p for p in (REPO / "tests").rglob("*.py") if p.name != "test_working_tree.py")


@pytest.mark.parametrize("source", _test_sources(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_test_names_the_working_trees_data_folders(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert not _DATA_FOLDER.findall(text), "use tests.conftest.COMMITTED or a temporary folder"
    for call in _BARE_MAKE.finditer(text):
        named = text[call.start():call.start() + 300]
        assert all(f"{v}=" in named for v in ("RAW", "INTERIM", "CURATED")), (
            "make run on the repository's own folders: use tests.conftest.run_make")


def test_the_committed_folders_are_not_the_working_tree() -> None:
    """On a git checkout the sample and curated/ come from git's index, in a folder of their own
    (a v5 in the working tree's raw/ is not in it)."""
    assert COMMITTED != REPO
    assert sorted(p.name for p in (COMMITTED / "raw").iterdir()) == ["RTM1324-002v4.txt"]
    assert (COMMITTED / "curated" / "standards.csv").is_file()


def test_run_make_names_every_data_folder(tmp_path: Path) -> None:
    """A dry run shows the folders make would use: all three in the temporary folder."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    result = run_make(tmp_path, "-n", "all")
    assert result.returncode == 0, result.stderr
    assert "--raw" in result.stdout and f"{tmp_path}/raw" in result.stdout
    assert f"{tmp_path}/curated" in result.stdout and f"{tmp_path}/interim" in result.stdout
    assert "'raw'" not in result.stdout and "'curated'" not in result.stdout
