"""Interrupted runs: curated/ is the old complete state or the new one, never a mixture, and the
next `make` finishes the job. Determinism: same inputs, same bytes, whatever the worker count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE
from tests.conftest import run_make as make

V5 = REPO / "tests" / "fixtures" / "versions" / "RTM1324-002v5.txt"


def tree(folder: Path) -> dict[str, bytes]:
    """Every published file (the make stamp aside), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".built"}


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """curated/ before (the sample alone) and after (v5 added), each from a clean build."""
    out = []
    for files in ((SAMPLE,), (SAMPLE, V5)):
        tmp = tmp_path_factory.mktemp("state")
        (tmp / "raw").mkdir()
        for f in files:
            shutil.copy(f, tmp / "raw")
        assert make(tmp).returncode == 0
        out.append(tree(tmp / "curated"))
    return out[0], out[1]


@pytest.mark.parametrize(("checkpoint", "expected"), [("staged", "old"), ("swapped", "new")])
def test_killed_export_leaves_a_complete_state_and_the_next_make_finishes(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]], checkpoint: str,
    expected: str,
) -> None:
    old, new = states
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    assert make(tmp_path).returncode == 0
    shutil.copy(V5, tmp_path / "raw")
    killed = make(tmp_path, env={"ICAP_KILL_AT": checkpoint})
    assert killed.returncode != 0  # the export process died by SIGKILL
    assert tree(tmp_path / "curated") == (old if expected == "old" else new)
    finished = make(tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert tree(tmp_path / "curated") == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curated", "interim", "raw"]


def test_worker_count_does_not_change_a_byte(
    tmp_path: Path, states: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    _old, new = states
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    shutil.copy(V5, tmp_path / "raw")
    assert make(tmp_path, "JOBS=2").returncode == 0
    assert tree(tmp_path / "curated") == new


def test_recovery_after_a_kill_between_the_fallback_renames(tmp_path: Path) -> None:
    """Without renameat2 the old folder is set aside first; if the run dies right then, the next
    run restores it before publishing (a reader meanwhile finds no folder, never a mixture)."""
    from pipeline.publish import publish, recover

    curated = tmp_path / "curated"
    publish(curated, {"a.csv": b"old"})
    curated.rename(tmp_path / ".curated.old")  # the state a kill between the renames leaves
    (tmp_path / ".curated.staging").mkdir()
    (tmp_path / ".curated.staging" / "a.csv").write_bytes(b"new, half written")
    recover(curated)
    assert (curated / "a.csv").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curated"]
    publish(curated, {"a.csv": b"new", "reports/r.md": b"r"})
    assert tree(curated) == {"a.csv": b"new", "reports/r.md": b"r"}
