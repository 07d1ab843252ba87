"""A line a page cut off at its foot and printed again, whole, at the top of the next page.

A browser printing a table row or a paragraph that does not fit a page moves it to the next one,
yet may leave glyphs of it painted at the first page's foot, under a clip that hides them from a
reader but not from pdfplumber (which does not clip). Read as text, the cut-off copy is one more
line: glued to the item above it (`縫機上線能力` + `縫機`, where the next page starts
`S10縫機操作能力`), or to the paragraph above it — a value exported wrong with nothing to show.

The copy is told by its glyphs: each one is on the next page's top lines, the same character at
the same horizontal place (the browser laid the line out once), and printed text of that line is
missing from the copy — characters of the words it belongs to, before or between its own (`S10`,
whose run was not painted), or the line's start one space before them, an item's code
(`P2.3.3` | `恪遵…`) or a letter-spaced title's first letters (`說 明 與 補 充` | `事`) —
which neither an item printed again in a later row (the same `K07…` at the same place, whole)
nor text that merely ends where the next page's begins (`等。` | `等。另應…`: only what follows
is missing) ever shows — or it is a list mark alone (`●`), which marks nothing without its
item. No item may start above those words on the next page. Such a line is
dropped from the first page and reported once (``clipped-copy``).

The other way round too: part of the foot's last line painted again in the next page's top
margin, above its first table rule if it has one (``without_copy_above``).
"""

from __future__ import annotations

import itertools
from typing import Any

from pdfplumber.utils.text import chars_to_textmap

from pipeline import layout
from pipeline.pdf_text import digits_only, footer_number
from pipeline.records import Finding
from pipeline.severity import finding

# How far apart (points) two glyphs may be and still be one laid-out glyph drawn twice.
_SAME_PLACE = 0.6
# The share of the next page, from its top, whose lines may hold the moved line; the share of the
# page, from its foot, where the copy lies (it is what overflowed the page).
_TOP_SHARE = 0.35
# Points two drawings of one glyph may differ in size (none: it is one laid-out line).
_SAME_SIZE = 0.1
_FOOT_SHARE = 0.25


def _lines(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return chars_to_textmap(chars).extract_text_lines(return_chars=True) if chars else []


def _foot_line(page: Any) -> dict[str, Any] | None:
    """The page's lowest printed line that is no footer, if it lies at the page's foot."""
    foot = page.bbox[3] - _FOOT_SHARE * (page.bbox[3] - page.bbox[1])
    for line in reversed(_lines([c for c in page.chars if c["top"] >= foot])):
        if footer_number(line["text"]) is None and not digits_only(line["text"]):
            return line
    return None


def _runs(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A line's characters as printed words: runs laid out glyph against glyph (a gap under a
    tenth of a glyph; the next cell's text, past two paddings and a rule, is another word)."""
    runs: list[list[dict[str, Any]]] = []
    for char in chars:
        if char["text"].isspace():
            continue
        if runs and char["x0"] - runs[-1][-1]["x1"] < 0.1 * (char["x1"] - char["x0"]):
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def _opens_item(run: list[dict[str, Any]]) -> bool:
    text = layout.BULLET.sub("", "".join(c["text"] for c in run))
    return layout.role_of_code(text) is not None or bool(layout.ATTITUDE_CODE.match(text))


def _is_lossy_copy(glyphs: list[dict[str, Any]], line: dict[str, Any],
                   above: list[dict[str, Any]]) -> bool:
    """Whether each glyph is drawn again on ``line`` at its place, in order, the words it is
    found in there lack characters before or between the glyphs' own — or the line's start
    before them (``_start_left_out``), or the glyphs are a list mark alone —, and no item
    starts above those words on the next page (``above``: its lines over ``line``): the moved
    text opens the page there. One glyph is enough only for a list mark or a letter-spaced
    title's letter, or a glyph of the next page's first line inside a word whose start the
    copy lacks (`構` | `建構方式…`, `修` | `…室內裝修`); any other single glyph could match by
    chance."""
    others = [c for c in line["chars"] if not c["text"].isspace()]
    matched: set[int] = set()
    at = 0
    for glyph in glyphs:
        while at < len(others) and not (others[at]["text"] == glyph["text"]
                                        and abs(others[at]["x0"] - glyph["x0"]) < _SAME_PLACE
                                        and abs(others[at]["size"] - glyph["size"]) < _SAME_SIZE):
            at += 1
        if at == len(others):
            return False
        matched.add(id(others[at]))
        at += 1
    runs = _runs(line["chars"])
    words = [run for run in runs if any(id(c) in matched for c in run)]
    flat = [c for run in words for c in run]
    last = max(i for i, c in enumerate(flat) if id(c) in matched)
    # A list mark alone marks nothing: the item it opens is the one the next page prints there.
    marks_only = layout.BULLET.fullmatch("".join(g["text"] for g in glyphs)) is not None
    start_left_out = _start_left_out(runs, words[0])
    # An item's code one space before a later word of the copy that the copy lacks (`念` |
    # `S07 衝突管`: another cell's line of the same row).
    code_left_out = any(runs[runs.index(word) - 1] not in words
                        and _start_left_out(runs, word) == "code" for word in words[1:])
    if len(glyphs) < 2 and not marks_only and start_left_out != "letters" and above:
        return False
    if (all(id(c) in matched for c in flat[:last]) and not marks_only and not start_left_out
            and not code_left_out):
        return False
    left, right = min(r[0]["x0"] for r in words), max(r[-1]["x1"] for r in words)
    return not any(_opens_item(run) for upper in above for run in _runs(
        [c for c in upper["chars"] if left <= (c["x0"] + c["x1"]) / 2 <= right]))


def _start_left_out(runs: list[list[dict[str, Any]]], first: list[dict[str, Any]]) -> str:
    """What of the line's start, printed one space before ``first``, the copy lacks: "code", an
    item's code alone (`P2.3.3` | `恪遵…`; a whole item there is another cell's text), or
    "letters", the letters of a letter-spaced title (`說 明 與 補 充` | `事`: single glyphs
    evenly apart) — the runs the page did not paint, not text that merely ends where the next
    page begins. "" for neither."""
    before = runs[:runs.index(first)]
    if not before:
        return ""
    space = 0.6 * (first[0]["x1"] - first[0]["x0"])  # a space, not a cell's padding and rule
    letters = [first[0], *(run[-1] for run in reversed(before))]
    gaps = [right["x0"] - left["x1"] for right, left in itertools.pairwise(letters)]
    if (len(before) >= 2 and all(len(run) == 1 for run in [*before, first])
            and all(0 < gap < space for gap in gaps) and max(gaps) - min(gaps) < _SAME_PLACE):
        return "letters"
    code = layout.BULLET.sub("", "".join(c["text"] for c in before[-1]))
    if gaps[0] < space and any(
            pattern.fullmatch(code) for pattern in layout.PRINTED_CODE_PATTERNS.values()):
        return "code"
    return ""


def _all_placed(glyphs: list[dict[str, Any]], chars: list[dict[str, Any]]) -> bool:
    """Whether each glyph is drawn among ``chars`` at its horizontal place: the cheap test that
    settles most pages before any line is built."""
    places: dict[str, list[float]] = {}
    for char in chars:
        places.setdefault(char["text"], []).append(char["x0"])
    return all(any(abs(x - g["x0"]) < _SAME_PLACE for x in places.get(g["text"], ()))
               for g in glyphs)


def _rules_across(page: Any, char: dict[str, Any]) -> list[dict[str, Any]]:
    """The vertical rules across a glyph's middle: the column rules of the row it lies in."""
    middle = (char["top"] + char["bottom"]) / 2
    return [e for e in page.vertical_edges if e["top"] < middle < e["bottom"]]


def _ruled_row(rules: list[dict[str, Any]]) -> tuple[float, list[float]] | None:
    """A ruled row's height and column rules (left edges), or None under fewer than two."""
    if len(rules) < 2:
        return None
    return (max(e["bottom"] for e in rules) - min(e["top"] for e in rules),
            sorted(e["x0"] for e in rules))


def _alone_in_row(page: Any, glyph: dict[str, Any], rules: list[dict[str, Any]]) -> bool:
    """Whether the glyph is all the ruled row around it prints (a row the browser began to
    paint: a genuine row ending in a glyph alone, the last of a paragraph, holds its lines)."""
    top, bottom = max(e["top"] for e in rules), min(e["bottom"] for e in rules)
    left, right = min(e["x0"] for e in rules), max(e["x0"] for e in rules)
    return all(c is glyph or c["text"].isspace() for c in page.chars
               if top <= (c["top"] + c["bottom"]) / 2 <= bottom
               and left <= (c["x0"] + c["x1"]) / 2 <= right)


def _row_painted_again(page: Any, glyph: dict[str, Any], next_page: Any,
                       first: dict[str, Any]) -> bool:
    """Whether a glyph alone at the foot is the first glyph of the next page's first line, drawn
    in a ruled row of the same height between the same column rules as that line's row: the
    row the next page prints, which the browser moved there but began to paint at this page's
    foot too (its first glyph `其` and its rules, under a clip: 19/33's `其他補充說明`). A line
    that merely begins as the foot's ends needs no ruled row of the same height and columns."""
    opening = next((c for c in first["chars"] if not c["text"].isspace()), None)
    if opening is None or not (opening["text"] == glyph["text"]
                               and abs(opening["x0"] - glyph["x0"]) < _SAME_PLACE
                               and abs(opening["size"] - glyph["size"]) < _SAME_SIZE):
        return False
    rules = _rules_across(page, glyph)
    here, there = _ruled_row(rules), _ruled_row(_rules_across(next_page, opening))
    return (here is not None and there is not None and _alone_in_row(page, glyph, rules)
            and abs(here[0] - there[0]) < 2 * _SAME_PLACE
            and len(here[1]) == len(there[1])
            and all(abs(a - b) < _SAME_PLACE for a, b in zip(here[1], there[1], strict=True)))


def _without_line(page: Any, line: dict[str, Any]) -> Any:
    gone = {id(c) for c in line["chars"]}
    return page.filter(lambda obj: id(obj) not in gone)


def without_clipped_copy(page: Any, next_page: Any, number: int) -> tuple[Any, list[Finding]]:
    """The page without a line its foot cut off that the next page prints again."""
    foot = _foot_line(page)
    if foot is None:
        return page, []
    glyphs = [c for c in foot["chars"] if not c["text"].isspace()]
    if not glyphs:
        return page, []
    top = next_page.bbox[1] + _TOP_SHARE * (next_page.bbox[3] - next_page.bbox[1])
    upper = [c for c in next_page.chars if c["top"] < top]
    if not _all_placed(glyphs, upper):
        return page, []  # (most pages: what follows only confirms it)
    lines = _lines(upper)
    if len(glyphs) == 1:
        # A line this page prints at its top too is a running page header, no moved line: a
        # glyph alone must not match inside it (`師` of a title printed over every page).
        own = page.bbox[1] + _TOP_SHARE * (page.bbox[3] - page.bbox[1])
        running = {layout.squash(line["text"])
                   for line in _lines([c for c in page.chars if c["top"] < own])}
        lines = [line for line in lines if layout.squash(line["text"]) not in running]
    moved_row = (len(glyphs) == 1 and bool(lines)
                 and _row_painted_again(page, glyphs[0], next_page, lines[0]))
    if not moved_row and not any(_is_lossy_copy(glyphs, line, lines[:i])
                                 for i, line in enumerate(lines)):
        return page, []
    return _without_line(page, foot), [finding(
        "clipped-copy", number, "page foot",
        f"line {foot['text'][:40]!r} at the foot of page {number}: part of a line printed "
        f"again at the top of page {number + 1}, glyph for glyph at the same places (a copy "
        "the page cut off), read once")]


def without_copy_above(page: Any, previous_page: Any, number: int) -> tuple[Any, list[Finding]]:
    """The page without its first line, above any table rule, when it repeats a line at the
    previous page's foot: a browser splitting a row across the page break may paint the last
    line's glyphs again in the next page's top margin (`指引⼿冊`, its `◎K05` not), and a line
    that overran the foot's margin by a fraction of a point is painted there too, the glyphs
    whose ink reaches down that far (`議擔任 職類 職業 學 或能力條件` under
    `建議擔任此職類/職業之學歷/經歷/或能力條件：`) — a copy no reader sees. Told as the foot's
    copy is: each glyph of the line at the same place on one of the previous page's foot
    lines, which has characters the copy lacks before or between them (``_is_lossy_copy``)."""
    # (A rule drawn above the page's edge, a row's border continued from the page before,
    # is not on it.)
    rules = [e["top"] for e in page.horizontal_edges if e["top"] >= page.bbox[1]]
    # (On a page without rules, its top share only: no need to build the whole page's lines.)
    first_rule = min(rules, default=page.bbox[1] + _TOP_SHARE * (page.bbox[3] - page.bbox[1]))
    above = _lines([c for c in page.chars if c["bottom"] <= first_rule + _SAME_PLACE])
    if not above:
        return page, []
    line = above[0]
    glyphs = [c for c in line["chars"] if not c["text"].isspace()]
    foot = previous_page.bbox[3] - _FOOT_SHARE * (previous_page.bbox[3] - previous_page.bbox[1])
    lower = [c for c in previous_page.chars if c["top"] >= foot]
    if len(glyphs) < 2 or not _all_placed(glyphs, lower) or not any(
            _is_lossy_copy(glyphs, other, []) for other in _lines(lower)):
        return page, []
    return _without_line(page, line), [finding(
        "clipped-copy", number, "page top",
        f"line {line['text'][:40]!r} at the top of page {number}: part of a line at the foot "
        f"of page {number - 1}, glyph for glyph at the same places (a copy painted in the "
        "margin), read once")]
