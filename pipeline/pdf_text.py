"""Extract, PDF route: the text printed as lines rather than table cells.

Part of the extract stage (``pipeline.extract_pdf`` reads the pages and tables). A line is page
furniture (a footer, a running page header), the title, a section title, or a line of the
attitude or notes section — wherever it is printed: as free text under a title, or as the lines
of a cell of a back-matter table, which are read the same way with the cell's right edge as the
text's. Anything else is ``uncovered-text``, never dropped.

Furniture is recognised by pattern and position, whatever order its glyphs come in: a footer
`第 N 頁，總共 M 頁` in any punctuation (its page numbers may be drawn as a field apart from the
words, even on a line of their own next to them), and a running header — a line at the top of a
later page that repeats the title or the first line of page 1.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import regex
from pdfplumber.utils.text import chars_to_textmap

from pipeline import layout
from pipeline.layout import is_wide
from pipeline.records import Finding, GridRow, PageGrid
from pipeline.severity import finding


@dataclass(frozen=True)
class HeaderStart:
    """A table at a page's foot that no header rule recognises: it may be a main-table header's
    first rows, whose rest heads the next page (an engine breaks a header of several rows like
    any row). Each cell as (left edge, text); ``at``: where its unknown-table finding goes if
    the next page does not complete it."""

    page: int
    rows: tuple[tuple[tuple[float, str], ...], ...]
    first: str
    at: int


@dataclass
class Sections:
    """What the pages held so far, and where the reading is (``current``: the section a line or
    a title-less table belongs to)."""

    title: list[str] = field(default_factory=list)
    versions: list[GridRow] = field(default_factory=list)
    profile: list[GridRow] = field(default_factory=list)
    main: list[PageGrid] = field(default_factory=list)
    attitudes: list[GridRow] = field(default_factory=list)
    notes: list[GridRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    current: str = "start"
    # Room left between the last free-text line of the attitude/notes section and the text's
    # right edge (None after a table): when the next line's first word would not have fitted
    # there, the line was wrapped and the next one may continue its paragraph.
    room: float | None = None
    # The text block's right edge as read so far, by page width (``extract_pdf._text_right``).
    text_right: dict[int, float] = field(default_factory=dict)
    # Folded texts read as a running page header, and the pages they were dropped on.
    running: dict[str, list[int]] = field(default_factory=dict)
    # The main table's K and S item names, once the back matter needs them.
    names: set[str] | None = None
    # Geometry of the last main-table header: (role, left, right) of each column, for a table
    # continued on a page that does not repeat the header.
    main_boxes: list[tuple[str, float, float]] = field(default_factory=list)
    # A section title printed in a left cell beside its text, as read so far (a page break may
    # cut it: the rest heads the next page's part of the table).
    left_title: str = ""
    # The last table read, when it may begin a header that the next page completes.
    header_start: HeaderStart | None = None


# Characters a line may not end with (opening brackets) or start with (closing punctuation):
# a line breaks before or after such a pair as one unit (kinsoku).
_OPENING = "([{（［｛「『【〈《〔“‘"
_CLOSING = ")]}）］｝」』】〉》〕”’，。、；：！？,.;:!?％%"


def _wide(text: str) -> bool:
    """A character as pdfplumber gives it may be a ligature of several letters (`fi`)."""
    return any(is_wide(c) for c in text)


def is_wrap(room: float | None, chars: list[dict[str, Any]]) -> bool:
    """Whether the line before (with ``room`` left to the right edge) broke only because this
    line's first unit did not fit: a CJK character, or a whole Latin word (a line broken before
    a long Latin word ends short of the edge, and is still wrapped), with an opening bracket
    before it or closing punctuation after it (`(需`, `業。`: a line never ends on the one or
    starts with the other). Half an em of slack."""
    if room is None or not chars:
        return False
    end = 0
    while end + 1 < len(chars) and chars[end]["text"] in _OPENING:
        end += 1
    if not _wide(chars[end]["text"]):
        while (end + 1 < len(chars) and not chars[end + 1]["text"].isspace()
               and not _wide(chars[end + 1]["text"])):
            end += 1
    while end + 1 < len(chars) and chars[end + 1]["text"] in _CLOSING:
        end += 1
    # A Latin run glued to that punctuation goes with it too (`越、A07`: LibreOffice keeps a
    # CJK comma and the code after it on one line).
    if end > 0 and chars[end]["text"] in _CLOSING:
        while (end + 1 < len(chars) and not chars[end + 1]["text"].isspace()
               and not _wide(chars[end + 1]["text"])):
            end += 1
    em = max(c["x1"] - c["x0"] for c in chars)
    return room < chars[end]["x1"] - chars[0]["x0"] + 0.5 * em


def starts_item(text: str) -> bool:
    """Whether a free-text line begins a new attitude or note rather than continuing one."""
    bare = text.strip()
    return bool(
        layout.ATTITUDE_CODE.match(bare)
        or layout.BULLET.match(bare)
        or layout.note_heading(bare) is not None
        or bare.startswith(layout.ENTRY_MARK)
        or layout.ENUMERATOR.match(bare)
    )


def item_names(main: list[PageGrid]) -> set[str]:
    """The K and S item names of the main table (white space removed): a free-text paragraph
    titled with one (`國際運送承攬業管理程序與規範：…`) explains that item, a paragraph of
    its own."""
    names: set[str] = set()
    for grid in main:
        for j, role in enumerate(grid.columns):
            if role not in (layout.KNOWLEDGE, layout.SKILL):
                continue
            for row in grid.rows:
                cell = row.cells[j] if j < len(row.cells) else ""
                starts = list(layout.ITEM_START[role].finditer(cell))
                ends = [m.start() for m in starts[1:]] + [len(cell)]
                names |= {layout.squash(cell[m.end():end])
                          for m, end in zip(starts, ends[:len(starts)], strict=True)}
    return names


def read_wrap(above: str, text: str, names: set[str]) -> tuple[bool, str | None]:
    """Whether a line printed after a line that filled the width continues its paragraph, and
    why that reading is not certain (None when it is). A wrap cannot be told from a paragraph
    whose last line happens to fill the width, so the content decides: a line titled with a K/S
    item's name starts a paragraph; after a sentence end, a line opening with a title
    (`名稱：…`) starts one too; any other join after a sentence end, or of a line that opens like
    a title, is reported."""
    last = above.rsplit("\n", 1)[-1].rstrip()
    ends_sentence = bool(last) and last[-1] in layout.SENTENCE_END
    colon = layout.title_colon(text.strip())
    if colon is not None and layout.squash(text.strip()[:colon.start()]) in names:
        return False, None
    title = layout.ITEM_TITLE.match(text.strip())
    if title and ends_sentence:
        return False, ("kept as a new paragraph: the line above ends a sentence and this one "
                       "opens with a title")
    if ends_sentence:
        return True, "joined to the paragraph above, whose line ends a sentence"
    if title:
        return True, "joined to the paragraph above (which ends mid-sentence) though it opens " \
                     "with a title"
    return True, None


def footer_number(text: str) -> str | None:
    """The page number a footer line prints ("" when its digits are drawn elsewhere); None when
    the line is no footer."""
    match = layout.FOOTER_FOLDED.fullmatch(layout.fold(text))
    return None if match is None else match.group(1)


def is_running_header(text: str, number: int, at_top: bool, state: Sections) -> bool:
    """A line at the top of a later page that repeats the title or page 1's first line (or a
    header already seen): page furniture, dropped (``running-header``, reported once)."""
    if number < 2 or not at_top or not state.title:
        return False
    key = layout.fold(text)
    if key not in state.running and key not in (layout.fold(state.title[0]),
                                                layout.fold("".join(state.title))):
        return False
    pages = state.running.setdefault(key, [])
    pages.append(number)
    return True


def end_running_headers(state: Sections) -> None:
    """Once every page is read: a running header printed above the title on page 1 is no part
    of the title, and each header is reported once."""
    for key, pages in state.running.items():
        if len(state.title) > 1 and layout.fold(state.title[0]) == key:
            state.title.pop(0)
        state.findings.append(finding(
            "running-header", pages[0], "page header",
            f"a line repeated at the top of page(s) {', '.join(map(str, pages))} read as a "
            f"running page header and dropped"))


def read_line(text: str, number: int, state: Sections, wraps: bool = False,
              at_top: bool = False) -> None:
    """One printed line outside the main table's cells, by what it says and where it is."""
    page_number = footer_number(text)
    if page_number is not None:
        if page_number and int(page_number) != number:
            state.findings.append(finding("footer-page-mismatch", number, "footer",
                                          f"footer {text!r} on page {number}"))
        return
    if is_running_header(text, number, at_top, state):
        return
    if (state.left_title and layout.fold(text)
            and layout.section_of_title(state.left_title + text)):
        # The rest of a left cell's title, its lines printed below the table's part of it or
        # carried on to the next page (`職能內涵` | `（A=attitude態` | `度）：`).
        state.left_title += text.strip()
        return
    section = layout.section_of_title(text)
    if section is not None:
        state.current = section
    elif state.current == "start" and number == 1:
        state.title.append(text.strip())
    elif state.current in ("attitudes", "notes"):
        rows = getattr(state, state.current)
        if wraps and rows and rows[-1].page == number and not starts_item(text):
            # A paragraph printed as free text, wrapped at the right edge: one item, not two —
            # unless its content says otherwise.
            if state.names is None:
                state.names = item_names(state.main)
            joins, doubt = read_wrap(rows[-1].cells[0], text, state.names)
            if doubt is not None:
                state.findings.append(finding(
                    "free-text-wrap-joined" if joins else "free-text-wrap-split", number,
                    state.current,
                    f"line {text.strip()[:20]!r} after a line that filled the width {doubt}"))
            if joins:
                rows[-1] = GridRow(number, (rows[-1].cells[0] + "\n" + text,))
                return
        rows.append(GridRow(number, (text,)))
    else:
        state.findings.append(finding("uncovered-text", number, "text outside tables",
                                      f"text in no table cell or known line: {text[:60]!r}"))


def with_marks_on_their_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines (top to bottom) with a line that is a list mark alone (`▪`, `•`) put in front of
    the line it marks: a mark drawn smaller or raised (its top a few points above the text's)
    is read as a line of its own, which would be an item holding nothing. The marked line is
    the next one, level with the mark's middle and starting right of it — or the one before,
    for a mark drawn a little lower than its text in another font and read apart from it (its
    foot touching a table below: `⚫` | `A05應對…`)."""
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        after = lines[i + 1] if i + 1 < len(lines) else None
        beyond = lines[i + 2] if i + 2 < len(lines) else None
        if after is not None and _marks(line, after):
            out.append(_marked(line, after))
            i += 2
        elif (after is not None and _marks(after, line)
                and not (beyond is not None and _marks(after, beyond))):
            out.append(_marked(after, line))
            i += 2
        else:
            out.append(line)
            i += 1
    return out


def _marks(mark: dict[str, Any], marked: dict[str, Any]) -> bool:
    """Whether a line is a list mark alone, level with ``marked`` and left of its start."""
    return (layout.BULLET.fullmatch(mark["text"].strip()) is not None
            and marked["top"] <= (mark["top"] + mark["bottom"]) / 2 <= marked["bottom"]
            and marked["x0"] >= (mark["x0"] + mark["x1"]) / 2)


def _marked(mark: dict[str, Any], marked: dict[str, Any]) -> dict[str, Any]:
    return {**marked, "text": mark["text"].strip() + marked["text"], "x0": mark["x0"],
            "top": min(mark["top"], marked["top"]),
            "chars": mark.get("chars", []) + marked.get("chars", [])}


def read_cell_lines(page: Any, bbox: tuple[float, float, float, float], number: int,
                    state: Sections) -> None:
    """A back-matter cell that holds several lines, read line by line like free text: a line
    continues the paragraph above only when that one broke for want of room at the cell's
    right edge (its left padding taken for the right one)."""
    # A cell's characters are those whose middle lies inside it, as pdfplumber reads a cell
    # (a crop would also take the next row's first line where its glyphs reach over the rule).
    chars = _cell_chars(page, bbox)
    lines = chars_to_textmap(chars).extract_text_lines(return_chars=True) if chars else []
    lines = with_marks_on_their_lines(lines)
    if not lines:
        return
    right = bbox[2] - (min(line["x0"] for line in lines) - bbox[0])
    room: float | None = None
    for line in lines:
        read_line(line["text"], number, state, is_wrap(room, line["chars"]))
        room = right - line["x1"]


_LATIN_BREAK = regex.compile(r"[A-Za-z0-9]\n[A-Za-z0-9]")
_ENDS_WITH_LETTER = regex.compile(r"[A-Za-z\uFB00-\uFB06]\s*\Z")
# (A Latin ligature is letters too: pdfplumber gives Chromium's `ﬁ` as one character, U+FB01.)
_LATIN = regex.compile(r"[A-Za-z0-9\uFB00-\uFB06]")
# Slack (points) for comparing a line's end with its cell's edge.
_EDGE_SLACK = 1.0


def _cell_chars(page: Any, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """A cell's characters: those whose middle lies inside it, as pdfplumber reads a cell."""
    x0, top, x1, bottom = bbox
    return [c for c in page.chars
            if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]


def _run(chars: list[dict[str, Any]], from_end: bool) -> list[dict[str, Any]]:
    """The word at a line's end (or start) as a layout engine sees it: the characters up to
    white space or a CJK character (`O1.2.1H` is one such word when a code is printed glued to
    a Latin name), with an opening bracket before it or closing punctuation after it, which
    the engine keeps with it (`（ERP）` is one unit)."""
    seq = list(reversed(chars)) if from_end else chars
    run = []
    for char in seq:
        if char["text"].isspace() or _wide(char["text"]):
            if char["text"] in (_OPENING if from_end else _CLOSING):
                run.append(char)
            break
        run.append(char)
    return list(reversed(run)) if from_end else run


def _starts_word(tail: list[dict[str, Any]], head: list[dict[str, Any]]) -> bool:
    """Whether the line after a break opens a word of its own (``layout.opens_word``)."""
    return layout.opens_word(tail[-1]["text"], "".join(c["text"] for c in head))


def mark_word_breaks(page: Any, bbox: tuple[float, float, float, float], text: str,
                     at_foot: bool = False) -> str:
    """A cell's text with each line break the layout forced inside a Latin word marked
    ``layout.WORD_BREAK`` instead of a line break: the line before it is full to the cell's
    edge and the word is wider than the cell's lines (`HACC` | `P` in a narrow column), so no
    space can have been there — a word the engine had to break. Normalise joins it with
    nothing, still with a warning. A break after a space the PDF draws at the line's end keeps
    that space (`Area ` | `Network`: normalise joins it with the space, nothing to check). Any
    other break stays a line break.

    ``at_foot``: the cell is in the table's last row on its page, which the page's foot may
    cut. When its last line is one Latin word filling the line from edge to edge
    (`ProcessCommunic`), the word is wider than the cell, so a page break there is inside it:
    the text ends with the mark, and the cell's rest on the next page, if it opens with the
    word's rest, joins it as one word (``codes.split_items``)."""
    cut_at_foot = at_foot and bool(_ENDS_WITH_LETTER.search(text))
    if not _LATIN_BREAK.search(text) and not cut_at_foot:
        return text
    chars = _cell_chars(page, bbox)
    lines = chars_to_textmap(chars).extract_text_lines(return_chars=True)
    if [line["text"].strip() for line in lines] != [t.strip() for t in text.split("\n")]:
        return text
    spaces = [c for c in chars if c["text"] == " "]
    left = min(line["x0"] for line in lines)
    right = bbox[2] - (left - bbox[0])
    out = lines[0]["text"]
    for above, line in itertools.pairwise(lines):
        tail, head = _run(above["chars"], True), _run(line["chars"], False)
        breaks = "\n"
        if (tail and head and _LATIN.fullmatch(tail[-1]["text"])
                and _LATIN.fullmatch(head[0]["text"])
                and layout.role_of_code(line["text"].strip()) is None):
            # (A line opening with an item's code starts that item, whatever the geometry.)
            full = right - above["x1"] < head[0]["x1"] - head[0]["x0"] + _EDGE_SLACK
            word = tail[-1]["x1"] - tail[0]["x0"] + head[-1]["x1"] - head[0]["x0"]
            if _space_drawn_after(tail[-1], spaces):
                breaks = " \n"
            elif (full and word > right - left - _EDGE_SLACK
                    and not _starts_word(tail, head)):
                breaks = layout.WORD_BREAK
        out += breaks + line["text"]
    tail = _run(lines[-1]["chars"], True) if cut_at_foot else []
    # (A lone letter is no such word: rather an item's code the page cut, `●O` | `2.2.1`.)
    letters = [c for c in tail if c["text"].isalpha()]
    if (len(letters) >= 2 and tail[0]["x0"] - left < _EDGE_SLACK
            and right - lines[-1]["x1"] < tail[-1]["x1"] - tail[-1]["x0"] + _EDGE_SLACK):
        out += layout.WORD_BREAK
    return out


def _space_drawn_after(last: dict[str, Any], spaces: list[dict[str, Any]]) -> bool:
    """Whether the PDF draws a space glyph after a line's last character: the line was broken at
    that space (some engines draw a line's last space, e.g. LibreOffice with a font that has the
    glyph; a browser never does), so two words, whatever else the document prints."""
    return any(abs(space["top"] - last["top"]) < _EDGE_SLACK
               and space["x0"] >= last["x1"] - _EDGE_SLACK for space in spaces)


def digits_only(text: str) -> bool:
    key = layout.fold(text)
    return bool(key) and key.isdigit()
