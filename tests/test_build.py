"""The build as an analyst runs it: make on a folder of documents, incremental, fail-safe, stable.

Each test builds into its own temporary raw/, interim/ and curated/ through the real Makefile.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.build import _COMMON, STAGE_MODULES, STAGES
from tests.conftest import COMMITTED, REPO, SAMPLE
from tests.conftest import run_make as make


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()
            and not p.name.startswith(".")}


def sample_v5() -> str:
    """A next version of the sample, edited the way the platform would publish it."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("職能基準代碼\tRTM1324-002v4", "職能基準代碼\tRTM1324-002v5")
    text = text.replace("V4\tRTM1324-002v4\t國際運送承攬主管\t最新版本\t略",
                        "V5\tRTM1324-002v5\t國際運送承攬主管\t最新版本\t略\t2026/11/01\n"
                        "V4\tRTM1324-002v4\t國際運送承攬主管\t歷史版本\t已被《RTM1324-002v5》取代")
    return text


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw")
    result = make(tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_build_writes_every_table_and_matches_the_committed_curated(built: Path) -> None:
    """The raw/ in git (the sample) built in a temporary folder gives the curated/ in git."""
    produced = snapshot(built / "curated")
    committed = snapshot(COMMITTED / "curated")
    assert set(produced) == set(committed)
    assert produced == committed, (
        "the curated/ committed does not match a build of the raw/ committed: rebuild it from "
        "a checkout whose raw/ holds only the committed sample (make), then commit curated/")


def test_second_make_does_nothing(built: Path) -> None:
    result = make(built)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout
    assert "pipeline" not in result.stdout


def test_two_builds_are_byte_identical(built: Path, tmp_path_factory: pytest.TempPathFactory
                                       ) -> None:
    other = tmp_path_factory.mktemp("again")
    (other / "raw").mkdir()
    shutil.copy(SAMPLE, other / "raw")
    assert make(other).returncode == 0
    assert snapshot(other / "curated") == snapshot(built / "curated")


def test_adding_a_document_extracts_only_that_document(built: Path) -> None:
    (built / "raw" / "RTM1324-002v5.txt").write_text(sample_v5(), encoding="utf-8")
    result = make(built, "VERBOSE=1")  # one line per document worked on
    assert result.returncode == 0, result.stderr
    worked = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert worked == ["[1/1] RTM1324-002v5.txt: ok (extract stitch parse normalize validate)"]
    assert "2 document(s) converted" in result.stdout
    standards = (built / "curated" / "standards.csv").read_text(encoding="utf-8")
    assert "RTM1324-002v4," in standards and "RTM1324-002v5," in standards


def test_removing_a_document_removes_its_rows(built: Path) -> None:
    before = snapshot(built / "curated")
    (built / "raw" / "RTM1324-002v5.txt").write_text(sample_v5(), encoding="utf-8")
    assert make(built).returncode == 0
    (built / "raw" / "RTM1324-002v5.txt").unlink()
    result = make(built)
    assert result.returncode == 0, result.stderr
    assert snapshot(built / "curated") == before


def test_rejected_document_keeps_its_previous_rows_and_others_go_through(built: Path) -> None:
    before = snapshot(built / "curated")
    broken = SAMPLE.read_text(encoding="utf-8").replace("統和文件 K05", "K05")
    (built / "raw" / "RTM1324-002v4.txt").write_text(broken, encoding="utf-8")
    (built / "raw" / "RTM1324-002v5.txt").write_text(sample_v5(), encoding="utf-8")
    result = make(built)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR ")]
    assert errors and all(line.startswith("ERROR RTM1324-002v4.txt p.") for line in errors)
    assert any("item-name-mismatch" in line and "K04" in line for line in errors)
    after = snapshot(built / "curated")
    standards = after["standards.csv"].decode("utf-8")
    assert "RTM1324-002v5," in standards
    # The rejected document's rows are exactly the ones it had before.
    for name in ("indicators.csv", "knowledge.csv", "task_knowledge.csv"):
        old = [line for line in before[name].decode().splitlines() if "RTM1324-002v4," in line]
        new = [line for line in after[name].decode().splitlines() if "RTM1324-002v4," in line]
        assert old and new == old
    # And the next make reports it again rather than looking up to date.
    assert make(built).returncode != 0


def test_text_without_main_table_is_rejected(built: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text[: text.index("主要職責\t工作任務")]
    (built / "raw" / "cut.txt").write_text(cut, encoding="utf-8")
    result = make(built)
    assert result.returncode != 0
    assert "ERROR cut.txt: missing-section: main table: the main table was not found" in (
        result.stderr)


@pytest.mark.parametrize(
    ("module", "first_stage"),
    [("pipeline/validate.py", "validate"), ("pipeline/stitch.py", "stitch"),
     ("pipeline/extract_pdf.py", "extract"), ("pipeline/spec.py", "stitch")],
)
def test_editing_a_stage_reruns_that_stage_and_the_ones_after(built: Path, module: str,
                                                              first_stage: str) -> None:
    """The build's dry run, planning as if the module had just been edited."""
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "pipeline", "build", "--dry-run",
         "--assume-new", module, "--interim", str(built / "interim"),
         str(built / "raw" / "RTM1324-002v4.txt")],
        capture_output=True, text=True, check=True, cwd=REPO)
    stages = ["extract", "stitch", "parse", "normalize", "validate"]
    assert result.stdout == (
        f"RTM1324-002v4.txt: {' '.join(stages[stages.index(first_stage):])}\n")


def test_nothing_to_redo_plans_nothing(built: Path) -> None:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "pipeline", "build", "--dry-run",
         "--interim", str(built / "interim"), str(built / "raw" / "RTM1324-002v4.txt")],
        capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout == ""


def test_a_file_replaced_by_an_older_copy_is_extracted_again(built: Path) -> None:
    """`cp -p` or `wget` keep the server's old timestamp; the content still changed."""
    import os

    source = built / "raw" / "RTM1324-002v4.txt"
    old = source.stat()
    source.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "T1.3制訂應變管理策略", "T1.3制訂應變與管理策略"), encoding="utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns - 10**12))  # older than before
    result = make(built)
    assert result.returncode == 0, result.stderr
    assert "制訂應變與管理策略" in (built / "curated" / "tasks.csv").read_text(encoding="utf-8")


def _pipeline_imports(module: Path) -> set[str]:
    """The pipeline modules a module imports (``from pipeline.x import …``, ``from pipeline
    import x``), as file names."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "pipeline":
            found |= {f"{alias.name}.py" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline."):
            found.add(node.module.split(".")[1] + ".py")  # type: ignore[union-attr]
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_every_module_a_stage_runs_is_one_its_output_depends_on(stage: str) -> None:
    """A stage is re-run when a module it depends on is edited; a module it imports but the
    build does not list would be edited without its output being rebuilt."""
    package = REPO / "pipeline"
    listed = {*STAGE_MODULES[stage], *_COMMON}
    seen, todo = set(), list(STAGE_MODULES[stage])
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += sorted(_pipeline_imports(package / name) - seen)
    assert seen <= listed, f"{stage} runs {sorted(seen - listed)} without depending on them"


def test_a_file_in_a_subfolder_of_raw_is_a_document(built: Path) -> None:
    """raw/sub/RTM1324-002v5.txt was skipped without a word (analysts sort raw/ by occupation or
    year); an edit in place is seen like any other, and so is one of an oddly named file."""
    (built / "raw" / "2026" / "物流").mkdir(parents=True)
    v5 = built / "raw" / "2026" / "物流" / "RTM1324-002v5.txt"
    v5.write_text(sample_v5(), encoding="utf-8")
    (built / "raw" / "2026" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: not one
    (built / "raw" / ".git").mkdir()
    (built / "raw" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = make(built)
    assert result.returncode == 0, result.stderr
    assert "2 document(s) converted, 0 rejected, 0 skipped" in result.stdout
    assert "RTM1324-002v5," in (built / "curated" / "standards.csv").read_text(encoding="utf-8")
    odd = built / "raw" / "2026" / "v5 copy; #1.txt"
    v5.rename(odd)
    assert make(built).returncode == 0
    with odd.open("a", encoding="utf-8") as edited:  # in place: same name, same folder
        edited.write("\n")
    odd.write_text(odd.read_text(encoding="utf-8").replace(
        "T1.3制訂應變管理策略", "T1.3制訂應變與管理策略"), encoding="utf-8")
    again = make(built)
    assert again.returncode == 0, again.stderr
    assert "制訂應變與管理策略" in (built / "curated" / "tasks.csv").read_text(encoding="utf-8")


def test_two_files_of_one_name_in_two_subfolders_stop_the_run(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / "raw" / folder).mkdir(parents=True)
        (tmp_path / "raw" / folder / "RTM1324-002v5.txt").write_text(sample_v5(),
                                                                      encoding="utf-8")
    result = make(tmp_path)
    assert result.returncode != 0
    assert (f"ERROR {tmp_path / 'raw' / 'b' / 'RTM1324-002v5.txt'}: duplicate-file-name: "
            in result.stderr)
