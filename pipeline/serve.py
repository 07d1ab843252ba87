"""Browse the curated tables without code: curated/icap.sqlite in Datasette, in the browser.

`make serve` runs Datasette on 127.0.0.1:8001 (this machine only) over curated/icap.sqlite, opened
read-only, with metadata generated from the table spec (pipeline/spec.py): each table's grain
and description, each column's 中文 label and description, facets an analyst narrows by
(standard, duty, level) and the two views, described by the comment they carry in the database.
The metadata goes to a temporary file for the server's life: curated/ is never written.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from pipeline.database import VIEWS
from pipeline.spec import TABLES, Table

DATABASE_FILE = "icap.sqlite"
# Columns offered as facets wherever a table or view has them, in this order.
FACET_COLUMNS = ("standard_code", "duty_code", "level")


def view_descriptions(views: tuple[str, ...] = VIEWS) -> dict[str, str]:
    """Each view's description: the comment above its CREATE VIEW (``-- name: text``)."""
    out = {}
    for sql in views:
        comment = " ".join(line.removeprefix("--").strip() for line in sql.splitlines()
                           if line.startswith("--"))
        name, _colon, text = comment.partition(": ")
        out[name] = text
    return out


def _table_metadata(table: Table) -> dict[str, Any]:
    return {
        "description": f"{table.grain} {table.description}",
        "columns": {c.name: f"{c.label_zh} — {c.description}" for c in table.columns},
        "facets": [c for c in FACET_COLUMNS if c in table.column_names],
    }


def datasette_metadata(tables: tuple[Table, ...] = TABLES) -> dict[str, Any]:
    """Datasette's metadata for curated/icap.sqlite, from the spec."""
    by_name = {t.name: t for t in tables}
    views: dict[str, Any] = {}
    for name, text in view_descriptions().items():
        # A view's columns are those of the tables it reads, under the same names.
        views[name] = {"description": text, "facets": ["standard_code"]}
    views["task_details"]["facets"] = list(FACET_COLUMNS)
    views["latest_standards"]["columns"] = _table_metadata(by_name["standards"])["columns"]
    return {
        "title": "iCAP 職能基準 — curated tables",
        "description": "Taiwan's iCAP occupational competency standards (職能基準) as validated "
                       "relational tables. Column descriptions start with the 中文 label.",
        "databases": {Path(DATABASE_FILE).stem: {
            "tables": {**{t.name: _table_metadata(t) for t in tables}, **views}}},
    }


def serve(curated: Path, host: str, port: int) -> int:
    """Run Datasette until it is stopped (Ctrl-C); its exit status."""
    database = curated / DATABASE_FILE
    if not database.is_file():
        print(f"error: {database} does not exist: run make first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="icap-serve-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(), ensure_ascii=False, indent=2),
                            encoding="utf-8")
        print(f"serving {database} on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
        server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", "--immutable",
                                   str(database), "--metadata", str(metadata), "--host", host,
                                   "--port", str(port)])
        # SIGTERM stops the server with this process (Ctrl-C reaches both already).
        previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: server.terminate())
        try:
            return server.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            if server.poll() is None:
                server.terminate()
            server.wait()
