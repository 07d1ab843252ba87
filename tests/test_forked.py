"""The export's forked child: same bytes as running inline, failures raised in the parent."""

from __future__ import annotations

import os

import pytest

from pipeline.forked import ChildFailed, Forked


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
