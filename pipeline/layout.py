"""What an iCAP standard looks like, as data: section titles, header words, code patterns.

Layout variants are added here, not as special cases in the stages. Anything a stage meets that
these tables do not describe is reported as a finding, never guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex

from pipeline.radicals import EQUIVALENT_UNIFIED_IDEOGRAPH

# Roles of the main table's cells, in the column order the template prints them.
DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL = (
    "duty", "task", "output", "indicator", "level", "knowledge", "skill",
)
ROLE_ORDER: tuple[str, ...] = (DUTY, TASK, OUTPUT, INDICATOR, LEVEL, KNOWLEDGE, SKILL)

# Roles whose cell lists several coded items (a page break may fall between two items).
LIST_ROLES: frozenset[str] = frozenset({OUTPUT, INDICATOR, KNOWLEDGE, SKILL})

# Section titles, as the template prints them; recognised by ``section_of_title`` in any width,
# punctuation or spacing (`職能內涵（A=attitude態度）`, `說 明 與 補 充 事 項：`).
ATTITUDE_TITLE = "職能內涵 (A=attitude 態度)"
NOTES_TITLE = "說明與補充事項"
_SECTION_TITLES: tuple[tuple[str, regex.Pattern[str]], ...] = (
    # A spanning word (or none) and the attitude key words: 職業內涵 is a misprint seen in print.
    # (A title cut short in a narrow cell still names the section by its English key word.)
    ("attitudes", regex.compile(r"(?:職[能業]內涵)?a?attitude(?:態度?)?|職[能業]內涵a?態度a?")),
    ("notes", regex.compile(r"說明[與及]補充(?:事項?)?")),
)
# A word printed over the K and S columns of a two-row header (職能內涵, spanned), or in front of
# each of them (`職能內涵 (K=knowledge 知識)`), and first in the attitude title; 職業內涵 is a
# misprint seen in real standards.
SPANNING_WORDS: tuple[str, ...] = ("職能內涵", "職業內涵")
TITLE_SUFFIX = "職能基準"
HISTORICAL_MARK = "《歷史資料》"

# Profile labels, compared folded (any width, spacing or punctuation): the label of each block
# (職能基準名稱 is printed with （擇一填寫）), the kinds of name and category, and the labels of the
# category codes.
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
_PROFILE_BLOCKS = (PROFILE_CODE, PROFILE_NAME, PROFILE_CATEGORY_BLOCK, PROFILE_DESCRIPTION,
                   PROFILE_LEVEL)
_PROFILE_LABELS = frozenset({
    *_PROFILE_BLOCKS, *PROFILE_NAME_KINDS, *PROFILE_CATEGORIES,
    *(code_label for _kind, code_label in PROFILE_CATEGORIES.values())})
# Several name+code pairs printed in one category row are separated by one of these, the same
# in the name cell as in the code cell (`其他工程專業人員、機械工程師` | `C2149、C2144`, or
# `運動、健身及休閒娛樂指導員／嚮導人員` | `3422／5113`: a name may itself hold 、).
CATEGORY_SEPARATORS = regex.compile(r"\s*([、／/,，;；])\s*")

# Headings inside 說明與補充事項 (compared with white space removed).
# Headings inside 說明與補充事項, matched on the folded text before the heading's colon: the
# template's 建議擔任此職類/職業之學歷/經歷/或能力條件 is also printed with 經驗, 職業 alone, or
# other slashes; a heading may carry its first paragraph on its own line after the colon.
NOTE_SECTIONS: tuple[tuple[regex.Pattern[str], str], ...] = (
    (regex.compile(r"建議擔任此職[類業].{0,8}學歷.{0,8}(?:經歷|經驗)?.{0,4}條件"),
     "qualifications"),
    (regex.compile(r"其他補充說明(?:事項)?"), "supplementary"),
    # A list of related categories: each entry printed on its own line is one note.
    (regex.compile(r"相關所屬類別"), "related_categories"),
)
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
# An enumerator opening a list entry of 說明與補充事項 (`一、`, `1.`, `(1)`, `（一）`): a line that
# opens with one starts a paragraph. A digit followed by more digits or a unit is text (`1.5倍`,
# `3D列印`, `2年以上`).
ENUMERATOR = regex.compile(
    r"(?:[一二三四五六七八九十]{1,3}、|[0-9]{1,2}[.、)）](?![0-9])|[(（](?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[)）])")
# A paragraph that opens with a short title and a colon (`規劃與組織能力：包括…`, `主動積極：…`):
# the way an explanation paragraph, a code-less attitude or a category line starts.
ITEM_TITLE = regex.compile(r"[^\s。；！？，、：:][^。；！？，、：:]{0,29}[：:]")
# A line that reads as an attitude's name on its own (`主動積極`): short, no punctuation.
ATTITUDE_NAME = regex.compile(r"[^\s。；！？.，、：:,;!?]{1,12}")

# A code at the start of a cell or item. Each role's code, and the parts that make it canonical.
CODE_PATTERNS: dict[str, regex.Pattern[str]] = {
    DUTY: regex.compile(r"T([0-9]+)(?![0-9]|[.．][0-9])"),
    TASK: regex.compile(r"T([0-9]+)\.([0-9]+)(?![0-9]|[.．][0-9])"),
    # Outputs and indicators may carry a fourth number (`P1.2.1.1`: an indicator of an activity
    # T1.2.1 printed inside the task's name); the task is still the first two (T1.2).
    OUTPUT: regex.compile(r"O([0-9]+)\.([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?![0-9]|[.．][0-9])"),
    INDICATOR: regex.compile(
        r"P([0-9]+)\.([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?![0-9]|[.．][0-9])"),
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
_NUMBERS3 = r"([0-9]+)\.([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?![0-9]|[.．][0-9])"
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
LEVEL_CELL = regex.compile(r"[1-7]|[1-7][（(][^）)]{1,4}[）)]|[1-7]{2}|[1-7]級(?:以上?)?|[1-7][A-Z]"
                           r"|級別")
# The rest of an open range a page break cut (`4級` | `以上`): it joins the level above.
LEVEL_REST = regex.compile(r"級?以上|上")
# The cases where the printed text names exactly one level: that digit.
LEVEL_UNAMBIGUOUS = regex.compile(r"(?P<level>[1-7])(?:[（(][^）)]{1,4}[）)])?")

# A standard's code: letters, digits, a serial number and the version (`RTM1324-002v4`). The
# template's shape is three letters and four digits; real standards also print others
# (`FISI223-002v2`), read as printed with a warning (unusual-standard-code).
STANDARD_CODE = regex.compile(
    r"(?P<id>[A-Z]{2,6}[0-9]{2,6}[A-Z]?-[0-9]{1,4})[vV](?P<version>[0-9]+)")
TEMPLATE_STANDARD_CODE = regex.compile(r"[A-Z]{3}[0-9]{4}-[0-9]{3}v[0-9]+")
# The title of a historical standard starts with 《歷史資料》 (in any brackets).
HISTORICAL_TITLE = regex.compile(r"\s*[《〈<\[【(（]\s*歷史資料\s*[》〉>\]】)）]")
VERSION_LABEL = regex.compile(r"V([0-9]+)")
SUPERSEDED_NOTE = regex.compile(r"已被《(?P<code>[^》]+)》取代")

# Page furniture and header words that must never survive into a curated text field.
# The page footer 第 N 頁，總共 M 頁 (N and M captured), and HTML paragraph residue.
FOOTER = regex.compile(r"第\s*(\d+)\s*頁\s*[，,]\s*(?:總)?共\s*(\d+)\s*頁")
# The footer as a line reads once folded, its numbers optional: a PDF may draw the page numbers
# as a field apart from the words (`第 頁，總共 頁` on the line, the digits elsewhere).
FOOTER_FOLDED = regex.compile(r"第(\d*)頁(?:總?共(\d*)頁)?")
# A footer with both numbers inside a folded text (a header leaked into a field, a row).
FOOTER_IN_TEXT = regex.compile(r"第[0-9]+頁總?共[0-9]+頁")
# A footer at the end of a cell's printed text, not folded (where it starts is cut off): the
# table's last row reached the page's foot and the footer's glyphs fell in its cell, on a line
# of their own or beside its last line. (⾴ is the radical a font may print for 頁.)
FOOTER_AT_END = regex.compile(
    r"\s*第\s*([0-9]+)\s*[頁⾴]\s*[，,、/／]?\s*(?:總\s*)?共\s*[0-9]+\s*[頁⾴]\s*$")
HTML_TAGS = regex.compile(r"</?p\s*>", regex.IGNORECASE)
FURNITURE = (
    FOOTER,
    HTML_TAGS,
    # A glyph the PDF's font maps to no Unicode text, as pdfminer spells it.
    regex.compile(r"\(cid:\d+\)"),
)
# Where a PDF cell's text had a line break that the layout forced inside a Latin word (the
# word wider than its cell): extract marks it so, normalise joins it with nothing (ZERO WIDTH
# SPACE, which no printed text of a standard holds).
WORD_BREAK = "\u200b"

# Separator between a title and its explanation (paragraphs, attitudes).
TITLE_COLON = "："

# Private-use characters Word's Symbol and Wingdings fonts print as bullets (U+F0B7, U+F09F,
# U+F06C, U+F0A7, U+F0D8, …: the block those fonts map their glyphs to): no meaning in Unicode,
# removed wherever they are (normalise rule 2), counted per table (``private-use-removed``).
PRIVATE_USE_BULLETS = "".join(chr(c) for c in range(0xF020, 0xF100))
PRIVATE_USE_BULLET = regex.compile("[\uf020-\uf0ff]")
# Marks printed before a list item: bullets, and a hyphen followed by a space (`-20°C` is text).
# A digit is never a bullet (`3D列印技術` keeps its 3).
_MARKS = "•・·‧●▪■◆◇○◎⚫➢►▶＊" + PRIVATE_USE_BULLETS
# One mark as a pattern (a hyphen only before white space, a lettered code or a Chinese
# character: `- A01…`, `-A07團隊意識`, `-高中職畢業`; never in `-5°C`, `e-mail`).
MARK = rf"(?:[{_MARKS}]|-(?=\s|[TOPKSA][.． ]?[0-9]|\p{{Han}}))"
BULLET = regex.compile(rf"^(?:{MARK}\s*)+")
# The same marks in front of an item's code where an item starts in a main-table cell (a line,
# a `<p>` paragraph, or after white space: `\uf0b7P1.1.1…`, `• K01…`): set aside before the code
# is read (``mark-before-code``).
MARK_BEFORE_CODE = regex.compile(
    rf"(?m)(?:(?<=^)|(?<=\s)|(?<=<[pP]\s*>))[ \t]*(?:{MARK}\s*)+"
    r"(?=[TOPKS][.． ]?[0-9]|[TOPKS]\s*$|0[1-9][0-9]*\.[0-9])"
    # and a mark that ends a cell's part on a page: its item is printed on the next page.
    rf"|(?:^|(?<=\n))[ \t]*(?:{MARK}\s*)+$")


def opens_word(before: str, after: str) -> bool:
    """Whether the text after a line (or page) break opens a word of its own, as a reader of
    the page sees one: a capital followed by small letters after a small letter
    (`Transmission` | `Control`); `HACC` | `P`, `Soli` | `dW`, `Auto` | `CAD` open none."""
    return before[-1:].islower() and after[:1].isupper() and after[1:2].islower()


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: a line may break before any of them,
    and a wrap next to one is joined without a space (normalise)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


# Kangxi radicals and CJK compatibility ideographs. Word's PDFs print some ideographs as these
# code points (力 as ⼒ U+2F12, 理 as 理 U+F9E4), headings and labels included; normalise maps
# them in text fields (rule 5), ``squash`` when comparing titles and header words.
_MAPPED_RANGES = ((0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
# A PDF's text layer may also give a CJK Radicals Supplement code point (⻑ for 長: the font
# draws both with one glyph; ``pipeline.radicals``), or U+2215 DIVISION SLASH for the full-width
# solidus ／ that a CJK font draws with the same glyph.
_SHARED_GLYPH = {**EQUIVALENT_UNIFIED_IDEOGRAPH, 0x2215: 0xFF0F}
MAPPABLE = regex.compile(
    "[\u2e80-\u2eff\u2215\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def map_ideograph(char: str) -> str:
    """One code point's unified ideograph, or the character unchanged (never NFKC on text)."""
    code = ord(char)
    if code in _SHARED_GLYPH:
        return chr(_SHARED_GLYPH[code])
    if any(lo <= code <= hi for lo, hi in _MAPPED_RANGES):
        mapped = unicodedata.normalize("NFKC", char)
        if len(mapped) == 1 and unicodedata.category(mapped) == "Lo":
            return mapped
    return char


_WHITE_SPACE = regex.compile(r"[\s\u200b]+")


def squash(text: str) -> str:
    """Text with all white space removed and Kangxi radicals / compatibility ideographs mapped:
    two printings of one name compared whatever their line wraps (`或能⼒條件` is `或能力條件`).
    Punctuation and width still count; layout words are compared by ``fold``."""
    text = _WHITE_SPACE.sub("", text)
    return MAPPABLE.sub(lambda m: map_ideograph(m.group()), text) if MAPPABLE.search(text) \
        else text


def fold(text: str) -> str:
    """The form in which a layout word is recognised — never a form of data.

    The one fold of the pipeline for titles, header words, labels and footers, in both routes:
    NFKC (full-width letters, digits and punctuation to their ASCII forms, Kangxi radicals and
    compatibility ideographs to unified ideographs), lower case, and only letters and digits
    kept — every space, line break, punctuation mark, bullet and private-use glyph goes. So
    `職能內涵（A=attitude態度）`, `職能內涵 (A=attitude 態度)` and `職能內涵\n(A=attitude\n態度)`
    fold alike. Data keeps its own text policy (``pipeline.normalize``), which never applies NFKC.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def folded_in(text: str, words: Sequence[str]) -> bool:
    """Whether a printed text is one of these layout words, compared folded."""
    key = fold(text)
    return any(key == fold(word) for word in words)


def section_of_cut_title(text: str, beside: str) -> str | None:
    """"attitudes" when a left cell holds only the title's spanning word (`職能內涵`: a page
    break cut the rest off) and the cell beside it opens the first attitude (`A01主動積極`);
    alone, the word is the main table's K/S header too."""
    if (fold(text) in map(fold, SPANNING_WORDS)
            and ATTITUDE_CODE.match(BULLET.sub("", beside.strip()))):
        return "attitudes"
    return None


def section_of_title(text: str) -> str | None:
    """"attitudes" or "notes" when the text is that section's title (in any printed form)."""
    key = fold(text)
    for section, pattern in _SECTION_TITLES:
        if pattern.fullmatch(key):
            return section
    return None


# The colon between a title and its text: the template's full-width one or a half-width one that
# is not inside a number (`ISO 9001:2015`) or an address (`https://`).
_TITLE_COLON = regex.compile(TITLE_COLON + r"|:(?![0-9]|//)")
_OPENING_BRACKETS = "(（[［「『【〔"
_CLOSING_BRACKETS = ")）]］」』】〕"


def title_colon(text: str) -> regex.Match[str] | None:
    """Where a `名稱：描述` line's colon is, if it has one: the first of either width outside
    brackets, as a reader takes it (`團隊意識:團隊意識：積極…` is titled 團隊意識, its text
    repeating the name; `溝通協調(含口語:書面)：…` is titled up to its full-width colon)."""
    for match in _TITLE_COLON.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        opened = (sum(before.count(c) for c in _OPENING_BRACKETS)
                  - sum(before.count(c) for c in _CLOSING_BRACKETS))
        # (Inside only a bracket that closes after it: one never closed is no bracket pair.)
        if opened <= 0 or not any(c in after for c in _CLOSING_BRACKETS):
            return match
    return None


def other_title_colon(text: str) -> bool:
    """Whether a line titled at a half-width colon holds a full-width one after it: the
    template's colon, were the half-width one part of the name (`Integrity:正直誠實：…`)."""
    match = title_colon(text)
    return (match is not None and match.group() != TITLE_COLON
            and TITLE_COLON in text[match.end():])


def split_title(text: str) -> tuple[str, str]:
    """A `名稱：描述` line split at its colon; no colon, (text, "")."""
    match = title_colon(text)
    return (text, "") if match is None else (text[:match.start()], text[match.end():])


def note_heading(text: str) -> tuple[str, str] | None:
    """The 說明與補充事項 section a line's heading opens, and the text printed after the heading's
    colon on the same line ("" when none); None when the line is no heading."""
    head, rest = split_title(text.strip())
    key = fold(head)
    for pattern, section in NOTE_SECTIONS:
        if pattern.fullmatch(key):
            return section, rest.strip()
    return None


def profile_block(text: str) -> str | None:
    """The profile block a label cell opens (職能基準名稱（擇一填寫） opens 職能基準名稱)."""
    key = fold(text)
    return next((b for b in _PROFILE_BLOCKS if key == b or (b == PROFILE_NAME
                                                             and key.startswith(b))), None)


def is_profile_label(text: str) -> bool:
    return profile_block(text) is not None or fold(text) in _PROFILE_LABELS


# A code broken by a line wrap in a narrow cell (`O1\n.1.1`, `O2.\n1.1`, `O\n1.2.\n1`): at an
# item's start, a letter (and numbers) followed on the next line by the rest of its numbers;
# ``is_broken_code`` says whether the code cannot have ended at the break.
BROKEN_CODE = regex.compile(
    rf"(?m)(?:(?<=^)|(?<=<[pP]\s*>))[ \t]*(?:{MARK}[ \t]*)*"
    r"(?P<head>[TOPKS](?:[.． ]?[0-9]+(?:\.[0-9]*)*)?)[ \t]*[\n\u200b][ \t]*"
    r"(?P<tail>[.0-9][0-9.]*)")


def is_broken_code(head: str, tail: str) -> bool:
    """Whether a code printed as ``head`` before a line (or page) break and ``tail`` after it is
    one code the break cut: the code cannot have ended there — after its bare letter or a dot,
    before a dot, numbered 0 (`K0` | `7…`: no item is), or an output or indicator code with fewer
    than three numbers (`O2.1` | `0.1…`)."""
    numbers = regex.findall(r"[0-9]+", head)
    return (len(head) == 1 or head.endswith((".", "．")) or tail.startswith(".")
            or numbers[-1:] == ["0"] or (head[0] in "OP" and len(numbers) < 3))


def role_of_code(text: str) -> str | None:
    """The role whose code (in any printed form) the text starts with, if any."""
    for role, pattern in PRINTED_CODE_PATTERNS.items():
        if pattern.match(text):
            return role
    return None


def canonical_code(role: str, match: regex.Match[str]) -> str:
    """The canonical code of a printed code matched by ``PRINTED_CODE_PATTERNS[role]``."""
    return CODE_LETTER[role] + ".".join(g for g in match.groups() if g is not None)


def task_of_item(code: str) -> str | None:
    """The task an output or indicator code belongs to: its first two numbers (P1.3.2 → T1.3),
    whatever form it is printed in (`P 1.3.2`, `01.3.2`); None for any other text."""
    for role in (OUTPUT, INDICATOR):
        match = PRINTED_CODE_PATTERNS[role].fullmatch(code)
        if match is not None:
            return CODE_LETTER[TASK] + ".".join(match.groups()[:2])
    return None
