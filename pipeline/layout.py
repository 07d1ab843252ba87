"""What an iCAP standard looks like, as data: section titles, header words, code patterns.

Layout variants are added here, not as special cases in the stages. Anything a stage meets that
these tables do not describe is reported as a finding, never guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import regex

# Roles of the main table's cells, in the column order the template prints them.
DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL = (
    "duty", "task", "output", "indicator", "level", "knowledge", "skill",
)
ROLE_ORDER: tuple[str, ...] = (DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL)

# Roles whose cell lists several coded items (a page break may fall between two items).
LIST_ROLES: frozenset[str] = frozenset({OUTPUT, INDICATOR, KNOWLEDGE, SKILL})

# Header text of each main-table column, compared with all white space removed. Headers are
# matched column by column in ROLE_ORDER, so one word may name different roles by position: the
# older template heads its T1 column 工作任務 and its T1.1 column 工作活動.
MAIN_HEADER: dict[str, tuple[str, ...]] = {
    DUTY: ("主要職責", "工作職責", "工作任務"),
    TASK: ("工作任務", "工作活動"),
    OUTPUT: ("工作產出",),
    INDICATOR: ("行為指標",),
    LEVEL: ("職能級別",),
    KNOWLEDGE: ("職能內涵(K=knowledge知識)",),
    SKILL: ("職能內涵(S=skills技能)",),
}
# Columns a main-table header may leave out. Without a 主要職責 column a task's duty is the first
# number of its code (T1.2 → T1) and the duty's name is unknown (null, duty-name-missing).
OPTIONAL_COLUMNS: tuple[str, ...] = (DUTY,)
# A two-row header prints one word over several columns (a spanned cell) and each column's own
# header in the row below it.
SPANNED_HEADER: dict[str, tuple[str, ...]] = {"職能內涵": (KNOWLEDGE, SKILL)}
MAIN_SUBHEADER: dict[str, tuple[str, ...]] = {
    KNOWLEDGE: ("(K=knowledge知識)", "K=knowledge知識", "（K=knowledge知識）"),
    SKILL: ("(S=skills技能)", "S=skills技能", "（S=skills技能）"),
}

VERSION_HEADER: tuple[str, ...] = (
    "版本", "職能基準代碼", "職能基準名稱", "狀態", "更新說明", "發展更新日期",
)

ATTITUDE_TITLE = "職能內涵(A=attitude態度)"
NOTES_TITLE = "說明與補充事項"
TITLE_SUFFIX = "職能基準"
HISTORICAL_MARK = "《歷史資料》"

# Profile labels (first or second cell of a profile row).
PROFILE_CODE = "職能基準代碼"
PROFILE_NAME = "職能基準名稱"
PROFILE_NAME_KINDS = ("職類", "職業")
PROFILE_CATEGORY_BLOCK = "所屬類別"
PROFILE_CATEGORIES: dict[str, tuple[str, str]] = {
    # printed label → (kind in standard_categories, label of its code cell)
    "職類別": ("job_category", "職類別代碼"),
    "職業別": ("occupation", "職業別代碼"),
    "行業別": ("industry", "行業別代碼"),
}
# Several name+code pairs printed in one category row are separated by one of these, the same
# in the name cell as in the code cell (`其他工程專業人員、機械工程師` | `C2149、C2144`, or
# `運動、健身及休閒娛樂指導員／嚮導人員` | `3422／5113`: a name may itself hold 、).
CATEGORY_SEPARATORS = regex.compile(r"\s*([、／/,，;；])\s*")
PROFILE_DESCRIPTION = "工作描述"
PROFILE_LEVEL = "基準級別"

# Headings inside 說明與補充事項 (compared with white space removed).
NOTE_SECTIONS: dict[str, str] = {
    "建議擔任此職類/職業之學歷/經歷/或能力條件": "qualifications",
    "其他補充說明": "supplementary",
    # A list of related categories: each entry printed on its own line is one note.
    "相關所屬類別": "related_categories",
}
# Punctuation ending a sentence: a glossary entry may start after one, a paragraph end with one.
SENTENCE_END = "。；！？."
# A glossary entry of 說明與補充事項 (`【註1】INCOTERMS：…`): one note each, in the section
# `glossary` wherever it is printed. It starts a line, or follows a sentence end — a marker inside
# a sentence (`照明相關規範【註2】概要`) is a reference to an entry, not one — and text follows it
# in the same paragraph: a marker closing a paragraph (`作業手冊。【註3】`) is a reference too.
GLOSSARY_ENTRY = regex.compile(
    rf"(?:^|(?<=[{SENTENCE_END}]\s*))【註\s*[0-9]+】(?=\s*[^\s{SENTENCE_END}，、：:])")
GLOSSARY_SECTION = "glossary"
# A line of the attitude or notes section opening with this mark starts a marked entry (`【註1】`).
ENTRY_MARK = "【"
# A paragraph that opens with a short title and a colon (`規劃與組織能力：包括…`, `主動積極：…`):
# the way an explanation paragraph, a code-less attitude or a category line starts.
ITEM_TITLE = regex.compile(r"[^\s。；！？，、：:][^。；！？，、：:]{0,29}[：:]")
# A line that reads as an attitude's name on its own (`主動積極`): short, no punctuation.
ATTITUDE_NAME = regex.compile(r"[^\s。；！？.，、：:,;!?]{1,12}")

# A code at the start of a cell or item. Each role's code, and the parts that make it canonical.
CODE_PATTERNS: dict[str, regex.Pattern[str]] = {
    DUTY: regex.compile(r"T([0-9]+)(?![0-9]|[.．][0-9])"),
    TASK: regex.compile(r"T([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"),
    OUTPUT: regex.compile(r"O([0-9]+)\.([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"),
    INDICATOR: regex.compile(r"P([0-9]+)\.([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"),
    KNOWLEDGE: regex.compile(r"K([0-9]+)(?![0-9]|[.．][0-9])"),
    SKILL: regex.compile(r"S([0-9]+)(?![0-9]|[.．][0-9])"),
}
# The letter of each role's canonical code.
CODE_LETTER: dict[str, str] = {
    DUTY: "T", TASK: "T", OUTPUT: "O", INDICATOR: "P", KNOWLEDGE: "K", SKILL: "S",
}
# A code as the catalogue prints it, same groups as CODE_PATTERNS. Besides the canonical form:
# a period or a space between letter and number (`P.1.1.1`, `P 5.1.2`, `O 1.2.1`), and an output
# code whose O is a digit zero (`04.2.1`). Parse stores the canonical code, keeps the printed one
# (`code_as_printed`) and reports the reading (`code-as-printed`).
_NUMBERS3 = r"([0-9]+)\.([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"
LETTERED_CODE_PATTERNS: dict[str, regex.Pattern[str]] = {
    **CODE_PATTERNS,
    OUTPUT: regex.compile(r"O[.． ]?" + _NUMBERS3),
    INDICATOR: regex.compile(r"P[.． ]?" + _NUMBERS3),
}
# The zero form has no letter: `04.2.1` is as often a form number in a sentence (`依表 04.2.1`).
# Stitch takes it for an output code only where a cell starts with it, never inside a cell (a
# fragment holding `依表 04.2.1` is not an output); parse reads it as a code only with the owning
# task's numbers.
PRINTED_CODE_PATTERNS: dict[str, regex.Pattern[str]] = {
    **LETTERED_CODE_PATTERNS,
    OUTPUT: regex.compile(r"(?:O[.． ]?|0(?=[1-9]))" + _NUMBERS3),
}
# An item's code inside a cell: at the start or after white space (items are printed one per
# line or separated by spaces), so a code-like string inside a sentence is not taken for an item.
ITEM_START: dict[str, regex.Pattern[str]] = {
    role: regex.compile(r"(?<!\S)" + pattern.pattern)
    for role, pattern in PRINTED_CODE_PATTERNS.items()
}
# The same, printed with its letter (no zero form): the codes stitch looks for inside a cell.
LETTERED_ITEM_START: dict[str, regex.Pattern[str]] = {
    role: regex.compile(r"(?<!\S)" + pattern.pattern)
    for role, pattern in LETTERED_CODE_PATTERNS.items()
}
ATTITUDE_CODE = regex.compile(r"A([0-9]+)(?![0-9]|[.．][0-9])")

# A level cell: one level digit as printed.
LEVEL_TEXT = regex.compile(r"[1-7]")
# Everything a 職能級別 cell has been seen to hold (compared with white space removed): one level,
# a level with a grade in brackets (`3（初）`), two levels run together (`34`), an open range
# (`4級以上`), a level with a stray letter (`4K`), or the header word itself (`級別`).
LEVEL_CELL = regex.compile(r"[1-7]|[1-7][（(][^）)]{1,4}[）)]|[1-7]{2}|[1-7]級以上|[1-7][A-Z]|級別")
# The cases where the printed text names exactly one level: that digit.
LEVEL_UNAMBIGUOUS = regex.compile(r"(?P<level>[1-7])(?:[（(][^）)]{1,4}[）)])?")

STANDARD_CODE = regex.compile(r"(?P<id>[A-Z]{3}[0-9]{4}-[0-9]{3})v(?P<version>[0-9]+)")
VERSION_LABEL = regex.compile(r"V([0-9]+)")
SUPERSEDED_NOTE = regex.compile(r"已被《(?P<code>[^》]+)》取代")

# Page furniture and header words that must never survive into a curated text field.
# The page footer 第 N 頁，總共 M 頁 (N and M captured), and HTML paragraph residue.
FOOTER = regex.compile(r"第\s*(\d+)\s*頁\s*[，,]\s*(?:總)?共\s*(\d+)\s*頁")
HTML_TAGS = regex.compile(r"</?p\s*>", regex.IGNORECASE)
FURNITURE = (
    FOOTER,
    HTML_TAGS,
    # A glyph the PDF's font maps to no Unicode text, as pdfminer spells it.
    regex.compile(r"\(cid:\d+\)"),
)
HEADER_WORDS = ("主要職責", "工作職責", "工作任務", "工作活動", "工作產出", "行為指標", "職能級別",
                "職能內涵")
# Whole column headers and section titles: one of these inside a field is leaked layout.
FULL_HEADERS: tuple[str, ...] = (
    *(alias for aliases in MAIN_HEADER.values() for alias in aliases if len(alias) > 4),
    *(alias for aliases in MAIN_SUBHEADER.values() for alias in aliases),
    ATTITUDE_TITLE,
)

# Separator between a title and its explanation (paragraphs, attitudes).
TITLE_COLON = "："

# Private-use characters Word's Symbol font prints as bullets: removed wherever they are
# (normalise rule 2), counted per table (``private-use-removed``).
PRIVATE_USE_BULLETS = "\uf09f\uf0b7\uf06c"
# Bullet markers printed at the start of attitude and note lines. A digit is never a bullet
# (`3D列印技術` keeps its 3).
BULLET = regex.compile(rf"^(?:[-•・●▪■◆{PRIVATE_USE_BULLETS}]\s*)+")


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: a line may break before any of them,
    and a wrap next to one is joined without a space (normalise)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


# Kangxi radicals and CJK compatibility ideographs. Word's PDFs print some ideographs as these
# code points (力 as ⼒ U+2F12, 理 as 理 U+F9E4), headings and labels included; normalise maps
# them in text fields (rule 5), ``squash`` when comparing titles and header words.
_MAPPED_RANGES = ((0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
MAPPABLE = regex.compile("[\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def map_ideograph(char: str) -> str:
    """One code point's unified ideograph, or the character unchanged (never NFKC on text)."""
    code = ord(char)
    if any(lo <= code <= hi for lo, hi in _MAPPED_RANGES):
        mapped = unicodedata.normalize("NFKC", char)
        if len(mapped) == 1 and unicodedata.category(mapped) == "Lo":
            return mapped
    return char


_WHITE_SPACE = regex.compile(r"\s+")


def squash(text: str) -> str:
    """Text with all white space removed and Kangxi radicals / compatibility ideographs mapped,
    for comparing titles, labels and header words (`或能⼒條件` is the heading `或能力條件`)."""
    text = _WHITE_SPACE.sub("", text)
    return MAPPABLE.sub(lambda m: map_ideograph(m.group()), text) if MAPPABLE.search(text) \
        else text


def role_of_code(text: str) -> str | None:
    """The role whose code (in any printed form) the text starts with, if any."""
    for role, pattern in PRINTED_CODE_PATTERNS.items():
        if pattern.match(text):
            return role
    return None


@dataclass(frozen=True)
class Header:
    """A table recognised by its first row (or two): which section, how many printed rows the
    header takes (0 for the profile, whose first row is already data), and for the main table
    the role of each grid column (None where no column's header starts)."""

    kind: str  # main | versions | profile | attitudes | notes
    rows: int
    columns: tuple[str | None, ...] = ()


def _filled(row: Sequence[str | None]) -> list[tuple[int, str]]:
    return [(i, squash(c)) for i, c in enumerate(row) if c is not None and c.strip()]


def _main_orders() -> list[tuple[str, ...]]:
    """Every column sequence a main-table header may show: all roles, or some optional left out."""
    orders = [ROLE_ORDER]
    for optional in OPTIONAL_COLUMNS:
        orders += [tuple(r for r in order if r != optional) for order in orders]
    return orders


def _match_columns(cells: list[tuple[int, str]], width: int) -> tuple[str | None, ...] | None:
    for order in _main_orders():
        if len(order) == len(cells) and all(
            text in MAIN_HEADER[role] for (_i, text), role in zip(cells, order, strict=True)
        ):
            columns: list[str | None] = [None] * width
            for (index, _text), role in zip(cells, order, strict=True):
                columns[index] = role
            return tuple(columns)
    return None


def _two_row_columns(first: list[tuple[int, str]], second: list[tuple[int, str]],
                     width: int) -> tuple[str | None, ...] | None:
    """A header whose last upper cell spans several columns named in the row below."""
    if not first or first[-1][1] not in SPANNED_HEADER:
        return None
    spanned = SPANNED_HEADER[first[-1][1]]
    if len(second) != len(spanned) or second[0][0] < first[-1][0] or not all(
        text in MAIN_SUBHEADER[role] for (_i, text), role in zip(second, spanned, strict=True)
    ):
        return None
    for order in _main_orders():
        upper = [r for r in order if r not in spanned]
        if order[len(upper):] == spanned and len(upper) == len(first) - 1 and all(
            text in MAIN_HEADER[role]
            for (_i, text), role in zip(first[:-1], upper, strict=True)
        ):
            columns: list[str | None] = [None] * width
            for (index, _text), role in zip([*first[:-1], *second], order, strict=True):
                columns[index] = role
            return tuple(columns)
    return None


def classify_header(first: Sequence[str | None],
                    second: Sequence[str | None] | None = None) -> Header | None:
    """Which section a table (or a text-export line) starts, from its first row and the row
    after it; None when it starts none. The one header rule of both extract routes: cells are
    compared with white space removed, empty cells (and pdfplumber's None under a spanned or
    merged cell) are ignored, so a row shifted or padded differently still matches."""
    filled = _filled(first)
    if not filled:
        return None
    texts = [text for _i, text in filled]
    columns = _match_columns(filled, len(first))
    if columns is not None:
        return Header("main", 1, columns)
    if second is not None:
        width = max(len(first), len(second))
        columns = _two_row_columns(filled, _filled(second), width)
        if columns is not None:
            return Header("main", 2, columns)
    if tuple(texts) == VERSION_HEADER:
        return Header("versions", 1)
    if texts[0] == PROFILE_CODE:
        return Header("profile", 0)
    if texts == [ATTITUDE_TITLE]:
        return Header("attitudes", 1)
    if texts == [NOTES_TITLE]:
        return Header("notes", 1)
    return None


def canonical_code(role: str, match: regex.Match[str]) -> str:
    """The canonical code of a printed code matched by ``PRINTED_CODE_PATTERNS[role]``."""
    return CODE_LETTER[role] + ".".join(match.groups())


def task_of_item(code: str) -> str | None:
    """The task an output or indicator code belongs to: its first two numbers (P1.3.2 → T1.3),
    whatever form it is printed in (`P 1.3.2`, `01.3.2`); None for any other text."""
    for role in (OUTPUT, INDICATOR):
        match = PRINTED_CODE_PATTERNS[role].fullmatch(code)
        if match is not None:
            return CODE_LETTER[TASK] + ".".join(match.groups()[:2])
    return None
