"""One function computed in a forked child while the parent goes on, for the export's slowest
file: the Excel workbook took as long as every other curated file together, and a second core
was idle while it was written.

The child is a fork, so it sees the parent's plan and reads the documents itself, without
anything copied or pickled; it sends back only the function's bytes, through a pipe (the export's
workbook function writes its file into the staging folder and returns none). The child dies with
its parent (Linux's parent-death signal): a parent killed outright must not leave it writing into
a staging folder that the next run removes and makes anew. Where ``fork`` does not exist the
function simply runs in the caller.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


# Looked up once, in the parent: a forked child of a threaded process (pyarrow's pool) should
# not take the dynamic loader's lock.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies; leave at once if it already has.
    Only Linux has the signal; elsewhere a child whose parent is killed runs to its end."""
    if _PRCTL is None:
        return
    if _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # died between the fork and the prctl
        os._exit(1)


class ChildFailed(RuntimeError):
    """The forked computation raised (its traceback is on stderr) or was killed."""


class Forked:
    """``function(*args)`` running in a forked child; ``result()`` waits for its bytes."""

    def __init__(self, function: Callable[P, bytes], *args: P.args, **kwargs: P.kwargs) -> None:
        self._name = getattr(function, "__name__", repr(function))
        self._data: bytes | None = None
        self._pid: int | None = None
        self._read_end: int | None = None
        if not hasattr(os, "fork"):
            self._data = function(*args, **kwargs)
            return
        read_end, write_end = os.pipe()
        self._read_end = read_end
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running the parent's exit code
            status = 1
            try:
                _die_with(parent)
                os.close(read_end)
                data = function(*args, **kwargs)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid = pid

    def result(self) -> bytes:
        """The function's bytes; raises :class:`ChildFailed` if it raised or was killed."""
        if self._pid is not None:
            read_end, self._read_end = self._read_end, None  # closed below, whatever happens
            if read_end is None:
                raise ChildFailed(f"{self._name}: waiting for its result was interrupted")
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            if status != 0:
                raise ChildFailed(f"{self._name} failed in its child process (wait status "
                                  f"{status}); see the traceback above")
            self._data = data
        if self._data is None:
            raise ChildFailed(f"{self._name}: its result was already abandoned")
        return self._data

    def abandon(self) -> None:
        """Stop the child if it still runs and reap it (the caller failed; nothing is wanted)."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._read_end is not None:  # None: result() closed it before it was interrupted
            os.close(self._read_end)
            self._read_end = None
        os.waitpid(self._pid, 0)
        self._pid = None
