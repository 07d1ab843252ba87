"""The PDF route: the sample rendered as a look-alike PDF yields the text route's tables exactly.

The PDF is rendered at test time (fast route, reportlab) from the text export's own page grids,
so its page breaks cut the same cells: K04, P1.1.4, P1.3.2, T1.5's name, O1.5.1, P1.5.2.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.catalogue import document_rows
from pipeline.extract import extract_file
from pipeline.records import TableSet
from tests.conftest import SAMPLE, run_stages
from tests.render.model import PagedDocument, PageLayout, TableBlock, TextBlock
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import as_free_text, sample_layout

SOURCE_COLUMNS = {"source_file", "source_sha256", "source_format"}


@pytest.fixture(scope="module")
def sample_paged() -> PagedDocument:
    return sample_layout(extract_file(SAMPLE))


def _build(paged: PagedDocument, folder: Path, name: str = "RTM1324-002v4.pdf") -> TableSet:
    path = folder / name
    path.write_bytes(render_fast(paged))
    return run_stages(path)


def _without_source(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if k not in SOURCE_COLUMNS} for r in rows]


def test_sample_pdf_gives_the_text_routes_tables_cell_for_cell(
    sample: TableSet, sample_paged: PagedDocument, tmp_path: Path
) -> None:
    from_pdf = _build(sample_paged, tmp_path)
    assert not from_pdf.is_rejected
    text_rows, pdf_rows = document_rows(sample), document_rows(from_pdf)
    for name in text_rows:
        if name == "findings":
            continue
        assert _without_source(pdf_rows[name]) == _without_source(text_rows[name]), name
    assert pdf_rows["standards"][0]["source_format"] == "pdf"
    # The same stitches are made and reported, at the same pages.
    key = [(f["code"], f["severity"], f["page"], f["where"]) for f in text_rows["findings"]]
    assert [(f["code"], f["severity"], f["page"], f["where"])
            for f in pdf_rows["findings"]] == key


def _open_first_split(paged: PagedDocument) -> PagedDocument:
    """Page 1's main table part printed without its closing rule (Word sometimes does this)."""
    first = paged.pages[0]
    blocks = tuple(
        dataclasses.replace(b, closed=False) if isinstance(b, TableBlock) and b.kind == "main"
        else b
        for b in first.blocks
    )
    return dataclasses.replace(paged, pages=(PageLayout(1, blocks), *paged.pages[1:]))


def test_split_row_part_without_closing_rule_is_recovered_not_lost(
    sample: TableSet, sample_paged: PagedDocument, tmp_path: Path
) -> None:
    from_pdf = _build(_open_first_split(sample_paged), tmp_path)
    assert not from_pdf.is_rejected
    assert [(f.code, f.page) for f in from_pdf.findings if f.code == "split-row-recovered"] == [
        ("split-row-recovered", 1)]
    assert _without_source(document_rows(from_pdf)["indicators"]) == _without_source(
        document_rows(sample)["indicators"])


def _with_block(paged: PagedDocument, page: int, block: TableBlock | TextBlock
                ) -> PagedDocument:
    pages = list(paged.pages)
    pages[page - 1] = dataclasses.replace(pages[page - 1],
                                          blocks=(*pages[page - 1].blocks, block))
    return dataclasses.replace(paged, pages=tuple(pages))


def test_text_outside_any_table_is_an_uncovered_text_error(
    sample_paged: PagedDocument, tmp_path: Path
) -> None:
    stray = _with_block(sample_paged, 3, TextBlock("審查意見：本頁另附說明", style="body"))
    from_pdf = _build(stray, tmp_path)
    assert from_pdf.is_rejected
    assert [(f.code, f.page) for f in from_pdf.findings if f.severity == "error"] == [
        ("uncovered-text", 3)]
    assert "審查意見" in next(f.message for f in from_pdf.findings if f.code == "uncovered-text")


def test_table_with_an_unknown_header_is_reported_not_skipped(
    sample_paged: PagedDocument, tmp_path: Path
) -> None:
    from tests.render.model import TableRow

    odd = TableBlock("other", (TableRow(("附表", "內容")),), (TableRow(("甲", "乙")),),
                     (100.0, 411.28))
    from_pdf = _build(_with_block(sample_paged, 2, odd), tmp_path)
    assert from_pdf.is_rejected
    assert [(f.code, f.page) for f in from_pdf.findings if f.severity == "error"] == [
        ("unknown-table", 2)]


def test_wrong_footer_page_number_is_a_warning(sample_paged: PagedDocument, tmp_path: Path
                                               ) -> None:
    shifted = dataclasses.replace(
        sample_paged,
        pages=tuple(dataclasses.replace(p, number=p.number + (1 if p.number == 4 else 0))
                    for p in sample_paged.pages),
    )
    from_pdf = _build(shifted, tmp_path)
    assert [(f.code, f.severity, f.page) for f in from_pdf.findings
            if f.code == "footer-page-mismatch"] == [("footer-page-mismatch", "warning", 4)]
    assert not from_pdf.is_rejected


def test_a_glyph_straddling_a_tables_edge_is_reported(tmp_path: Path) -> None:
    """pdfplumber's outside_bbox leaves out what overlaps a table; it must then be in a cell."""
    import io

    import pdfplumber
    from reportlab.pdfgen import canvas

    from pipeline.pdf_tables import find_tables as _find_tables
    from pipeline.pdf_tables import text_lines_outside as _text_lines_outside
    from pipeline.pdf_tables import uncovered_in_tables as _uncovered_in_tables

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(400, 400), invariant=True)
    c.grid([50, 150, 250], [300, 250, 200])
    c.setFont("Helvetica", 10)
    c.drawString(60, 270, "inside")
    c.drawString(60, 196, "GONE")  # across the table's bottom rule
    c.showPage()
    c.save()
    path = tmp_path / "straddle.pdf"
    path.write_bytes(buffer.getvalue())
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        tables = _find_tables(page, 1, [])
        outside = " ".join(line["text"] for line in _text_lines_outside(page, tables))
        assert "GONE" not in outside
        assert _uncovered_in_tables(page, tables) == "GONE"


def test_attitudes_and_notes_printed_as_wrapped_free_text_stay_whole(
    sample: TableSet, sample_paged: PagedDocument, tmp_path: Path
) -> None:
    from_pdf = _build(as_free_text(sample_paged), tmp_path)
    assert not from_pdf.is_rejected, [f for f in from_pdf.findings if f.severity == "error"]
    for name in ("attitudes", "notes", "knowledge", "skills"):
        assert _without_source(document_rows(from_pdf)[name]) == _without_source(
            document_rows(sample)[name]), name
