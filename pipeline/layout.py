"""What an iCAP standard looks like, as data: section titles, header words, code patterns.

Layout variants are added here, not as special cases in the stages. Anything a stage meets that
these tables do not describe is reported as a finding, never guessed.
"""

from __future__ import annotations

import unicodedata

import regex

# Roles of the main table's cells, in the column order the template prints them.
DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL = (
    "duty", "task", "output", "indicator", "level", "knowledge", "skill",
)
ROLE_ORDER: tuple[str, ...] = (DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL)

# Roles whose cell lists several coded items (a page break may fall between two items).
LIST_ROLES: frozenset[str] = frozenset({OUTPUT, INDICATOR, KNOWLEDGE, SKILL})

# Header text of each main-table column, compared with all white space removed.
MAIN_HEADER: dict[str, tuple[str, ...]] = {
    DUTY: ("主要職責",),
    TASK: ("工作任務",),
    OUTPUT: ("工作產出",),
    INDICATOR: ("行為指標",),
    LEVEL: ("職能級別",),
    KNOWLEDGE: ("職能內涵(K=knowledge知識)",),
    SKILL: ("職能內涵(S=skills技能)",),
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
PROFILE_DESCRIPTION = "工作描述"
PROFILE_LEVEL = "基準級別"

# Headings inside 說明與補充事項 (compared with white space removed).
NOTE_SECTIONS: dict[str, str] = {
    "建議擔任此職類/職業之學歷/經歷/或能力條件": "qualifications",
    "其他補充說明": "supplementary",
    # A list of related categories: each entry printed on its own line is one note.
    "相關所屬類別": "related_categories",
}
# A glossary entry of 說明與補充事項 (`【註1】INCOTERMS：…`): one note each, in the section
# `glossary` wherever it is printed. It starts a line, or follows a sentence end — a marker inside
# a sentence (`照明相關規範【註2】概要`) is a reference to an entry, not one.
GLOSSARY_ENTRY = regex.compile(r"(?:^|(?<=[。；！？.]\s*))【註\s*[0-9]+】")
GLOSSARY_SECTION = "glossary"

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
# (`code_as_printed`) and reports the reading (`code-as-printed`); a zero-form output code is read
# as a code only when its numbers are the owning task's (parse checks), else it stays text.
PRINTED_CODE_PATTERNS: dict[str, regex.Pattern[str]] = {
    **CODE_PATTERNS,
    OUTPUT: regex.compile(r"(?:O[.． ]?|0(?=[1-9]))([0-9]+)\.([0-9]+)\.([0-9]+)"
                          r"(?![0-9]|[.．][0-9])"),
    INDICATOR: regex.compile(r"P[.． ]?([0-9]+)\.([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"),
}
# An item's code inside a cell: at the start or after white space (items are printed one per
# line or separated by spaces), so a code-like string inside a sentence is not taken for an item.
ITEM_START: dict[str, regex.Pattern[str]] = {
    role: regex.compile(r"(?<!\S)" + pattern.pattern)
    for role, pattern in PRINTED_CODE_PATTERNS.items()
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
HEADER_WORDS = ("主要職責", "工作任務", "工作產出", "行為指標", "職能級別", "職能內涵")
# Whole column headers and section titles: one of these inside a field is leaked layout.
FULL_HEADERS: tuple[str, ...] = (
    *(alias for aliases in MAIN_HEADER.values() for alias in aliases if len(alias) > 4),
    ATTITUDE_TITLE,
)

# Separator between a title and its explanation (paragraphs, attitudes).
TITLE_COLON = "："

# Bullet markers printed at the start of attitude and note lines. A digit is never a bullet
# (`3D列印技術` keeps its 3).
BULLET = regex.compile(r"^(?:[-•・●▪■◆\uf09f\uf0b7\uf06c]\s*)+")


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: a line may break before any of them,
    and a wrap next to one is joined without a space (normalise)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def squash(text: str) -> str:
    """Text with all white space removed, for comparing titles and header words."""
    return regex.sub(r"\s+", "", text)


def role_of_code(text: str) -> str | None:
    """The role whose code (in any printed form) the text starts with, if any."""
    for role, pattern in PRINTED_CODE_PATTERNS.items():
        if pattern.match(text):
            return role
    return None


def canonical_code(role: str, match: regex.Match[str]) -> str:
    """The canonical code of a printed code matched by ``PRINTED_CODE_PATTERNS[role]``."""
    return CODE_LETTER[role] + ".".join(match.groups())
