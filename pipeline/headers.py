"""Which section a table (or a text-export line) starts: its header rows or title, as data and
the one rule both extract routes apply.

Header words are compared folded (``layout.fold``): width, spacing, line breaks and punctuation
do not matter. A main-table header may take one to three printed rows, its words wrapped inside
their cells, split across rows, printed under a spanned cell, cut short at their end by a narrow
repeated header row, or spilled into the row below; each page's column roles come from its own
header rows. A header nobody wrote a rule for is no header: the table is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from pipeline.layout import (
    ATTITUDE_TITLE,
    DUTY,
    FOOTER_IN_TEXT,
    FURNITURE,
    INDICATOR,
    KNOWLEDGE,
    LEVEL,
    OUTPUT,
    PROFILE_CODE,
    ROLE_ORDER,
    SKILL,
    SPANNING_WORDS,
    TASK,
    fold,
    folded_in,
    section_of_title,
)

# Header words of each main-table column as the catalogue prints them, compared in their folded
# form (``fold``: width, spacing, line breaks and punctuation do not matter, so
# `職能內涵（K=knowledge知識）`, `職能內涵 (K=knowledge 知識)` and `職能內涵\n(K=knowledge\n知識)`
# are one word). Headers are matched column by column in ROLE_ORDER, so one word may name different
# roles by position: the older template heads its T1 column 工作任務 and its T1.1 column 工作活動.
MAIN_HEADER: dict[str, tuple[str, ...]] = {
    DUTY: ("主要職責", "工作職責", "工作任務"),
    TASK: ("工作任務", "工作活動"),
    OUTPUT: ("工作產出",),
    INDICATOR: ("行為指標",),
    LEVEL: ("職能級別", "級別"),
    KNOWLEDGE: ("(K=knowledge 知識)", "(K=knowledge)", "知識", "知識(K)", "(K)知識"),
    SKILL: ("(S=skills 技能)", "(S=skill 技能)", "(S=skills)", "技能", "技能(S)", "(S)技能"),
}
# Columns a main-table header may leave out. Without a 主要職責 column a task's duty is the first
# number of its code (T1.2 → T1) and the duty's name is unknown (null, duty-name-missing).
OPTIONAL_COLUMNS: tuple[str, ...] = (DUTY,)
# The most rows a main-table header is printed over (a word wrapped or split across them).
MAX_HEADER_ROWS = 3

# The version table's header: each column's words as printed (compared folded).
VERSION_HEADER: tuple[tuple[str, ...], ...] = (
    ("版本",), ("職能基準代碼", "職能代碼"), ("職能基準名稱", "職能名稱"), ("狀態",),
    ("更新說明", "修訂內容", "備註"), ("發展更新日期", "更新日期"),
)

HEADER_WORDS = ("主要職責", "工作職責", "工作任務", "工作活動", "工作產出", "行為指標", "職能級別",
                "職能內涵")


_FOLDED_HEADER = {role: {fold(a) for a in aliases} for role, aliases in MAIN_HEADER.items()}
_FOLDED_SPANNING = tuple(fold(w) for w in SPANNING_WORDS)


_FOLDED_HEADER_WORDS = tuple(fold(w) for w in HEADER_WORDS)
# Whole column headers and section titles (folded): one of these inside a field is leaked layout.
_FULL_HEADERS = (
    *(w + alias for w in ("", *_FOLDED_SPANNING) for role in (KNOWLEDGE, SKILL)
      for alias in _FOLDED_HEADER[role] if len(alias) > 4),
    fold(ATTITUDE_TITLE),
)


# Two header words printed one after the other, as a header row leaked into a field reads
# (`主要職責工作任務`); a task named `分析工作任務及職能內涵` names two of them in a sentence.
_HEADER_RUN = regex.compile("(?:" + "|".join(_FOLDED_HEADER_WORDS) + "){2}")


def leaked_layout(value: str) -> bool:
    """Whether a text field holds page furniture (a footer, `<p>` residue, an unmapped glyph) or
    header text: two header words in a row, a header word alone, or a whole column header or
    title."""
    if any(p.search(value) for p in FURNITURE):
        return True
    key = fold(value)
    if FOOTER_IN_TEXT.search(key):
        return True
    return (bool(_HEADER_RUN.search(key)) or key in _FOLDED_HEADER_WORDS
            or any(h in key for h in _FULL_HEADERS))



def header_word_rest(cut: str, role: str, text: str) -> bool:
    """Whether a body cell's first line is the rest of a header word printed cut short above it
    (`職能級` in the header, `別` below it: the narrow header cell overflowed into the row)."""
    first = fold(text.strip().split("\n", 1)[0])
    words = _role_words(role)
    # The level column's header is read from any start of its word, so its rest may be cut too
    # (`職\n能` above, `級` below, `別` lost to the cell's width): no level is a word.
    return bool(first) and (cut + first in words or (
        role == LEVEL and any(w.startswith(cut + first) for w in words)))


@dataclass(frozen=True)
class Header:
    """A table recognised by its first rows: which section, how many printed rows the header
    takes (0 for the profile, whose first row is already data; a main-table header may take up
    to ``MAX_HEADER_ROWS``), and for the main table the role of each grid column (None where no
    column's header starts)."""

    kind: str  # main | versions | profile | attitudes | notes
    rows: int
    columns: tuple[str | None, ...] = ()
    # Header words read though cut short at their end: (grid column, folded word).
    cut: tuple[tuple[int, str], ...] = ()


def _blank(cell: str | None) -> bool:
    return cell is None or not cell.strip()


def _main_orders() -> list[tuple[str, ...]]:
    """Every column sequence a main-table header may show: all roles, or some optional left out."""
    orders = [ROLE_ORDER]
    for optional in OPTIONAL_COLUMNS:
        orders += [tuple(r for r in order if r != optional) for order in orders]
    return orders




def _role_words(role: str) -> set[str]:
    """The folded header words that name a role; K and S may carry the spanning word in front
    (`職能內涵(K=knowledge知識)`)."""
    words = set(_FOLDED_HEADER[role])
    if role in (KNOWLEDGE, SKILL):
        words |= {w + a for w in _FOLDED_SPANNING for a in _FOLDED_HEADER[role]}
    return words


# The most characters a header word may lose at its end and still name its column: a narrow
# cell of a repeated header row prints `職\n能\n級` where page 1 printed 職能級別.
_CUT_CHARACTERS = 2


# The words of a K or S column header, each once, in any order once folded (`知識 (K=knowledge)`,
# `(K=knowledge) 知識`, `知識`): at least the Chinese or the English word, and nothing else.
_CONTENT_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # role: (words that name it, one of which must be there; the letter, optional)
    KNOWLEDGE: (("knowledge", "知識"), ("k",)),
    SKILL: (("skills", "skill", "技能"), ("s",)),
}


def _names_content(bare: str, role: str) -> bool:
    """Whether a K/S header (spanning word removed) is made of its words, each at most once."""
    naming, letters = _CONTENT_WORDS[role]
    rest, named = bare, False
    for word in (*naming, *letters):
        if word in rest:
            rest = rest.replace(word, "", 1)
            named = named or word in naming
    return named and rest == ""


def _names_role(key: str, role: str) -> str | None:
    """"whole" when a column's folded header text names the role, "cut" when it is such a word
    cut short at its end (at least three characters left, and not the spanning word alone; any
    start of 職能級別 for the level column), else None."""
    words = _role_words(role)
    if key in words:
        return "whole"
    if role in _CONTENT_WORDS:
        bare = next((key[len(w):] for w in _FOLDED_SPANNING if key.startswith(w)), key)
        if _names_content(bare, role):
            return "whole"
    if len(key) >= 3 and key not in _FOLDED_SPANNING and any(
            w.startswith(key) and len(w) - len(key) <= _CUT_CHARACTERS for w in words):
        return "cut"
    # The 職能級別 column is the narrowest: its repeated header may keep a character or two
    # (`職`), and the columns around it name it by their order.
    if role == LEVEL and key and any(w.startswith(key) for w in words):
        return "cut"
    return None


def _column_texts(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """Each grid column's header text over the rows, folded: what its cells print top to bottom.
    An empty cell above a column that has header text further down lies under a cell spanning
    from the left — when that cell is a spanning word (職能內涵 over K and S), the column reads
    it too; any other empty cell is a merge from above or a blank, and reads nothing."""
    width = max(len(r) for r in rows)
    texts = []
    for j in range(width):
        parts = []
        for r, row in enumerate(rows):
            cell = row[j] if j < len(row) else None
            if not _blank(cell):
                parts.append(fold(cell or ""))
                continue
            below = any(j < len(lower) and not _blank(lower[j]) for lower in rows[r + 1:])
            left = next((fold(c or "") for c in reversed(row[:min(j, len(row))])
                         if not _blank(c)), "")
            if below and left in _FOLDED_SPANNING:
                parts.append(left)
        texts.append("".join(parts))
    return texts


def _match_main(rows: Sequence[Sequence[str | None]]
                ) -> tuple[tuple[str | None, ...], tuple[tuple[int, str], ...]] | None:
    """The role of each grid column when these rows are a main-table header, and the header
    words read though cut short; None when they are no main-table header."""
    texts = _column_texts(rows)
    named = [(j, key) for j, key in enumerate(texts) if key]
    for order in _main_orders():
        if len(order) != len(named):
            continue
        readings = [_names_role(key, role) for (_j, key), role in zip(named, order, strict=True)]
        if all(readings):
            columns: list[str | None] = [None] * len(texts)
            for (j, _key), role in zip(named, order, strict=True):
                columns[j] = role
            cut = tuple((j, key) for (j, key), how in zip(named, readings, strict=True)
                        if how == "cut")
            return tuple(columns), cut
    return None


def main_columns(rows: Sequence[Sequence[str | None]]) -> tuple[str | None, ...] | None:
    """The role of each grid column when these rows are a main-table header, else None.

    One rule for both routes and any number of header rows: each column's words are read top to
    bottom (``_column_texts``), so a word wrapped inside its cell (`職\n能\n級`), split across
    rows (`職能級` + `別`) or printed under a spanned cell (職能內涵 over (K=…) and (S=…)) reads
    as one; the columns with text must then name the roles in the template's order."""
    matched = _match_main(rows)
    return None if matched is None else matched[0]


def _header_spill(row: Sequence[str | None], columns: tuple[str | None, ...],
                  cut: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...] | None:
    """A row holding only the ends of header words pushed below the header: part of it, never
    a body row (no digit, no code). Each of its cells ends a word the header printed cut short
    (`職能` | `級別`), or lies under 職能級別, whose body cells hold levels, never words (a
    fragment under K or S could be the rest of an item's name). The header words still cut
    once it is read are returned; None when the row is no such spill."""
    filled = [(j, fold(c or "")) for j, c in enumerate(row) if not _blank(c)]
    if not filled:
        return None
    cut_at = dict(cut)
    for j, key in filled:
        role = columns[j] if j < len(columns) else None
        words = _role_words(role) if role is not None else set()
        if not key or any(c.isdigit() for c in key) or not any(key in w for w in words):
            return None
        if not (role == LEVEL or cut_at.get(j, "\0") + key in words):
            return None
    return tuple((j, key) for j, key in cut if j not in dict(filled))


def _is_version_header(row: Sequence[str | None]) -> bool:
    cells = [c for c in row if not _blank(c)]
    return len(cells) == len(VERSION_HEADER) and all(
        folded_in(c or "", words) for c, words in zip(cells, VERSION_HEADER, strict=True))


def classify_header(first: Sequence[str | None], second: Sequence[str | None] | None = None,
                    third: Sequence[str | None] | None = None,
                    fourth: Sequence[str | None] | None = None) -> Header | None:
    """Which section a table (or a text-export line) starts, from its first rows; None when it
    starts none. The one header rule of both extract routes: cells are compared folded
    (``fold``), empty cells (and pdfplumber's None under a spanned or merged cell) are ignored,
    so a row shifted or padded differently still matches. A main-table header takes the fewest
    rows that name every column (up to three), and a row after it that holds only the ends of
    its words (``_is_header_spill``) too."""
    filled = [c for c in first if not _blank(c)]
    if not filled:
        return None
    rows = [r for r in (first, second, third, fourth) if r is not None]
    # The most rows that name every column whole (a body row adds no header word: its cells
    # hold codes and text); else the most that name them at all, some word cut short (a
    # narrow repeated header row clips it: `工\n作\n產` over `K=knowledge`, 19/32), and a
    # spill row after them.
    matches = [(count, matched) for count in range(1, min(MAX_HEADER_ROWS, len(rows)) + 1)
               if (matched := _match_main(rows[:count])) is not None]
    whole = [(count, matched) for count, matched in matches if not matched[1]]
    if whole or matches:
        count, (columns, cut) = whole[-1] if whole else matches[-1]
        still_cut = _header_spill(rows[count], columns, cut) if count < len(rows) else None
        if still_cut is not None:
            return Header("main", count + 1, columns, still_cut)
        return Header("main", count, columns, cut)
    if _is_version_header(first):
        return Header("versions", 1)
    if folded_in(filled[0] or "", (PROFILE_CODE,)):
        return Header("profile", 0)
    if len(filled) == 1:
        section = section_of_title(filled[0] or "")
        if section is not None:
            return Header(section, 1)
    return None


