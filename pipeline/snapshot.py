"""raw/ as a run found it: its documents, each with a signature of its file.

The build and the export of one run are two processes (make runs one after the other), and each
listed raw/ for itself: a file added while the build ran reached the export without ever having
been built (``FileNotFoundError: …/interim/late.txt/validate.json``, issue #15). Now the build
takes one snapshot as it starts and leaves it in interim/; the export reads that very list, names
the files that appeared since (for the next make) and rejects those that changed or went since
(``changed-during-run``): what the run read of them belongs to no single version of the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline import records


def source_signature(source: Path) -> str:
    """Size and modification time to the nanosecond: any replacement of the file changes it,
    even by a copy that keeps an older timestamp (`cp -p`, `wget`), which "newer than" misses."""
    info = source.stat()
    return f"{info.st_size} {info.st_mtime_ns}"


class DuplicateFileName(ValueError):
    """Two files of raw/, in different subfolders, have one name. A document is known by its
    file name (its interim/ folder, the run report, standards.source_file), so one would take
    the other's place unseen; the run stops and names both instead."""

    def __init__(self, first: Path, second: Path) -> None:
        super().__init__(f"{first} and {second} have the same file name; a document is known "
                         "by its file name: rename or remove one")
        self.path = second


def list_sources(raw: Path) -> list[Path]:
    """The documents of a raw/ folder: every file in it or in its subfolders (analysts sort
    raw/ by occupation or year), hidden files and folders aside, in name order."""
    found: dict[str, Path] = {}
    for path in sorted(raw.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(raw).parts)
        if hidden or not path.is_file():
            continue
        if path.name in found:
            raise DuplicateFileName(found[path.name], path)
        found[path.name] = path
    return [found[name] for name in sorted(found)]


SNAPSHOT_FILE = ".snapshot.json"


@dataclass(frozen=True)
class Snapshot:
    """raw/ as a run found it at its start: each document's name and signature.

    The build and the export of one run read this one list, so a file added to raw/ while the
    run goes is left for the next run (the export names it) instead of being exported without
    having been built, and a file that changes or disappears after it is that document's error.
    The build writes it into interim/ for the export, which runs as another process.
    """

    raw: str
    signatures: dict[str, str]  # file name → signature
    paths: dict[str, str]  # file name → its path under raw/ (raw/ may have subfolders)

    @property
    def sources(self) -> list[Path]:
        return [Path(self.raw) / self.paths[name] for name in sorted(self.signatures)]


def take_snapshot(raw: Path) -> Snapshot:
    """raw/ now; a file that disappears while it is listed is left out."""
    signatures, paths = {}, {}
    for source in list_sources(raw):
        try:
            signatures[source.name] = source_signature(source)
        except OSError:
            continue
        paths[source.name] = source.relative_to(raw).as_posix()
    return Snapshot(str(raw.resolve()), signatures, paths)


def write_snapshot(snapshot: Snapshot, interim: Path) -> None:
    records.write_json(snapshot, interim / SNAPSHOT_FILE)


def read_snapshot(interim: Path, raw: Path) -> Snapshot | None:
    """The snapshot the last build of ``raw`` wrote into ``interim``; None when there is none
    (or it is of another folder, or unreadable)."""
    try:
        data = json.loads((interim / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        snapshot = Snapshot(data["raw"], dict(data["signatures"]), dict(data["paths"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if snapshot.raw != str(raw.resolve()) or set(snapshot.paths) != set(snapshot.signatures):
        return None
    return snapshot


def changes_since(snapshot: Snapshot) -> tuple[list[str], list[str]]:
    """Files of raw/ added since the snapshot, and those changed or gone since, by name."""
    raw = Path(snapshot.raw)
    now = take_snapshot(raw).signatures if raw.is_dir() else {}
    added = sorted(set(now) - set(snapshot.signatures))
    changed = sorted(n for n, sig in snapshot.signatures.items() if now.get(n) != sig)
    return added, changed
