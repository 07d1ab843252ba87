"""Geometry from the wild: whatever boxes a PDF's pages and tables have, the PDF is read or
rejected with a reason, never an exception (issue #15).

Each case rewrites the page dictionaries or content of a committed PDF (``tests.fuzz.pdf``) and
runs every stage with no exception boundary, so that anything raised fails here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from pipeline.extract import UnsupportedSource
from tests.conftest import REPO, run_stages
from tests.fuzz.pdf import Pdf, content_streams, page_box, parse, set_entry

ONE_PAGE = REPO / "tests" / "fixtures" / "lo" / "corpus-01.pdf"


def _every_page(key: bytes, value: Callable[[list[float]], bytes]) -> Callable[[Pdf], None]:
    def edit(pdf: Pdf) -> None:
        for page in pdf.pages():
            page.set_dictionary(set_entry(page.dictionary(), key, value(page_box(pdf, page))))
    return edit


def _border_to(y: float) -> Callable[[Pdf], None]:
    """A table border drawn as one rectangle from the middle of the page to ``y`` (off the
    page), as wkhtmltopdf prints one."""
    def edit(pdf: Pdf) -> None:
        for page in pdf.pages():
            x0, _y0, x1, y1 = page_box(pdf, page)
            stream = content_streams(pdf, page)[-1]
            top = y1 / 2
            rect = b"q 0.5 w %.2f %.2f %.2f %.2f re S Q" % (x0 + 40, min(y, top), x1 - x0 - 80,
                                                            abs(top - y))
            stream.set_stream(stream.stream() + b"\n" + rect + b"\n")
    return edit


CASES: dict[str, Callable[[Pdf], None]] = {
    "table bbox below the page": _border_to(-1000),
    "table bbox above the page": _border_to(2000),
    "negative coordinates": _every_page(b"MediaBox", lambda b: b"[-300 -400 %.2f %.2f]" % (
        b[2] - 300, b[3] - 400)),
    "every coordinate negative": _every_page(b"MediaBox", lambda b: b"[-900 -900 -100 -100]"),
    "rotated 90": _every_page(b"Rotate", lambda b: b"90"),
    "rotated 180": _every_page(b"Rotate", lambda b: b"180"),
    "rotated 270": _every_page(b"Rotate", lambda b: b"270"),
    "rotated 45 (not a multiple of 90)": _every_page(b"Rotate", lambda b: b"45"),
    "CropBox inside the MediaBox": _every_page(b"CropBox", lambda b: b"[60 80 500 700]"),
    "CropBox offset from the MediaBox": _every_page(b"CropBox", lambda b: b"[300 400 900 1200]"),
    "CropBox outside the MediaBox": _every_page(b"CropBox", lambda b: b"[2000 2000 2100 2100]"),
    "CropBox larger than the MediaBox": _every_page(b"CropBox", lambda b: b"[-600 -800 1200 1700]"),
    "zero-size page": _every_page(b"MediaBox", lambda b: b"[0 0 0 0]"),
    "zero-height page": _every_page(b"MediaBox", lambda b: b"[0 0 595 0]"),
    "enormous page": _every_page(b"MediaBox", lambda b: b"[0 0 14400 14400]"),
    "astronomic page": _every_page(b"MediaBox", lambda b: b"[0 0 1000000000000 1000000000000]"),
    "page shrunk under its tables": _every_page(b"MediaBox", lambda b: b"[0 400 595 842]"),
    "a box of three numbers": _every_page(b"CropBox", lambda b: b"[0 0 595]"),
    "a box of names": _every_page(b"MediaBox", lambda b: b"[/a /b /c /d]"),
}


def _read(path: Path) -> str:
    """The verdict on a PDF: accepted, rejected (with its error codes) or unreadable (code)."""
    try:
        doc = run_stages(path)
    except UnsupportedSource as unsupported:
        return f"unreadable: {unsupported.code}"
    errors = sorted({f.code for f in doc.findings if f.severity == "error"})
    assert doc.is_rejected == bool(errors)
    return f"rejected: {' '.join(errors)}" if errors else "accepted"


@pytest.mark.parametrize("case", CASES)
def test_pdf_geometry_from_the_wild_is_read_or_rejected_with_a_reason(case: str,
                                                                       tmp_path: Path) -> None:
    pdf = parse(ONE_PAGE.read_bytes())
    CASES[case](pdf)
    path = tmp_path / "wild.pdf"
    path.write_bytes(pdf.to_bytes())
    verdict = _read(path)
    assert verdict.startswith(("accepted", "rejected: ", "unreadable: ")), verdict


def test_a_pdf_of_more_than_200_pages_is_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(595, 842), invariant=True)
    for n in range(1, 221):
        c.rect(50, 600, 400, 100)
        c.line(50, 650, 450, 650)
        c.drawString(60, 660, f"page {n}")
        c.showPage()
    c.save()
    path = tmp_path / "long.pdf"
    path.write_bytes(buffer.getvalue())
    assert _read(path).startswith("rejected: ")  # no competency standard, said so


def test_a_page_moved_to_negative_coordinates_with_an_empty_knowledge_cell_is_read(
        tmp_path: Path) -> None:
    """Found by the fuzzing campaign: on a page whose MediaBox starts at (-300, -400) the notes'
    lines read as wrapped, and reading a wrap looked up every K/S item name — in a row whose
    knowledge cell was empty, which raised ValueError (zip of no item starts with one end)."""
    pdf = parse((REPO / "tests" / "fixtures" / "lo" / "corpus-19.pdf").read_bytes())
    CASES["negative coordinates"](pdf)
    path = tmp_path / "moved.pdf"
    path.write_bytes(pdf.to_bytes())
    assert _read(path).startswith(("accepted", "rejected: "))
