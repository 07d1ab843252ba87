"""Render the realistic-route fixtures: python-docx → LibreOffice → tests/fixtures/lo/*.pdf.

Run by hand where LibreOffice is installed (`make lo-fixtures`); CI only reads the committed
PDFs. The sample is laid out from its own text export (so the same cells are split), and 20
real-content standards are chosen evenly from the shortest to the longest, alternating the two
CJK fonts (an embedded CFF font and an embedded TrueType font). ``manifest.json`` records what
each PDF was rendered from, so the test can rebuild its truth.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.extract import extract_file
from tests.conftest import SAMPLE
from tests.render.corpus import all_standards, is_renderable
from tests.render.docx_route import render_pdf
from tests.render.paginate import paginate
from tests.render.sample_layout import sample_layout

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "lo"
FONTS = ("Noto Sans CJK TC", "AR PL UMing TW")
COUNT = 20


def chosen_standards() -> list[str]:
    standards = [(s, std) for s, std in all_standards() if is_renderable(std)]
    by_size = sorted(standards, key=lambda s: (sum(len(d.tasks) for d in s[1].duties), s[0]))
    picks = sorted({round(i * (len(by_size) - 1) / (COUNT - 1)) for i in range(COUNT)})
    return [by_size[i][0] for i in picks]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = [{"pdf": "RTM1324-002v4.pdf", "source": "sample", "font": FONTS[0]}]
    render_pdf(sample_layout(extract_file(SAMPLE)), OUT / "RTM1324-002v4.pdf", font=FONTS[0])
    standards = dict(all_standards())
    for index, stem in enumerate(chosen_standards()):
        font = FONTS[index % 2]
        paged, _placement = paginate(standards[stem])
        pdf = f"corpus-{index + 1:02d}.pdf"
        render_pdf(paged, OUT / pdf, font=font)
        manifest.append({"pdf": pdf, "source": stem, "font": font})
        print(f"{pdf}: {stem} ({len(paged.pages)} pages, {font})", file=sys.stderr)
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
