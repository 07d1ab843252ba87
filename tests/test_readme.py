"""Every claim of the README a test can check is checked (issue #14, item 8): the tables it
lists, the files and links it names, the commands and variables it shows, the day's work it
walks through (the output printed for a new version and for a rejected document).

The query examples are executed by tests/test_readme_queries.py; `make diff`, `make serve`,
`show … --png`, the workbook and the run report by their own tests.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main
from pipeline.cli_reference import render_cli_reference
from pipeline.spec import TABLES
from tests.conftest import REPO, SAMPLE, V5, run_make

README = (REPO / "README.md").read_text(encoding="utf-8")
# Written by the branch that adds the finding codes' table (generated from pipeline/severity.py).
PENDING_DOCS: set[str] = set()


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, re.S)


def test_the_readme_is_short() -> None:
    """An analyst's README: the design notes live in docs/."""
    assert len(README.encode("utf-8")) < 14_000


def test_every_table_is_listed_and_every_listed_table_exists() -> None:
    section = README[README.index("## What you get"):README.index("## Questions")]
    listed = {name for row in re.findall(r"^\| (`.*?) \|", section, re.M)
              for name in re.findall(r"`([a-z_]+)`", row)}
    assert listed == {t.name for t in TABLES}


def test_every_relative_link_leads_to_a_file() -> None:
    for document in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://")):
                continue
            path = (document.parent / target).resolve()
            name = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else target
            assert path.exists() or name in PENDING_DOCS, f"{document.name} links to {target}"


def test_every_pipeline_command_shown_parses() -> None:
    commands = [line for block in _code_blocks(README) for line in block.splitlines()
                if line.startswith("python -m pipeline")]
    commands += re.findall(r"`(python -m pipeline [^`]+)`", README)
    assert len(commands) >= 2
    parser = build_parser()
    for command in commands:
        parser.parse_args(shlex.split(command)[3:])  # exits 2 on anything it does not take


def _make_help(tmp: Path) -> str:
    """`make help` (any make run lists raw/ into interim/: the folders are temporary)."""
    (tmp / "raw").mkdir()
    result = run_make(tmp, "help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_help_lists_every_target_and_variable_the_readme_names(tmp_path: Path) -> None:
    shown = _make_help(tmp_path)
    targets = set(re.findall(r"^  (\S+) ", shown.split("Variables")[0], re.M))
    variables = dict(re.findall(r"^  ([A-Z_]+) .*\[(.*)\]$", shown, re.M))
    for target in re.findall(r"`make (?:[A-Z_]+=\S+ )*([a-z][a-z-]*)", README):
        assert target in targets, target
    for variable in re.findall(r"`([A-Z_]{2,})`|\b([A-Z_]{2,})=", README):
        name = variable[0] or variable[1]
        if name in ("PRAGMA", "ERROR", "K04"):
            continue
        assert name in variables, name
    # Every variable the Makefile lets a user set is listed.
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert set(re.findall(r"^([A-Z_]+) \?=", makefile, re.M)) <= set(variables)


def test_a_plain_make_uses_every_core(tmp_path: Path) -> None:
    """JOBS defaulted to one worker: an analyst's laptop built at half speed or less."""
    jobs = re.search(r"^  JOBS .*\[(\d+)\]$", _make_help(tmp_path), re.M)
    assert jobs is not None and int(jobs.group(1)) == os.cpu_count()


def test_the_cli_reference_is_current() -> None:
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render_cli_reference(build_parser()), "run `make docs` and commit it"


def _example(marker: str) -> list[str]:
    """The lines of the README's output example that starts with ``marker``."""
    block = next(b for b in _code_blocks(README) if b.startswith(marker))
    return block.strip().splitlines()


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """The README's day: the sample built, v5 dropped in, then an empty file; each run's
    closing lines, with the temporary curated/ shown as `curated`."""
    tmp = tmp_path_factory.mktemp("day")
    (tmp / "raw").mkdir()
    shutil.copy(SAMPLE, tmp / "raw")
    assert run_make(tmp).returncode == 0
    shutil.copy(V5, tmp / "raw")
    new_version = run_make(tmp)
    assert new_version.returncode == 0, new_version.stderr
    (tmp / "raw" / "empty.txt").write_bytes(b"")
    rejected = run_make(tmp)
    assert rejected.returncode != 0

    def shown(result: subprocess.CompletedProcess[str]) -> list[str]:
        lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        lines += result.stdout.splitlines()
        return [line.replace(str(tmp / "curated"), "curated") for line in lines]

    return tmp, shown(new_version), shown(rejected)


def test_a_new_version_prints_what_the_readme_shows(day: tuple[Path, list[str], list[str]]
                                                    ) -> None:
    tmp, new_version, _rejected = day
    assert new_version[-3:] == _example("curated: ")
    assert (tmp / "curated" / "reports" / "RTM1324-002v4__RTM1324-002v5.html").is_file()
    assert (tmp / "curated" / "reports" / "RTM1324-002v4__RTM1324-002v5.md").is_file()


def test_a_rejected_document_prints_what_the_readme_shows(
        day: tuple[Path, list[str], list[str]]) -> None:
    _tmp, _new_version, rejected = day
    example = _example("ERROR ")
    assert rejected[:len(example)] == example


def test_show_answers_as_the_readme_says(day: tuple[Path, list[str], list[str]],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    tmp, _new, _rejected = day
    assert main(["show", "RTM1324-002v4", "k4", "--curated", str(tmp / "curated"),
                 "--raw", str(tmp / "raw")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("RTM1324-002v4 K04: ") and "pages 1–2" in out
    assert "split-cell-joined" in out
