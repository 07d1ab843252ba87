"""Publish: replace the whole content of curated/ at once, so no reader ever mixes two runs.

The new files are written into a sibling folder; then the two folders trade places in one
``renameat2(RENAME_EXCHANGE)`` call (Linux), and the old content is deleted. Where that call is
missing, curated/ is renamed aside and the new folder renamed in; a run killed between those two
renames leaves the old folder aside, and the next run puts it back before doing anything else. A
reader therefore sees the old complete set or the new complete set, never a mixture.

``ICAP_KILL_AT=<checkpoint>`` makes the process kill itself at that point: the fault injection the
interruption tests use (checkpoints: ``staged``, ``swapped``).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _checkpoint(name: str) -> None:
    if os.environ.get("ICAP_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _siblings(folder: Path) -> tuple[Path, Path]:
    """Where new content is staged and where old content waits (same filesystem as folder)."""
    return (folder.parent / f".{folder.name}.staging", folder.parent / f".{folder.name}.old")


def recover(folder: Path) -> None:
    """Undo what an interrupted publish left: drop a half-written stage, restore old content."""
    staging, aside = _siblings(folder)
    if staging.exists():
        shutil.rmtree(staging)
    if aside.exists():
        if folder.exists():
            shutil.rmtree(aside)
        else:
            aside.rename(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: not supported here
            return False
        raise OSError(errno, os.strerror(errno), str(a))
    return True


def publish_folder(folder: Path, fill: Callable[[Path], object]) -> None:
    """Make ``folder`` hold exactly what ``fill`` writes into the (empty) folder it is given,
    all at once. If ``fill`` fails, what it wrote is removed and ``folder`` is untouched."""
    recover(folder)
    staging, aside = _siblings(folder)
    staging.mkdir(parents=True)
    try:
        fill(staging)
    except BaseException:
        shutil.rmtree(staging)
        raise
    _checkpoint("staged")
    if not folder.exists():
        staging.rename(folder)
        return
    if _exchange(staging, folder):
        _checkpoint("swapped")
        shutil.rmtree(staging)
        return
    folder.rename(aside)
    _checkpoint("swapped")
    staging.rename(folder)
    shutil.rmtree(aside)


def publish(folder: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
    """Make ``folder`` hold exactly ``files`` (relative path → bytes), all at once."""

    def write(staging: Path) -> None:
        for relative, data in files.items() if isinstance(files, Mapping) else files:
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    publish_folder(folder, write)
