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
