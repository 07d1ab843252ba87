"""Stitch: what is mended in a main-table cell before any code in it is read.

Part of the stitch stage. A PDF cell may print marks in front of its items' codes, or break a
code over two lines in a narrow column; both are mended here, before a cell's role is read from
its content, and each kind is counted and reported once per document.
"""

from __future__ import annotations

from collections import Counter

from pipeline import layout
from pipeline.records import Finding
from pipeline.severity import finding


class CellRepairs:
    """What stitch mends in a main-table cell before any code is read, counted and reported
    once each: marks printed in front of item codes (`\uf0b7P1.1.1…`, `• K01…`:
    ``mark-before-code``), and codes broken by a line wrap (``code-wrap-joined``). The code
    behind a mark is the item's, the mark itself means nothing; a code's numbers never wrap in
    the template, only a narrow cell breaks them."""

    def __init__(self) -> None:
        self.marks: Counter[str] = Counter()
        self.marks_page: int | None = None
        self.joined: list[str] = []
        self.joined_page: int | None = None

    def mend(self, cell: str, page: int) -> str:
        cell = self._set_aside_marks(cell, page)
        while (broken := next((m for m in layout.BROKEN_CODE.finditer(cell)
                               if layout.is_broken_code(m["head"], m["tail"])), None)) is not None:
            joined = broken.group("head") + broken.group("tail")
            if not joined.endswith((".", "．")):  # not a step of a code broken twice
                self.joined.append(joined)
            self.joined_page = page if self.joined_page is None else self.joined_page
            cell = cell[:broken.start("head")] + joined + cell[broken.end("tail"):]
        # A mark before a code that only the join made whole (`• O` | `1.1.1`).
        return self._set_aside_marks(cell, page)

    def _set_aside_marks(self, cell: str, page: int) -> str:
        if layout.MARK_BEFORE_CODE.search(cell):
            for match in layout.MARK_BEFORE_CODE.finditer(cell):
                self.marks.update(c for c in match.group(0) if not c.isspace())
            self.marks_page = page if self.marks_page is None else self.marks_page
            cell = layout.MARK_BEFORE_CODE.sub("", cell)
        return cell

    def findings(self) -> list[Finding]:
        out = []
        if self.marks:
            listed = ", ".join(f"U+{ord(c):04X} ×{n}" for c, n in sorted(self.marks.items()))
            out.append(finding("mark-before-code", self.marks_page, "main table",
                               f"{sum(self.marks.values())} mark(s) printed before item codes "
                               f"set aside: {listed}"))
        if self.joined:
            shown = ", ".join(self.joined[:5]) + (", …" if len(self.joined) > 5 else "")
            out.append(finding("code-wrap-joined", self.joined_page, "main table",
                               f"{len(self.joined)} code(s) broken by a line wrap in a narrow "
                               f"cell read whole: {shown}"))
        return out
