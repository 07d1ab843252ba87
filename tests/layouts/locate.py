"""Pages of each printed item, read from the rendered PDF independently of the pipeline.

The engine decides pages, so the truth's ``page_start`` / ``page_end`` come from the PDF itself,
read with pypdfium2 (PDFium's text layer) rather than pdfplumber, which the pipeline uses: a
locating mistake and a pipeline mistake then do not share a cause. Each page's text is taken with
all white space removed and the pages are joined into one string; an item is found by its
printed string (code + text, with any bullet): the first occurrence, from a given position, that
matches at least its code (or its first few characters). Its text is then followed character by
character; where the match stops short, the rest must be found on the next page (the part a page
break moved there, after the repeated header), and so on. Anything that cannot be followed this
way — a text layer that spells a character otherwise, a remainder found nowhere, an item printed
once split over a page break that the next page also prints whole — gives None:
that page field is left out of the comparison and counted, never guessed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

MIN_HEAD = 3  # characters after the code that must match at the found position


def squash(text: str) -> str:
    return "".join(text.split())


def page_texts(pdf_path: Path) -> list[str]:
    """Each page's text with white space removed (pypdfium2)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            # PDFium spells a hyphen it takes for a word's break at a line's end U+FFFE (a
            # bullet `-` printed there is one): the page prints `-`.
            out.append(squash(textpage.get_text_range()).replace("\ufffe", "-"))
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


@dataclass(frozen=True)
class Span:
    page_start: int
    page_end: int
    start: int  # position in the joined text where the item starts
    end: int  # position just after its last character


class Locator:
    def __init__(self, pages: list[str]) -> None:
        self.pages = pages
        self.text = "".join(pages)
        self.starts = []
        position = 0
        for page in pages:
            self.starts.append(position)
            position += len(page)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page_of(self, position: int) -> int:
        """1-based page of a position in the joined text."""
        return bisect.bisect_right(self.starts, position)

    def _page_end(self, page: int) -> int:
        return self.starts[page] if page < len(self.pages) else len(self.text)

    def _follow(self, item: str, position: int) -> Span | None:
        """Follow ``item`` from ``position``, across page breaks."""
        page = self.page_of(position)
        start, done = position, 0
        first_page = page
        while True:
            limit = self._page_end(page)
            n = 0
            while (done + n < len(item) and position + n < limit
                   and self.text[position + n] == item[done + n]):
                n += 1
            done += n
            if done == len(item):
                return Span(first_page, page, start, position + n)
            if page >= len(self.pages):
                return None
            # The rest is on the next page, after its page furniture and repeated header.
            page += 1
            rest = item[done:]
            found = self.text.find(rest[:max(1, min(len(rest), 12))], self.starts[page - 1],
                                   self._page_end(page))
            if found < 0:
                return None
            position = found

    def find(self, printed: str, code: str = "", start: int = 0,
             repeats: bool = False) -> Span | None:
        """The first printing of ``printed`` at or after ``start`` that can be followed to its
        end (its code and at least one character after it must match where it starts; the rest
        may continue on later pages)."""
        item = squash(printed)
        if not item:
            return None
        code_end = item.find(squash(code)) + len(squash(code)) if code else 0
        # The code alone: a page may end right after it (`K04` | next page `市場…`); the rest is
        # checked by following the item across the break.
        head = item[: max(code_end, MIN_HEAD)]
        position = self.text.find(head, start)
        while position >= 0:
            span = self._follow(item, position)
            if (span is not None and not repeats and span.page_end > span.page_start
                    and self.text.find(item, self.starts[span.page_end - 1],
                                       self._page_end(span.page_end)) >= 0):
                # An item printed once (not a K/S item, which each block prints again) that the
                # next page prints whole: the first page's part is a copy a browser left at its
                # foot under a clip (PDFium reads clipped glyphs), or the item split there and
                # printed again. Which page holds it is not guessed.
                return None
            if span is not None:
                return span
            position = self.text.find(head, position + 1)
        return None
