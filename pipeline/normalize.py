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
   (`資訊系` + `統和文件`) or the line ends with `-` or `/` (`Inter-` + `Process`), one space
   when both sides are Latin/ASCII (`machine` + `learning`). A layout may also break inside an
   over-long Latin word, which no reader can tell from a wrap between two words, so every
   Latin–Latin join is reported (``latin-wrap-joined``) for an analyst to check.
4. Runs of spaces and tabs inside a line become one space; each field is trimmed. Control
   characters are not text: Word's manual line break (U+000B), form feeds and other line
   separators count as a line break (rule 3), the remaining C0/C1 controls are removed.
5. Kangxi radicals (U+2F00–U+2FDF) and CJK compatibility ideographs (U+F900–U+FAFF,
   U+2F800–U+2FA1F) are mapped to their unified ideographs, one code point at a time (counted
   per table: ``ideograph-mapped``).
Everything else — full-width punctuation, Latin spacing, digits — is kept exactly as printed.
"""

from __future__ import annotations

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


def join_with_report(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Rule 3, and the (left, right) sides of each join that inserted a space."""
    out = ""
    spaced: list[tuple[str, str]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not (is_wide(out[-1]) or is_wide(line[0]) or out[-1] in _TIGHT_LINE_ENDS):
            spaced.append((out.rsplit(" ", 1)[-1][-12:], line.split(" ", 1)[0][:12]))
            out += " "
        out += line
    return out, spaced


def join_wrapped_lines(text: str) -> str:
    """Rule 3: one line out of visually wrapped lines."""
    return join_with_report(text)[0]


def _clean(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The whole policy on one field, and the Latin fragments rule 3 joined with a space."""
    text = _CONTROLS.sub("", tags_to_breaks(text))
    text = layout.PRIVATE_USE_BULLET.sub("", text)
    text, spaced = join_with_report(text)
    text = _SPACE_RUN.sub(" ", text).strip()
    if _MAPPABLE.search(text):
        text = "".join(map_ideograph(c) for c in text)
    return text, spaced


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


def normalize_rows(table: str, rows: list[Row], markers: list[Row] | None = None
                   ) -> tuple[list[Row], list[Finding]]:
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
            cleaned, spaced = _clean(value)
            new[col] = None if nullable and not cleaned else cleaned
            findings += [
                finding("latin-wrap-joined", row.get("page_start"),
                        f"{table}:{key}:{col}",
                        f"line break between {left!r} and {right!r} read as a space between "
                        "words")
                for left, right in (spaced if spec else [])
            ]
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


def normalize_tables(doc: TableSet) -> TableSet:
    """Apply the policy to every table; removed and mapped characters are reported, not
    hidden."""
    tables: dict[str, list[Row]] = {}
    findings: list[Finding] = []
    markers = doc.tables.get("_removed_bullets", [])
    for name, rows in doc.tables.items():
        tables[name], table_findings = normalize_rows(
            name, rows, [m for m in markers if m["table"] == name])
        findings += table_findings
    return TableSet(doc.source, tables, (*doc.findings, *findings), doc.is_rejected)
