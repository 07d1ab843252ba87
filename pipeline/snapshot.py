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


def list_sources(raw: Path) -> list[Path]:
    """The documents of a raw/ folder: every file but hidden ones, in name order."""
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith("."))


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
    signatures: dict[str, str]

    @property
    def sources(self) -> list[Path]:
        return [Path(self.raw) / name for name in sorted(self.signatures)]


def take_snapshot(raw: Path) -> Snapshot:
    """raw/ now; a file that disappears while it is listed is left out."""
    signatures = {}
    for source in list_sources(raw):
        try:
            signatures[source.name] = source_signature(source)
        except OSError:
            continue
    return Snapshot(str(raw.resolve()), signatures)


def write_snapshot(snapshot: Snapshot, interim: Path) -> None:
    records.write_json(snapshot, interim / SNAPSHOT_FILE)


def read_snapshot(interim: Path, raw: Path) -> Snapshot | None:
    """The snapshot the last build of ``raw`` wrote into ``interim``; None when there is none
    (or it is of another folder, or unreadable)."""
    try:
        data = json.loads((interim / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        snapshot = Snapshot(data["raw"], dict(data["signatures"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return snapshot if snapshot.raw == str(raw.resolve()) else None


def changes_since(snapshot: Snapshot) -> tuple[list[str], list[str]]:
    """Files of raw/ added since the snapshot, and those changed or gone since, by name."""
    raw = Path(snapshot.raw)
    now = take_snapshot(raw).signatures if raw.is_dir() else {}
    added = sorted(set(now) - set(snapshot.signatures))
    changed = sorted(n for n, sig in snapshot.signatures.items() if now.get(n) != sig)
    return added, changed
