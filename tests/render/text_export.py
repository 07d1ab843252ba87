"""A Standard printed as iCAP's text export, with page breaks wherever the caller says.

The format follows the published sample (tab-separated rows; the main-table header repeated after
each page break; a row cut by a break continues, column for column, in the first row of the next
page). A cut is only placed where the pipeline's join is exact: at an item boundary or between two
CJK characters. ``Placement`` records the page of every piece, so ``truth.truth_tables`` gives the
expected rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.render.model import Standard
from tests.render.paginate import (
    CATEGORY_LABELS,
    QUALIFICATIONS_HEADING,
    RELATED_CATEGORIES_HEADING,
    ROLES,
    SUPPLEMENTARY_HEADING,
    Placement,
    _row_cells,
)
from tests.render.pdf_fast import _is_wide
from tests.render.sample_layout import ATTITUDE_TITLE, MAIN_HEADER, NOTES_TITLE, VERSION_HEADER


@dataclass(frozen=True)
class Break:
    """A page break after block ``after`` (1-based); ``cuts`` maps a column to the character
    offset in that cell's printed text where the break falls (absent: the cell stays whole)."""

    after: int
    cuts: dict[int, int]


def cut_points(text: str) -> list[int]:
    """Offsets where a cell may be cut so that re-joining gives the text back exactly."""
    points = [i + 1 for i, c in enumerate(text) if c == " "]  # item boundaries (space dropped)
    points += [i for i in range(1, len(text)) if _is_wide(text[i - 1]) and _is_wide(text[i])]
    return sorted(set(points))


def _header() -> str:
    return "\t".join(MAIN_HEADER)


def render_text_export(std: Standard, breaks: list[Break]) -> tuple[str, Placement]:
    placement = Placement()
    lines = ["", "", std.title, "", "\t".join(VERSION_HEADER)]
    lines += ["\t".join((v.label, v.code, v.name, v.status, v.note, v.date))
              for v in std.versions]
    lines += ["", f"職能基準代碼\t{std.code}\t\t\t",
              f"職能基準名稱 (擇一填寫)\t職類\t{std.name if std.name_kind == '職類' else ''}\t\t",
              f"\t職業\t{std.name if std.name_kind == '職業' else ''}\t\t"]
    first = True
    for kind in ("job_category", "occupation", "industry"):
        label, code_label = CATEGORY_LABELS[kind]
        for c in (c for c in std.categories if c.kind == kind):
            block = "所屬類別" if first else ""
            lines.append(f"{block}\t{label}\t{c.name}\t{code_label}\t{c.code}")
            first = False
    lines += [f"工作描述\t{std.description}\t\t\t",
              f"基準級別\t{'' if std.level is None else std.level}\t\t\t", "", _header()]

    page = 1
    by_block = {b.after: b for b in breaks}
    for block_no, (_duty, cells) in enumerate(_row_cells(std), start=1):
        printed = [" ".join(paragraphs) for paragraphs in cells]
        spans = [_item_spans(paragraphs) for paragraphs in cells]
        placement.blocks[block_no] = [page]
        cut = by_block.get(block_no)
        first_part = [t[: cut.cuts[c]].rstrip() if cut and c in cut.cuts else t
                      for c, t in enumerate(printed)]
        lines.append("\t".join(first_part))
        for col, text in enumerate(printed):
            boundary = cut.cuts.get(col, len(text)) if cut else len(text)
            for item, (start, end) in enumerate(spans[col]):
                pages = placement.items.setdefault((block_no, ROLES[col], item), [])
                if start < boundary:
                    pages.append(page)
                if end > boundary:
                    pages.append(page + 1)
        if cut is None:
            continue
        page += 1
        lines += ["", _header()]
        if any(c in cut.cuts and cut.cuts[c] < len(t) for c, t in enumerate(printed)):
            rest = [t[cut.cuts[c]:].lstrip() if c in cut.cuts else ""
                    for c, t in enumerate(printed)]
            lines.append("\t".join(rest))
            placement.blocks[block_no].append(page)

    lines += ["", ATTITUDE_TITLE, ""]
    for i, a in enumerate(std.attitudes):
        lines.append(f"- {a.code}{a.name}：{a.description}")
        placement.back[("attitude", i)] = page
    lines += ["", NOTES_TITLE, "", f"- {QUALIFICATIONS_HEADING}", ""]
    for i, q in enumerate(std.qualifications):
        lines += [f"- {q}", ""]
        placement.back[("note", "qualifications", i)] = page
    lines += [f"- {SUPPLEMENTARY_HEADING}", ""]
    for i, s in enumerate(std.supplementary):
        lines += [s, ""]
        placement.back[("note", "supplementary", i)] = page
    if std.related_categories:
        lines += [f"- {RELATED_CATEGORIES_HEADING}", ""]
    for i, entry in enumerate(std.related_categories):
        lines += [f"- {entry}", ""]
        placement.back[("note", "related_categories", i)] = page
    placement.page_count = page
    return "\n".join(lines) + "\n", placement


def _item_spans(paragraphs: list[str]) -> list[tuple[int, int]]:
    """Character span of each item in the cell's printed text (items joined by one space)."""
    spans, offset = [], 0
    for paragraph in paragraphs:
        spans.append((offset, offset + len(paragraph)))
        offset += len(paragraph) + 1
    return spans
