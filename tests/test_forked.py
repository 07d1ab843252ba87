"""The export's forked child: same bytes as running inline, failures raised in the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pipeline.forked import ChildFailed, Forked
from tests.conftest import REPO


def _repeat(text: str, times: int) -> bytes:
    return (text * times).encode("utf-8")


def _fail() -> bytes:
    raise ValueError("deliberate")


def test_the_child_returns_what_the_function_returns() -> None:
    big = Forked(_repeat, "職能", 500_000)  # larger than a pipe's buffer
    assert big.result() == _repeat("職能", 500_000)
    assert big.result() == _repeat("職能", 500_000)  # asked twice, computed once


def test_a_failure_in_the_child_is_raised_in_the_parent(capfd: pytest.CaptureFixture[str]
                                                        ) -> None:
    with pytest.raises(ChildFailed, match="_fail failed in its child process"):
        Forked(_fail).result()
    assert "ValueError: deliberate" in capfd.readouterr().err


def test_an_abandoned_child_is_reaped() -> None:
    forked = Forked(_repeat, "x", 10)
    pid = forked._pid
    forked.abandon()
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    with pytest.raises(ChildFailed, match="abandoned"):
        forked.result()


_KILLED_PARENT = """
import os, signal, sys, time
from pipeline.forked import Forked

def linger() -> bytes:
    time.sleep(60)
    return b""

Forked(linger)
time.sleep(0.5)  # the child is running
children = open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()
print(children[0], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    """Whether the process exists and has not ended (a zombie has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"),
                    reason="Linux's parent-death signal, seen through /proc's list of children")
def test_the_child_dies_when_its_parent_is_killed() -> None:
    """A parent killed outright (OOM killer, kill -9) takes its child with it: an orphan would go
    on writing into the staging folder the next run removes and makes anew."""
    run = subprocess.run([sys.executable, "-c", _KILLED_PARENT], capture_output=True,
                         text=True, cwd=REPO, timeout=30)
    assert run.returncode == -signal.SIGKILL, run.stderr
    child = int(run.stdout.split()[0])
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)


def _linger() -> bytes:
    time.sleep(30)
    return b"done"


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # what Ctrl-C raises while the parent waits


def test_a_child_whose_result_was_interrupted_is_still_stopped_and_reaped() -> None:
    forked = Forked(_linger)
    child = forked._pid
    assert child is not None
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            forked.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    forked.abandon()
    assert not _running(child)
    with pytest.raises(ChildFailed):
        forked.result()
