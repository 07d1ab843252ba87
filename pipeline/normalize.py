"""Normalise: the documented text policy, applied to every free-text field of every table.

Chinese text is data, so the policy is deliberately narrow (never NFKC wholesale: it would turn
full-width ，：（） into ASCII):
1. HTML paragraph residue (`<p>`, `</p>`) becomes a line break.
2. Private-use bullet characters from Word's Symbol and Wingdings fonts
   (``layout.PRIVATE_USE_BULLETS``: U+F020–U+F0FF, e.g. U+F09F, U+F0B7, U+F06C) are removed
   (counted per table, with the ones parse removed as line markers of the attitudes and notes:
   one ``private-use-removed`` finding per table; marks before a main-table item's code are set
   aside by stitch and counted there, ``mark-before-code``).
3. Wrapped lines are joined: nothing between them when either side is CJK or full-width
   (`資訊系` + `統和文件`), the line ends with `-` or `/` (`Inter-` + `Process`), the next
   opens with punctuation no line may start with (`Mail` + `, EDM`, `dBuV` + `/m`, `)`) or the
   break is inside a number (`1.1.` + `2`) — Unicode line breaking never breaks there, so
   the engine did for want of room and no space was lost —, one space
   when both sides are Latin/ASCII (`machine` + `learning`). A layout may also break inside an
   over-long Latin word, which no reader can tell from a wrap between two words, so every
   Latin–Latin join is reported (``latin-wrap-joined``) for an analyst to check; a lone small
   letter on one side (`Qualit` | `y`, never `a` or `x`) is no word of its own, a lone
   capital beside a word in capitals (`AST` | `M`) is an acronym's letter, and a break between
   two digits (`2200` | `0`) is likelier inside a number, so these join with nothing
   (not before a list's entry, `2.建立`), reported all the same. Before all of this: a line
   that ends with a printed space (a PDF that draws a line's last space, a text export's space
   before a break) joins with that space, the text's own — nothing to check.
4. Runs of spaces and tabs inside a line become one space; each field is trimmed. Control
   characters are not text: Word's manual line break (U+000B), form feeds and other line
   separators count as a line break (rule 3), the remaining C0/C1 controls are removed.
5. Kangxi radicals (U+2F00–U+2FDF) and CJK compatibility ideographs (U+F900–U+FAFF,
   U+2F800–U+2FA1F) are mapped to their unified ideographs, one code point at a time (counted
   per table: ``ideograph-mapped``).
Everything else — full-width punctuation, Latin spacing, digits — is kept exactly as printed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import regex

from pipeline import layout
from pipeline.layout import MAPPABLE as _MAPPABLE
from pipeline.layout import is_wide, map_ideograph
from pipeline.records import Finding, Row, TableSet
from pipeline.severity import finding
from pipeline.spec import TABLES_BY_NAME

TAGS = layout.HTML_TAGS
_SPACE_RUN = regex.compile(r"[ \t\u00a0]+")

_LINE_BREAKS = regex.compile("[\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = regex.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def tags_to_breaks(text: str) -> str:
    """Rule 1 (and the line-break controls of rule 4): where parse sees item boundaries."""
    return _LINE_BREAKS.sub("\n", TAGS.sub("\n", text))


_TIGHT_LINE_ENDS = "-/"
# A line never opens with punctuation that may not start one (Unicode line breaking, UAX #14
# LB13 and LB25: closing brackets, , . ; : ! ? / %, even after a space) nor breaks inside a
# number (`1.1.` | `2`): a line that does was broken there for want of room, no space lost.
_TIGHT_LINE_STARTS = ",.;:!?)]}/%"
_NUMBER_BREAK = regex.compile(r"[0-9]+\.[0-9]+\.\Z")  # `O1.1.` | `2`; not `2023.` | `3個`
# A Latin word as the evidence for rule 3 counts it: letters and digits, with inner joiners.
_LATIN_WORD = regex.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'&+._-]*[A-Za-z0-9])?")
_LAST_WORD = regex.compile(_LATIN_WORD.pattern + r"$")
_PRINTED_SPACES = " \t\u00a0"
# A small letter alone is no English word (but `a`, and `x` for "times"): a line holding only
# that much of a Latin word was broken inside it (`Qualit` | `y、Cost`, `Z-wav` | `e`).
_LONE_LETTER = regex.compile("[b-wyz]")
# A lone capital beside a word in capitals across the break (`AST` | `M`, `C` | `AS`, `OT` |
# `A`) is an acronym's letter: of the 2,262 words in capitals the catalogue prints, a lone
# capital stands one space from another capital once, `P CBA` (which is PCBA). (Two words in
# capitals one space apart are printed twice, `ROUGH MIX`, `SIGNEDCOMMERCIAL INVOICE`, yet a
# break between them is as likely as one inside an acronym: over layout seeds 4 to 7 reading
# them as one fixed `VP` | `LS` and broke `ROUGH` | `MIX`.)
_CAPITALS = regex.compile("[A-Z]+(?:-[A-Z]+)*")
# A line opening a list's entry (`2.建立`, `b) 建立`, `A.品質`; a list never starts at `0、`,
# `y)的` closes a bracket, and `M、` ends an acronym): a line of its own, whatever ends the last.
_LIST_START = regex.compile(
    r"(?P<number>[1-9][0-9]?)(?P<mark>[.、)）])(?![0-9])|[a-z][.)]\s|[A-Z][.)](?![A-Za-z0-9])")


def _opens_entry(line: str, before: str) -> bool:
    """Whether a line opens a list's entry: a numbered one past the first only after the entry
    before it (`1.遵守 ISO 9001` | `2.建立`, but `Trace3` | `2、realviewICE` with no `1、` is a
    number's rest)."""
    start = _LIST_START.match(line)
    if start is None:
        return False
    number = start.group("number")
    return number in (None, "1") or f"{int(number) - 1}{start.group('mark')}" in before


@dataclass(frozen=True)
class Evidence:
    """How the document spells its Latin words on one line: each word, and each pair of words
    printed one space apart. A line break between two Latin fragments is read as the document
    prints them elsewhere, unbroken (`HAC` + `CP` → `HACCP`) or as two words."""

    words: frozenset[str] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()


def latin_evidence(texts: list[str]) -> Evidence:
    words: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        # A word the layout broke (``layout.WORD_BREAK``) is one word on the page.
        for line in tags_to_breaks(text).replace(layout.WORD_BREAK, "").split("\n"):
            found = list(_LATIN_WORD.finditer(line))
            words.update(m.group() for m in found)
            pairs.update((a.group(), b.group()) for a, b in itertools.pairwise(found)
                         if line[a.end():b.start()] == " ")
    return Evidence(frozenset(words), frozenset(pairs))


@dataclass(frozen=True)
class LatinJoin:
    """One line break between two Latin fragments: their ends, and how it was read — "space"
    (nothing in the document decides), "unbroken" / "words" as the document prints them, or
    "layout" (a break the PDF's layout forced inside a word), "letter" (a lone small letter on
    one side, no word of its own: `Qualit` | `y`), "acronym" (a lone capital beside a word in
    capitals: `AST` | `M`), "number" (between two digits: `2200` | `0`)."""

    left: str
    right: str
    reading: str


def _read_latin_break(left: str, right: str, evidence: Evidence) -> str:
    unbroken = left + right in evidence.words
    words = (left, right) in evidence.pairs
    if unbroken != words:
        return "unbroken" if unbroken else "words"
    return "space"


def _is_latin_break(left: str, right: str) -> bool:
    return not (is_wide(left[-1]) or is_wide(right[0]) or left[-1] in _TIGHT_LINE_ENDS
                or right[0] in _TIGHT_LINE_STARTS
                or (right[0].isdigit() and _NUMBER_BREAK.search(left) is not None))


def _acronym_break(left: str, right: str) -> bool:
    """Whether a break falls inside an acronym: capitals alone on both sides, one of them a
    single letter (`PM` | `I`, `L` | `TE-M`; not `Type` | `A`, `A` | `Study`, `5G` | `A`)."""
    return (bool(_CAPITALS.fullmatch(left) and _CAPITALS.fullmatch(right))
            and min(len(left), len(right)) == 1)


def _chain_words(lines: list[str], evidence: Evidence) -> dict[int, str]:
    """Breaks inside one Latin word broken over several lines (`Soli` | `dW` | `ork` | `s`),
    each read "unbroken" when the document prints the whole word elsewhere on one line. Keyed
    by the index of the line before the break."""
    decided: dict[int, str] = {}
    i = 0
    while i + 1 < len(lines):
        j = i
        while (j + 1 < len(lines) and _is_latin_break(lines[j], lines[j + 1])
               and (j == i or _LATIN_WORD.fullmatch(lines[j]))):
            j += 1
        if j - i >= 2:  # two breaks or more: a word over three lines or more
            first, last = _LAST_WORD.search(lines[i]), _LATIN_WORD.match(lines[j])
            word = (first.group() if first else "") + "".join(lines[i + 1:j]) + (
                last.group() if last else "")
            if first and last and word in evidence.words:
                decided.update({k: "unbroken" for k in range(i, j)})
        i = max(j, i + 1)
    return decided


def join_with_report(text: str, evidence: Evidence | None = None
                     ) -> tuple[str, list[LatinJoin]]:
    """Rule 3, and each line break it read between two Latin fragments. A line ending with a
    printed space joins the next with that space, nothing to report. Otherwise the document's
    own spelling decides (`HAC` | `CP` → `HACCP` where it prints `HACCP`); failing that, a break
    the PDF's layout forced inside a word (``layout.WORD_BREAK``, marked by extract), a lone
    small letter (`Qualit` | `y`), a lone capital beside a word in capitals (`AST` | `M`) or two
    digits (`2200` | `0`) join with nothing, unless the next line opens a list's entry
    (`2.建立`); anything else with one space."""
    parts = regex.split(f"(\n|{layout.WORD_BREAK})", text)
    # Each line, the separator before it, and whether the line before it ends with a printed
    # space (the text's own: the break is between two words, nothing to decide).
    pieces: list[tuple[str, str, bool]] = []
    spaced = False
    for i in range(0, len(parts), 2):
        if parts[i].strip():
            pieces.append((parts[i].strip(), parts[i - 1] if i else "\n", spaced))
            spaced = parts[i][-1] in _PRINTED_SPACES
    lines = [line for line, _sep, _spaced in pieces]
    chains = _chain_words(lines, evidence) if evidence is not None else {}
    out = ""
    joins: list[LatinJoin] = []
    for k, (line, sep, after_space) in enumerate(pieces):
        if out and after_space and _is_latin_break(out, line):
            out += " "
        elif out and _is_latin_break(out, line):
            left_word = _LAST_WORD.search(out)
            right_word = _LATIN_WORD.match(line)
            left = left_word.group() if left_word else out.rsplit(" ", 1)[-1]
            right = right_word.group() if right_word else line.split(" ", 1)[0]
            reading = chains.get(k - 1) or (
                _read_latin_break(left, right, evidence)
                if evidence is not None and left_word and right_word else "space")
            if sep == layout.WORD_BREAK and reading == "space":
                reading = "layout"
            elif reading == "space" and _opens_entry(line, out):
                pass  # (`…ISO 9001` | `2.建立文件`: a list's next entry, not a word's rest)
            elif reading == "space" and (_LONE_LETTER.fullmatch(left)
                                         or _LONE_LETTER.fullmatch(right)):
                reading = "letter"
            elif reading == "space" and _acronym_break(left, right):
                reading = "acronym"
            elif reading == "space" and left[-1].isdigit() and right[0].isdigit():
                reading = "number"
            joins.append(LatinJoin(left[-12:], right[:12], reading))
            if reading not in ("unbroken", "layout", "letter", "acronym", "number"):
                out += " "
        out += line
    return out, joins


def join_wrapped_lines(text: str) -> str:
    """Rule 3: one line out of visually wrapped lines."""
    return join_with_report(text)[0]


def _clean(text: str, evidence: Evidence | None = None) -> tuple[str, list[LatinJoin]]:
    """The whole policy on one field, and the line breaks rule 3 read between Latin fragments."""
    text = _CONTROLS.sub("", tags_to_breaks(text))
    text = layout.PRIVATE_USE_BULLET.sub("", text)
    text, joins = join_with_report(text, evidence)
    text = _SPACE_RUN.sub(" ", text).strip()
    if _MAPPABLE.search(text):
        text = "".join(map_ideograph(c) for c in text)
    return text, joins


def clean_text(text: str) -> str:
    """The whole policy on one field."""
    return _clean(text)[0]


# Internal tables (name starting with _) are not in the spec; their free text is `name`.
_INTERNAL_TEXT_COLUMNS = ("name",)


@dataclass
class _Tally:
    """What rules 2 and 5 changed in one table: fields touched (and line markers removed by
    parse), characters by code point, and the first page where it happened."""

    fields: int = 0
    lines: int = 0
    chars: Counter[str] = field(default_factory=Counter)
    page: int | None = None

    def add(self, changed: list[str], page: int | None, is_marker: bool = False) -> None:
        if changed:
            self.lines += is_marker
            self.fields += not is_marker
            self.chars.update(changed)
            if page is not None:
                self.page = page if self.page is None else min(self.page, page)

    def counted(self) -> str:
        return " and ".join(
            [*([f"{self.fields} field(s)"] if self.fields else []),
             *([f"{self.lines} line marker(s)"] if self.lines else [])])

    def listed(self, mapped: bool) -> str:
        return ", ".join(
            f"U+{ord(c):04X}{'→' + map_ideograph(c) if mapped else ''} ×{n}"
            for c, n in sorted(self.chars.items()))


def normalize_rows(table: str, rows: list[Row], markers: list[Row] | None = None,
                   evidence: Evidence | None = None) -> tuple[list[Row], list[Finding]]:
    """Clean every free-text column of one table, in one pass per field. For a curated table,
    report each Latin–Latin join of a field, and — once per table, with counts per code point
    and the first page — the private-use characters removed (rule 2; ``markers``: the ones
    parse removed with the table's line markers, ``_removed_bullets``) and the ideographs mapped
    (rule 5): documented normalisations, but never silent ones.

    A nullable field left empty by the policy becomes null; a required one stays "" so that
    validation reports it.
    """
    spec = TABLES_BY_NAME.get(table)
    if spec is None:
        columns = {name: False for name in _INTERNAL_TEXT_COLUMNS}
    else:
        columns = {
            c.name: c.nullable for c in spec.columns if c.dtype == "string" and c.is_normalized
        }
    mapped, removed = _Tally(), _Tally()
    for marker in markers or []:
        removed.add(list(marker["chars"]), marker["page"], is_marker=True)
    out = []
    findings = []
    for row in rows:
        new = dict(row)
        key = "/".join(str(row.get(c)) for c in spec.primary_key[1:]) if spec else ""
        for col, nullable in columns.items():
            value = new.get(col)
            if not isinstance(value, str):
                continue
            if _MAPPABLE.search(value):
                mapped.add([c for c in value if map_ideograph(c) != c], row.get("page_start"))
            if layout.PRIVATE_USE_BULLET.search(value):
                removed.add(layout.PRIVATE_USE_BULLET.findall(value),
                            row.get("page_start"))
            cleaned, joins = _clean(value, evidence)
            new[col] = None if nullable and not cleaned else cleaned
            findings += [_latin_finding(join, row.get("page_start"), f"{table}:{key}:{col}")
                         for join in (joins if spec else [])]
        out.append(new)
    if spec is not None and removed.chars:
        findings.append(finding(
            "private-use-removed", removed.page, table,
            f"{removed.counted()} had private-use bullet characters removed: "
            f"{removed.listed(mapped=False)}"))
    if spec is not None and mapped.fields:
        findings.append(finding(
            "ideograph-mapped", mapped.page, table,
            f"{mapped.fields} field(s) had Kangxi radicals or compatibility ideographs mapped "
            f"to unified ideographs: {mapped.listed(mapped=True)}"))
    return out, findings


def _latin_finding(join: LatinJoin, page: int | None, where: str) -> Finding:
    """Every line break between Latin fragments is a warning, however it was read: the document
    may spell a word both ways, and only a reader of the page can tell (never below warning)."""
    unbroken, words = join.left + join.right, f"{join.left} {join.right}"
    if join.reading == "number":
        how = (f"read as {unbroken!r}: a break between two digits is likelier inside a number "
               f"(no engine breaks there but for want of room) than at a space between two; "
               f"or {words!r}")
    elif join.reading == "letter":
        how = (f"read as {unbroken!r}: a lone small letter is no word of its own; "
               f"or {words!r}")
    elif join.reading == "acronym":
        how = (f"read as {unbroken!r}: a lone capital beside a word in capitals is an "
               f"acronym's letter (LibreOffice breaks acronyms where a line is full); "
               f"or {words!r}")
    elif join.reading == "layout":
        how = (f"read as {unbroken!r}: the line before it is full to its cell's edge and the word "
               f"is wider than the cell, so the layout broke it; or {words!r}")
    elif join.reading == "space":
        how = (f"read as {words!r}: the document prints neither {unbroken!r} nor the two words "
               f"elsewhere on one line (or both); or {unbroken!r}")
    else:
        read, other = (unbroken, words) if join.reading == "unbroken" else (words, unbroken)
        how = f"read as {read!r}, as the document prints it elsewhere on one line; or {other!r}"
    return finding("latin-wrap-joined", page, where,
                   f"line break between {join.left!r} and {join.right!r} {how}")


def normalize_tables(doc: TableSet) -> TableSet:
    """Apply the policy to every table; removed and mapped characters are reported, not
    hidden. Latin words broken by a line wrap are read as the document spells them elsewhere
    (``latin_evidence`` over every text field of the document)."""
    tables: dict[str, list[Row]] = {}
    findings: list[Finding] = []
    markers = doc.tables.get("_removed_bullets", [])
    evidence = latin_evidence([value for rows in doc.tables.values() for row in rows
                               for value in row.values() if isinstance(value, str)])
    for name, rows in doc.tables.items():
        tables[name], table_findings = normalize_rows(
            name, rows, [m for m in markers if m["table"] == name], evidence)
        findings += table_findings
    return TableSet(doc.source, tables, (*doc.findings, *findings), doc.is_rejected)
