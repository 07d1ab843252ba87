"""Browsing without code: `make serve` runs Datasette over curated/icap.sqlite, labelled from
the table spec, on this machine only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipeline.serve import FACET_COLUMNS, datasette_metadata
from pipeline.spec import TABLES
from tests.conftest import REPO, ctrl_c_as_a_terminal_gives_it


def test_the_metadata_carries_every_label_the_facets_and_the_views() -> None:
    tables = datasette_metadata()["databases"]["icap"]["tables"]
    for table in TABLES:
        described = tables[table.name]["columns"]
        assert set(described) == set(table.column_names)
        for column in table.columns:
            assert described[column.name].startswith(f"{column.label_zh} — ")
        assert tables[table.name]["facets"] == [c for c in FACET_COLUMNS
                                                if c in table.column_names]
    assert tables["tasks"]["facets"] == ["standard_code", "duty_code", "level"]
    assert tables["task_details"]["description"].startswith("one row per task")
    assert tables["latest_standards"]["description"].startswith("the standards row of the "
                                                                "highest version")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fetch(url: str, seconds: float) -> str:
    """The page, once the server answers (it takes a second or two to start)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_make_serve_shows_the_tasks_table_with_its_labels(two_versions: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(REPO), f"RAW={two_versions / 'raw'}",
         f"INTERIM={two_versions / 'interim'}", f"CURATED={two_versions / 'curated'}", "serve",
         f"PORT={port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        preexec_fn=ctrl_c_as_a_terminal_gives_it)
    try:
        page = _fetch(f"http://127.0.0.1:{port}/icap/tasks", seconds=30)
        assert "工作任務代碼 — Task code" in page  # the 中文 label, from the spec
        assert "20 rows" in page  # both versions' tasks
        assert 'data-column="duty_code"' in page and "facet-duty_code" in page
        views = _fetch(f"http://127.0.0.1:{port}/icap", seconds=5)
        assert "task_details" in views and "latest_standards" in views
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as an analyst stops it
        output, _ = server.communicate(timeout=20)
    assert f"on http://127.0.0.1:{port}/" in output
    with socket.socket() as probe:  # and the server is gone with it
        assert probe.connect_ex(("127.0.0.1", port)) != 0
