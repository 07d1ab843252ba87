"""Render the fixed layout sample committed in tests/fixtures/layouts/ (by hand:
`make layout-fixtures`; it needs LibreOffice and Chromium, CI only reads the PDFs).

Thirty documents, half per engine, on short real-content standards, with parameters drawn from a
fixed seed and then steered so that the sample holds every layout the pipeline was seen to fail
on (``REQUIRED``): full-width title punctuation, two- and three-row headers, a narrow level
column, attitudes as a one-column table and as a one-line list, bullets before codes, footer
digits drawn apart, landscape, several fonts per engine, and the content variants (a four-number
code, an unusual standard code, no 工作描述, an output without a name, a Latin word wrapped in a
narrow cell). Each PDF has a JSON beside it with its corpus file, seed and parameters: enough to
rebuild its ``Standard`` and truth without any engine (``tests/layouts_sample_test.py``).
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import sys
from typing import Any

from tests.layouts.params import draw
from tests.layouts.render import REPO, Case, render_all
from tests.render.corpus import all_standards, is_renderable

OUT = REPO / "tests" / "fixtures" / "layouts"
SEED = "layout-sample-1"
COUNT = 30
FULL_WIDTH_TITLE = "職能內涵（A=attitude態度）"

# Case index → fields forced on top of its draw (the even cases go through LibreOffice, the odd
# ones through Chromium), so the sample holds each layout below at least once per engine where
# it matters.
REQUIRED: dict[int, dict[str, Any]] = {
    0: {"attitude_title": FULL_WIDTH_TITLE, "header_rows": 2, "attitude_form": "table1"},
    1: {"attitude_title": FULL_WIDTH_TITLE, "header_rows": 3, "attitude_form": "table1"},
    2: {"header_rows": 3, "narrow_level": True, "attitude_form": "oneline"},
    3: {"header_rows": 2, "narrow_level": True, "attitude_form": "oneline"},
    4: {"cell_bullet": "•", "footer": "第 {n} 頁，總共 {m} 頁", "footer_digits_apart": True},
    5: {"cell_bullet": "●", "footer": "第{n}頁，共{m}頁", "footer_digits_apart": True},
    6: {"orientation": "landscape", "four_number_codes": True},
    7: {"orientation": "landscape", "odd_code": "{l4}{d3}-{n3}v{v}"},
    8: {"no_description": True, "output_without_name": True},
    9: {"no_description": True, "output_without_name": True},
    10: {"latin_in_narrow": True, "widths": (58.0, 74.0, 24.0, 131.0, 32.0, 77.0, 77.0)},
    11: {"latin_in_narrow": True, "widths": (58.0, 74.0, 24.0, 131.0, 32.0, 77.0, 77.0)},
    12: {"four_number_codes": True, "attitudes_without_code": True, "odd_levels": True},
    13: {"odd_code": "{l3}{d4}{l1}-{n3}v{v}", "odd_levels": True},
}


def _short_standards() -> list[tuple[str, Any]]:
    standards = [(stem, std) for stem, std in all_standards() if is_renderable(std)]
    standards.sort(key=lambda s: (sum(len(d.tasks) for d in s[1].duties), s[0]))
    return standards[: len(standards) // 3]


def sample_cases() -> list[Case]:
    rng = random.Random(SEED)
    pool = _short_standards()
    cases = []
    fonts_seen: dict[str, set[str]] = {}
    for i in range(COUNT):
        forced = REQUIRED.get(i, {})
        needs_attitudes = {"attitude_form", "attitudes_without_code"} & forced.keys()
        stem, std = rng.choice(pool)
        while needs_attitudes and not std.attitudes:
            stem, std = rng.choice(pool)
        case_seed = f"{SEED}/{i}"
        params = draw(random.Random(case_seed),
                      four_number_codes=std.extra.get("four_number_codes") == "1",
                      has_attitudes=bool(std.attitudes))
        engine = ("docx-libreoffice", "html-chromium")[i % 2]
        params = dataclasses.replace(params, **forced, engine=engine)
        fonts_seen.setdefault(engine, set()).add(params.font)
        cases.append(Case(f"layout-{i + 1:02d}", stem, case_seed, params))
    assert all(len(f) >= 2 for f in fonts_seen.values()), fonts_seen
    return cases


def main() -> int:
    cases = sample_cases()
    paths = render_all(cases)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("layout-*"):
        old.unlink()
    for case in cases:
        pdf = OUT / f"{case.name}.pdf"
        shutil.copyfile(paths[case.name], pdf)
        (OUT / f"{case.name}.json").write_text(
            json.dumps(case.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{pdf.name}: {case.source} ({case.params.engine}, {case.params.font})",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
