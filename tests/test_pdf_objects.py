"""The extract stage's own pass over a page's layout objects gives exactly pdfplumber's dicts.

pipeline.pdf_objects replaces pdfplumber's ``Page.parse_objects`` for speed; table finding and
text extraction then run on its dicts, so they must equal pdfplumber's on every page: the
committed LibreOffice PDFs (two embedded CJK fonts, Word-like rules), the Kangxi variant PDF and
the sample drawn by the fast route (reportlab's CID font, rules as lines).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdftypes import PDFObjRef

from pipeline.extract import extract_file
from pipeline.pdf_objects import page_objects
from tests.conftest import REPO, SAMPLE
from tests.render.pdf_fast import render_fast
from tests.render.sample_layout import sample_layout

COMMITTED = sorted((REPO / "tests" / "fixtures").glob("*/*.pdf"))


@pytest.fixture(scope="module")
def fast_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fast") / "RTM1324-002v4.pdf"
    path.write_bytes(render_fast(sample_layout(extract_file(SAMPLE))))
    return path


def _assert_same_objects(path: Path) -> int:
    kinds = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            ours = page_objects(page)
            assert ours == page.parse_objects(), f"{path.name} page {page.page_number}"
            kinds += len(ours)
            page.close()
    return kinds


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_pdf_pages_give_pdfplumbers_objects(path: Path) -> None:
    assert _assert_same_objects(path) > 0


def test_fast_route_sample_gives_pdfplumbers_objects(fast_sample: Path) -> None:
    assert _assert_same_objects(fast_sample) > 0


class _OneObject:
    """A stand-in PDF document holding one object: what a reference resolves to."""

    def getobj(self, objid: int) -> str:
        return "Resolved-Font"


def test_an_attribute_that_is_not_plain_is_resolved_by_pdfplumber(fast_sample: Path) -> None:
    """A reference among an object's attributes goes through pdfplumber's own
    ``process_object``, which resolves it."""
    with pdfplumber.open(fast_sample) as pdf:
        page = pdf.pages[0]
        char = next(o for o in page.layout._objs if type(o).__name__ == "LTChar")
        char.fontname = PDFObjRef(_OneObject(), 7)  # type: ignore[arg-type]
        ours = page_objects(page)
        assert ours["char"][0]["fontname"] == "Resolved-Font"
        assert ours == page.parse_objects()


@pytest.fixture(scope="module")
def unusual_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Objects the standards do not print but a PDF may hold: an image, a form XObject (a
    figure with text and a rule inside), a link annotation, a dashed Bézier curve, ligature and
    full-width characters; and a page whose MediaBox does not start at the origin, rotated."""
    import pypdf
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    folder = tmp_path_factory.mktemp("unusual")
    plain = folder / "objects.pdf"
    page = canvas.Canvas(str(plain), pagesize=(400, 500))
    for number in range(2):
        page.setFont("Helvetica", 12)
        page.drawString(50, 450, "ﬁ ligature ２ full-width")
        page.setStrokeColorRGB(1, 0, 0)
        page.line(40, 440, 300, 440)
        page.rect(40, 300, 200, 100, stroke=1, fill=0)
        page.setDash(3, 2)
        page.bezier(50, 50, 100, 150, 200, 0, 300, 100)
        page.setDash()
        page.drawImage(ImageReader(Image.new("RGB", (4, 4), (0, 128, 255))), 300, 300, 20, 20)
        page.beginForm(f"F{number}")
        page.drawString(10, 10, "in a form")
        page.line(0, 0, 50, 0)
        page.endForm()
        page.doForm(f"F{number}")
        page.linkURL("https://example.org", (50, 440, 150, 460))
        page.showPage()
    page.save()
    reader, writer = pypdf.PdfReader(str(plain)), pypdf.PdfWriter()
    for number, pdf_page in enumerate(reader.pages):
        if number == 1:
            pdf_page.mediabox = pypdf.generic.RectangleObject([50, 30, 450, 530])
            pdf_page.rotate(90)
        writer.add_page(pdf_page)
    moved = folder / "objects-moved.pdf"
    writer.write(str(moved))
    return [plain, moved]


@pytest.mark.parametrize("options", [{}, {"laparams": {}}, {"unicode_norm": "NFKC"}],
                         ids=["default", "laparams", "unicode_norm"])
def test_unusual_objects_give_pdfplumbers_dicts_key_for_key(
        unusual_pages: list[Path], options: dict[str, object]) -> None:
    for path in unusual_pages:
        with pdfplumber.open(path, **options) as pdf:  # type: ignore[arg-type]
            for page in pdf.pages:
                ours, theirs = page_objects(page), page.parse_objects()
                assert ours == theirs, f"{path.name} page {page.page_number}"
                assert {"image", "curve", "line", "rect", "char"} <= set(theirs)
                for kind, objects in theirs.items():  # the same keys in the same order
                    assert [list(o) for o in ours[kind]] == [list(o) for o in objects]
