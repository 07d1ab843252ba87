"""Provenance: an item traced to its curated row, pages, source and findings; outlined in a PDF.

The text route uses the sample export; the PDF route renders the sample as a look-alike PDF (its
page breaks cut the same cells, P1.5.2 among them) and builds a curated/ folder from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from pipeline.export import assemble, write_curated
from pipeline.extract import extract_file
from pipeline.provenance import (
    NotFound,
    RegionNotFound,
    defining_tables,
    describe,
    format_provenance,
    main_show,
    mentions,
    render_region,
)
from pipeline.records import TableSet
from tests.conftest import SAMPLE, run_stages
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import sample_layout

CODE = "RTM1324-002v4"


@pytest.fixture(scope="module")
def text_folders(sample: TableSet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(curated, raw) for the sample text export."""
    root = tmp_path_factory.mktemp("text")
    (root / "raw").mkdir()
    shutil.copy(SAMPLE, root / "raw")
    write_curated(root / "curated", assemble([sample], {})[0])
    return root / "curated", root / "raw"


@pytest.fixture(scope="module")
def pdf_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(curated, raw) for the sample rendered as a PDF."""
    root = tmp_path_factory.mktemp("pdf")
    raw = root / "raw"
    raw.mkdir()
    pdf = raw / f"{CODE}.pdf"
    pdf.write_bytes(render_fast(sample_layout(extract_file(SAMPLE))))
    doc = run_stages(pdf)
    assert not doc.is_rejected
    write_curated(root / "curated", assemble([doc], {})[0])
    return root / "curated", raw


def test_only_the_tables_that_define_codes_are_searched() -> None:
    assert defining_tables() == {
        "duties": "duty_code", "tasks": "task_code", "outputs": "output_code",
        "indicators": "indicator_code", "knowledge": "knowledge_code", "skills": "skill_code",
        "attitudes": "attitude_code",
    }


@pytest.mark.parametrize(("text", "code", "expected"), [
    ("T1.1:knowledge:K04", "K04", True),
    ("T1.1:knowledge:K04", "T1.1", True),
    ("T1.10:indicator:P1.10.1", "T1.1", False),
    ("T1.1:indicator:P1.1.4", "T1", False),
    ("T1.1:indicator:P1.1.4", "P1.1.4", True),
    ("K041", "K04", False),
])
def test_a_finding_mentions_only_whole_codes(text: str, code: str, expected: bool) -> None:
    assert mentions(text, code) is expected


def test_k04_of_the_text_sample(text_folders: tuple[Path, Path]) -> None:
    curated, raw = text_folders
    found = describe(curated, raw, CODE, "K04")
    assert found.value == "國際運送承攬業相關資訊系統和文件"
    assert (found.page_start, found.page_end) == (1, 2)
    assert [(r.table, r.row["knowledge_code"]) for r in found.rows] == [("knowledge", "K04")]
    assert found.source_file == f"{CODE}.txt" and found.source_format == "text"
    assert found.source_path == raw / f"{CODE}.txt"
    assert found.is_source_unchanged is True
    assert [(f.code, f.page, f.where) for f in found.findings] == [
        ("split-cell-joined", 1, "T1.1:knowledge:K04")]
    assert "統和文件" in found.findings[0].message

    shown = format_provenance(found)
    assert shown.splitlines()[0] == f"{CODE} K04: 國際運送承攬業相關資訊系統和文件"
    assert "pages 1–2" in shown
    assert "split-cell-joined T1.1:knowledge:K04" in shown


def test_a_task_collects_every_finding_about_it(text_folders: tuple[Path, Path]) -> None:
    found = describe(*text_folders, CODE, "T1.5")
    assert found.value == "掌握及協調進出口物流相關計畫的流程"
    assert [r.table for r in found.rows] == ["tasks"]
    assert {f.where for f in found.findings} == {
        "T1.5:indicator:P1.5.2", "T1.5:output:O1.5.1", "T1.5:task:T1.5", "T1.5"}


def test_an_indicator_value_is_its_text(text_folders: tuple[Path, Path]) -> None:
    found = describe(*text_folders, CODE, "P1.5.2")
    assert found.value == "確認作業標準、規劃流程，並監管改正不符合事項。"
    assert (found.page_start, found.page_end) == (3, 4)


def test_a_changed_source_is_flagged(text_folders: tuple[Path, Path], tmp_path: Path) -> None:
    curated, _raw = text_folders
    (tmp_path / f"{CODE}.txt").write_text("edited", encoding="utf-8")
    found = describe(curated, tmp_path, CODE, "K04")
    assert found.is_source_unchanged is False
    assert "has changed" in format_provenance(found)
    missing = describe(curated, tmp_path / "nowhere", CODE, "K04")
    assert (missing.source_path, missing.is_source_unchanged) == (None, None)


@pytest.mark.parametrize(("standard", "code", "message"), [
    ("RTM9999-001v1", "K04", "no standard"),
    (CODE, "K99", "no item coded K99"),
    (CODE, "K0", "no item coded K0"),
])
def test_unknown_standards_and_codes_are_reported(text_folders: tuple[Path, Path], standard: str,
                                                  code: str, message: str) -> None:
    with pytest.raises(NotFound, match=message):
        describe(*text_folders, standard, code)


def test_render_region_outlines_p152_on_both_pages_it_spans(pdf_folders: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    """`--png` drew only the first page, so a value split by a page break — the case most worth
    checking — showed half."""
    from PIL import Image

    curated, raw = pdf_folders
    found = describe(curated, raw, CODE, "P1.5.2")
    assert found.source_format == "pdf" and found.source_path is not None
    assert (found.page_start, found.page_end) == (3, 4)
    png = tmp_path / "p152.png"
    regions = render_region(found.source_path, (3, 4), "P1.5.2", png)
    assert [page for page, _box in regions] == [3, 4]
    with pdfplumber.open(found.source_path) as pdf:
        first = pdf.pages[2].crop(regions[0][1]).extract_text()
        rest = pdf.pages[3].crop(regions[1][1]).extract_text()
        page_height = pdf.pages[2].height
    # Narrowed to the item: the indicator before it in the same cell is outside the box.
    assert "P1.5.2" in first and "P1.5.1" not in first and "確認作業標準" in first
    assert rest == "符合事項。"  # the part the page break carried over, and nothing else
    assert (first + rest).replace("\n", "") == "P1.5.2" + found.value
    image = Image.open(png)
    # Cropped to the regions with some context: two strips, far less than two pages.
    assert image.height < page_height * 100 / 72
    assert image.width == pytest.approx(pdf_width_px(found.source_path), abs=2)


def pdf_width_px(path: Path) -> float:
    with pdfplumber.open(path) as pdf:
        return float(pdf.pages[0].width) * 100 / 72


def test_render_region_finds_a_knowledge_item_and_refuses_a_missing_one(
    pdf_folders: tuple[Path, Path], tmp_path: Path
) -> None:
    curated, raw = pdf_folders
    found = describe(curated, raw, CODE, "K04")
    assert found.source_path is not None and (found.page_start, found.page_end) == (1, 2)
    regions = render_region(found.source_path, (1, 2), "K04", tmp_path / "k04.png")
    with pdfplumber.open(found.source_path) as pdf:
        text = pdf.pages[0].crop(regions[0][1]).extract_text()
        rest = pdf.pages[1].crop(regions[1][1]).extract_text()
    assert text.startswith("K04") and "K03" not in text and "K05" not in text
    assert rest == "統和文件"
    with pytest.raises(RegionNotFound):
        render_region(found.source_path, (1, 1), "P9.9.9", tmp_path / "none.png")
    with pytest.raises(RegionNotFound, match="pages"):
        render_region(found.source_path, (99, 99), "K04", tmp_path / "none.png")


@pytest.mark.parametrize("typed", ["k4", "K4", "K04", "k04", " K 04 "])
def test_codes_are_accepted_as_people_type_them(text_folders: tuple[Path, Path], typed: str
                                                ) -> None:
    found = describe(*text_folders, CODE, typed)
    assert (found.code, found.value) == ("K04", "國際運送承攬業相關資訊系統和文件")


def test_a_source_in_a_subfolder_of_raw_is_found(text_folders: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    curated, raw = text_folders
    (tmp_path / "2026").mkdir()
    shutil.copy(raw / f"{CODE}.txt", tmp_path / "2026")
    found = describe(curated, tmp_path, CODE, "t1.5")
    assert found.code == "T1.5" and found.source_path == tmp_path / "2026" / f"{CODE}.txt"
    assert found.is_source_unchanged is True


def test_show_prints_the_provenance(text_folders: tuple[Path, Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    curated, raw = text_folders
    assert main_show([CODE, "K04", "--curated", str(curated), "--raw", str(raw)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == format_provenance(describe(curated, raw, CODE, "K04"))


def test_show_draws_the_png_for_a_pdf_source(pdf_folders: tuple[Path, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    curated, raw = pdf_folders
    png = tmp_path / "out" / "p152.png"
    assert main_show([CODE, "P1.5.2", "--curated", str(curated), "--raw", str(raw),
                      "--png", str(png)]) == 0
    assert png.exists()
    out = capsys.readouterr().out
    assert "outlined on page 3" in out and "outlined on page 4" in out


def test_show_refuses_what_it_cannot_do(text_folders: tuple[Path, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    curated, raw = text_folders
    folders = ["--curated", str(curated), "--raw", str(raw)]
    assert main_show([CODE, "K99", *folders]) == 2
    assert "no item coded K99" in capsys.readouterr().err
    assert main_show([CODE, "K04", *folders, "--png", str(tmp_path / "x.png")]) == 2
    assert "needs the PDF source" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_show_documents_every_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main_show(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for argument in ("standard_code", "code", "--curated", "--raw", "--png"):
        assert argument in out
    assert "where a curated value came from" in out
