"""The inputs the fuzzing campaign mutates: the committed PDFs (the LibreOffice fixtures and the
layout generator's sample) and text exports, and look-alike PDFs rendered from them.

Every base claims a standard code of its own (the sample and its variants are re-coded
``FZZnnnn-001vN``), so that a mutant which still reads as a valid standard never claims the
sample's code: two documents claiming one code are both rejected by design
(``conflicting-standard-code``), which would make the sample's fate depend on its neighbours.
The LibreOffice sample PDF and the private-use fixture PDF print the sample's own code, which
cannot be re-coded without re-rendering, so they are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.conftest import REPO, SAMPLE

FIXTURES = REPO / "tests" / "fixtures"
SAMPLE_CODE = "RTM1324-002"
# Corpus standards rendered by the fast route as extra PDF bases (none of them is among the
# LibreOffice fixtures, whose codes they would otherwise share).
FAST_ROUTE_CORPUS = 3


@dataclass(frozen=True)
class Base:
    name: str  # short, safe for a file name
    kind: str  # pdf | text
    data: bytes  # the file (a text export: UTF-8)
    # The standard it prints (its corpus file, where it has one): two bases of one standard
    # claim one code, so their mutants never share a batch.
    standard: str = ""

    @property
    def key(self) -> str:
        return self.standard or self.name


def recoded(text: str, number: int) -> str:
    """The sample's text (or a variant of it) under a standard code of its own."""
    return text.replace(SAMPLE_CODE, f"FZZ{number:04d}-001")


def _text_bases() -> list[Base]:
    files = [SAMPLE, *sorted((FIXTURES / "variants").glob("*.txt")),
             FIXTURES / "versions" / "RTM1324-002v5.txt"]
    return [Base(f"t{n:02d}-{path.stem[:24]}", "text",
                 recoded(path.read_text(encoding="utf-8"), n).encode("utf-8"))
            for n, path in enumerate(files, start=1)]


def _lo_bases() -> list[Base]:
    manifest = json.loads((FIXTURES / "lo" / "manifest.json").read_text(encoding="utf-8"))
    return [Base(f"lo-{Path(e['pdf']).stem}", "pdf", (FIXTURES / "lo" / e["pdf"]).read_bytes(),
                 e["source"]) for e in manifest if e["source"] != "sample"]


def _layout_sample_bases() -> list[Base]:
    """The committed sample of the layout generator (tests/layouts/): 30 real-content
    standards printed by LibreOffice and Chromium in drawn layouts."""
    out = []
    for meta in sorted((FIXTURES / "layouts").glob("layout-*.json")):
        source = json.loads(meta.read_text(encoding="utf-8"))["source"]
        out.append(Base(meta.stem, "pdf", meta.with_suffix(".pdf").read_bytes(), source))
    return out


def _fast_route_bases() -> list[Base]:
    """The sample re-coded, and a few corpus standards, printed by the fast route (reportlab,
    a CID font that is not embedded: no font file, no ToUnicode map, unlike LibreOffice's)."""
    from pipeline.extract import extract_text_export
    from pipeline.records import Source
    from tests.render.corpus import corpus_files, is_renderable, load_standard
    from tests.render.paginate import paginate
    from tests.render.pdf_fast import render_fast
    from tests.render.sample_layout import sample_layout

    number = 90
    text = recoded(SAMPLE.read_text(encoding="utf-8"), number)
    doc = extract_text_export(text, Source("sample.txt", "", "text", 0))
    out = [Base(f"fast-sample-{number}", "pdf", render_fast(sample_layout(doc)))]
    manifest = json.loads((FIXTURES / "lo" / "manifest.json").read_text(encoding="utf-8"))
    printed = {e["source"] for e in manifest}
    for path in corpus_files():
        if len(out) > FAST_ROUTE_CORPUS:
            break
        std = load_standard(path)
        if path.stem in printed or not is_renderable(std):
            continue
        paged, _placement = paginate(std)
        out.append(Base(f"fast-corpus-{len(out)}", "pdf", render_fast(paged), path.stem))
    return out


@cache
def all_bases() -> tuple[Base, ...]:
    """Every base, in a fixed order (the campaign's seed picks among them by index)."""
    return (*_text_bases(), *_lo_bases(), *_fast_route_bases(), *_layout_sample_bases())


@cache
def small_bases() -> tuple[Base, ...]:
    """The quick ones, for the seeded sample in ``make test``: the text exports, the one-page
    LibreOffice PDF and the fast route's short PDFs."""
    return (*_text_bases(), *(b for b in _lo_bases() if b.name == "lo-corpus-01"),
            *_fast_route_bases())
