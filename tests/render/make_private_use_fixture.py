"""Render tests/fixtures/variants/private-use-kangxi.pdf from the text export beside it.

The fast route's built-in CID font cannot encode Kangxi radicals (U+2F00–U+2FDF), CJK
compatibility ideographs or Word's private-use Symbol bullets (U+F0B7, U+F09F, U+F06C): it drops
them from the text layer. This script draws the same layout with the TrueType font AR PL UMing
(Debian's fonts-arphic-uming), which has the radicals and compatibility ideographs; each
private-use bullet is drawn with the glyph of a typographic bullet while the text layer keeps the
private-use code point, as Word's Symbol font does. Run by hand where the font is installed:

    .venv/bin/python -m tests.render.make_private_use_fixture

CI only reads the committed PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.extract import extract_file
from tests.render import pdf_fast
from tests.render.sample_layout import sample_layout

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "variants" / "private-use-kangxi"
FONT_FILE = "/usr/share/fonts/truetype/arphic/uming.ttc"
BULLET_GLYPHS = {"\uf0b7": "•", "\uf09f": "●", "\uf06c": "●"}


def main() -> int:
    font = Path(FONT_FILE)
    if not font.exists():
        print(f"needs {font} (apt-get install fonts-arphic-uming)", file=sys.stderr)
        return 1
    pdf_fast.use_truetype_font(str(font), glyph_aliases=BULLET_GLYPHS)
    paged = sample_layout(extract_file(FIXTURE.with_suffix(".txt")))
    FIXTURE.with_suffix(".pdf").write_bytes(pdf_fast.render_fast(paged))
    return 0


if __name__ == "__main__":
    sys.exit(main())
