"""How severe each finding is: the one place the severity policy lives.

The policy, applied to every finding code:
- **error** only where the exported tables could be wrong: a cell that cannot be placed, text left
  uncovered, a code that reads two ways, tables that contradict themselves. One error rejects the
  document (curated/ keeps its previous rows).
- **warning** where the source is unusual but the reading is certain: a code shape, a fourth code
  level, a missing description, a numbering gap, an empty name, or a reading that is the likely one
  but that an analyst should check (both readings named). A warning never rejects a document.
- **info** for a repair whose result is certain (a cell joined across a page break, a bullet set
  aside), listed so that every repair can be audited.

Stages create findings with ``finding(code, …)`` and never choose a severity themselves, so the
policy cannot drift between them; ``docs/findings.md`` is generated from ``POLICY``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.layout import WORD_BREAK
from pipeline.records import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """A code's severity, what it means and what to do. ``as_warning``: for the two codes that
    name one thing at two severities, what makes it only a warning."""

    severity: Severity
    meaning: str
    action: str = ""
    as_warning: str = ""


_CHECK = "compare the item with the document at that page"

POLICY: dict[str, Rule] = {
    # ---- the file
    "empty-file": Rule("error", "the file has 0 bytes", "download it again"),
    "unreadable-source": Rule("error", "not a readable PDF (truncated or damaged)",
                              "download it again; open it in a PDF viewer to check"),
    "encrypted-pdf": Rule("error", "the PDF needs a password to open",
                          "get an unprotected copy",
                          as_warning="encrypted with an empty password: read normally"),
    "no-text-layer": Rule("error", "a scanned PDF: images, no text",
                          "OCR it (e.g. `ocrmypdf`) and drop the result into raw/"),
    "undecodable-text": Rule("error", "the PDF's fonts map glyphs to no Unicode text",
                             "get another export of the document (the text export)"),
    "wrong-format": Rule("error", "a DOCX/ZIP, HTML page or binary file, whatever its name says",
                         "save the standard as PDF or text export"),
    "unknown-encoding": Rule("error", "a text file in neither UTF-8, UTF-16 nor Big5",
                             "re-save it as UTF-8"),
    "encoding-converted": Rule("warning", "Big5 or UTF-16 text converted to UTF-8"),
    "bom-removed": Rule("warning", "a UTF-8 byte-order mark removed"),
    "crlf-line-ends": Rule("warning", "CRLF line ends converted to LF"),
    "time-limit": Rule("error", "reading the document took longer than DOC_TIME_LIMIT seconds",
                       "check the file; raise the limit with `make DOC_TIME_LIMIT=900`"),
    "internal-error": Rule("error", "the pipeline raised an exception on this document (a bug; "
                           "the run went on without it)", "report it with the file and "
                           "interim/<file>/error.log, which holds the traceback"),
    "changed-during-run": Rule("error", "the file changed or disappeared in raw/ while the run "
                               "read it", "run make again"),
    "changed-during-export": Rule("error", "the document's interim file was rewritten while "
                                  "the catalogue was exported", "run make again"),
    "duplicate-document": Rule("warning", "the same bytes as another file in raw/; skipped"),
    "conflicting-standard-code": Rule("error", "two different files claim one standard_code",
                                      "keep the right one in raw/"),
    # ---- sections
    "not-a-standard": Rule("error", "no version table, profile or main table",
                           "not a competency standard: remove it from raw/"),
    "missing-section": Rule("error", "the version table, profile or main table is missing",
                            "get a complete copy",
                            as_warning="no attitude section (職能內涵 A=attitude 態度)"),
    "document-truncated": Rule("error", "nothing follows the main table: the file is cut off",
                               "download it again"),
    "missing-title": Rule("warning", "no document title above the first table"),
    "unknown-table": Rule("error", "a table the layout tables do not describe (its rows would be "
                          "lost)", "a layout variant: see docs/layouts.md"),
    "uncovered-text": Rule("error", "printed text in no table cell or known line (it would be "
                           "lost)", "a layout variant: see docs/layouts.md"),
    "split-row-recovered": Rule("info", "a table row part without its closing rule, recovered"),
    "footer-page-mismatch": Rule("warning", "the page footer names another page number"),
    "header-changed": Rule("error", "a page's main-table header names other columns than the "
                           "first page's", "report the layout"),
    "header-word-cut": Rule("info", "a main-table header word printed cut short at its end "
                            "(a narrow repeated header cell), read as the column it begins"),
    "header-split": Rule("info", "a main-table header whose first row(s) end a page and whose "
                         "rest heads the next, read as one header"),
    "header-not-repeated": Rule("info", "a main-table part printed on a later page without "
                                "its header, read under the last header's columns"),
    "empty-table": Rule("info", "ruled cells holding no text at all: no table to read"),
    "running-header": Rule("info", "a line repeated at the top of the pages (a running page "
                           "header), dropped as page furniture"),
    "clipped-copy": Rule("warning", "a line printed on both sides of a page break, glyph for "
                         "glyph at the same places, part of it missing: a copy the page cut off "
                         "at its foot or painted in the next page's top margin, read once"),
    # ---- the main table
    "cell-outside-columns": Rule("error", "a main-table cell under no header column",
                                 "inspect interim/<file>/extract.json at that page and row"),
    "unplaceable-nested-cell": Rule("error", "a cell of a nested table reaches into the next row",
                                    _CHECK),
    "nested-table-folded": Rule("info", "a table nested in a cell, read into that cell"),
    "unplaceable-cell": Rule("error", "a main-table cell whose role its content does not tell",
                             _CHECK),
    "unplaceable-fragment": Rule("error", "text continued across a page break that matches no "
                                 "cell of its row", _CHECK),
    "orphan-row": Rule("error", "a row with no task code that does not continue a row", _CHECK),
    "duplicate-role-cell": Rule("error", "two cells of one role in one row", _CHECK),
    "conflicting-level": Rule("error", "a row's level printed differently across a page break",
                              _CHECK),
    "uncoded-text": Rule("error", "text before the first code of a list cell", _CHECK),
    "missing-duty": Rule("error", "a task row before any duty", _CHECK),
    "ambiguous-code-digits": Rule("error", "a code glued to a digit-led name that reads two ways",
                                  _CHECK),
    "code-in-item-text": Rule("error", "an item's text holds a code printed where an item "
                              "starts (a line's start, after a sentence end): two items read as "
                              "one (the census of printed codes)", _CHECK),
    "row-continued": Rule("info", "a row whose item list goes on after a page break"),
    "split-cell-joined": Rule("info", "a cell cut by a page break inside an item, joined"),
    "task-cell-merged": Rule("info", "a further level block of a task whose cell is merged"),
    "task-group": Rule("info", "several task codes in one task cell: one block"),
    "duty-printed-again": Rule("info", "a duty cell printed again on a later task's row (not "
                               "merged): the same duty"),
    "duty-name-mismatch": Rule("error", "a duty printed again under another name", _CHECK),
    "level-printed-again": Rule("warning", "a continued row prints its level again"),
    "code-as-printed": Rule("warning", "a code printed in another form (`P.1.1.1`, `04.2.1`), "
                            "read as the canonical code"),
    "code-digits-split": Rule("warning", "a code glued to a name starting with a digit, split "
                              "where the sequence expects"),
    "letterless-code-in-text": Rule("warning", "a letterless code with its task's numbers kept as "
                                    "text"),
    "fourth-code-level": Rule("warning", "an output or indicator code with a fourth number "
                              "(`P1.2.1.1`), kept as printed"),
    "code-wrap-joined": Rule("info", "an item code broken by a line wrap in a narrow cell "
                             "(`O1\\n.1.1`), read whole"),
    "mark-before-code": Rule("info", "bullets or other marks printed before item codes, set "
                             "aside"),
    "empty-name": Rule("warning", "an item printed with its code and no name"),
    "duty-name-missing": Rule("warning", "no 主要職責 column: the duty's name is unknown"),
    "missing-level": Rule("warning", "an empty 職能級別 cell"),
    "ambiguous-level": Rule("warning", "a level cell that names no single level; level null"),
    "block-without-knowledge": Rule("warning", "a block that cites no K item"),
    "block-without-skills": Rule("warning", "a block that cites no S item"),
    "block-without-indicators": Rule("error", "a block with no behaviour indicator (a lost "
                                     "cell?)", _CHECK),
    # ---- profile, version table
    "malformed-standard-code": Rule("error", "no 職能基準代碼 that reads as a code (it keys "
                                    "every row)", "check the profile table"),
    "unusual-standard-code": Rule("warning", "a 職能基準代碼 not shaped like `RTM1324-002v4` "
                                  "(e.g. `FISI223-002v2`), kept as printed"),
    "ambiguous-name": Rule("error", "職能基準名稱 fills not exactly one of 職類/職業", _CHECK),
    "unknown-profile-row": Rule("error", "a profile row not understood", _CHECK),
    "missing-description": Rule("warning", "the profile prints no 工作描述"),
    "title-name-mismatch": Rule("warning", "the title does not read 名稱 + 職能基準"),
    "line-above-title": Rule("warning", "a line printed above the title (名稱 + 職能基準) on page "
                             "1, read as a page header: no part of the title"),
    "category-split": Rule("info", "several name/code pairs in one category row, split"),
    "category-not-split": Rule("warning", "several codes in one category row kept whole"),
    "malformed-version-row": Rule("error", "a version-table row without its six cells", _CHECK),
    "malformed-date": Rule("error", "a 發展更新日期 that is not a date", _CHECK),
    "version-table-inconsistent": Rule("error", "the version table contradicts the document",
                                       _CHECK),
    "version-missing-from-table": Rule("warning", "a newer version's table omits an older "
                                       "version present in the catalogue"),
    "version-table-disagrees": Rule("warning", "a newer version's table gives an older version "
                                    "another date or name"),
    # ---- back matter
    "attitude-without-code": Rule("warning", "an attitude printed without an A code"),
    "attitude-line-joined": Rule("info", "a code-less line read as the description above"),
    "attitude-description-or-name": Rule("warning", "a code-less line read as the description "
                                         "of a code-less attitude name above it: it could be "
                                         "an attitude of its own"),
    "title-colon-choice": Rule("warning", "a line titled at a half-width colon with a full-width "
                               "one after it: the title could end at either"),
    "attitude-description-continued": Rule("warning", "a second line joined to an attitude's "
                                           "description"),
    "attitude-name-continued": Rule("warning", "a code-less line after a page break read as "
                                    "the rest of the coded attitude name above it (the other "
                                    "reading named)"),
    "attitude-list-split": Rule("warning", "a line of short names without codes read as one "
                                "attitude each (the other reading named)"),
    "attitudes-on-one-line": Rule("info", "several attitudes printed on one line, one row each"),
    "unplaceable-note": Rule("error", "a 說明與補充事項 paragraph before any known heading",
                             _CHECK),
    "duplicate-description": Rule("warning", "a second paragraph explains a K/S item"),
    "description-fuzzy-match": Rule("warning", "an explanation linked to an item whose name "
                                    "differs slightly"),
    "free-text-wrap-joined": Rule("warning", "a free-text line after a full line joined to the "
                                  "paragraph above though its content doubts it (the other "
                                  "reading named)"),
    "free-text-wrap-split": Rule("warning", "a free-text line after a full line kept as a new "
                                 "paragraph though it may continue the one above"),
    # ---- text policy
    "latin-wrap-joined": Rule("warning", "a line break between two Latin fragments, read as the "
                              "document spells the word elsewhere on one line (`HAC` + `CP` → "
                              "`HACCP`), else as the page shows it (a word the layout had to "
                              "break, a lone small letter, an acronym's lone capital, two "
                              "digits) or as a space; both readings named"),
    "private-use-removed": Rule("info", "private-use bullet characters removed"),
    "ideograph-mapped": Rule("info", "Kangxi radicals or compatibility ideographs mapped"),
    # ---- consistency of the tables
    "pk-duplicate": Rule("error", "two rows share a primary key", _CHECK),
    "pk-null": Rule("error", "a primary key with a null part", _CHECK),
    "fk-unresolved": Rule("error", "a reference to an item that does not exist", _CHECK),
    "required-field-empty": Rule("error", "a required field is empty", _CHECK),
    "malformed-code": Rule("error", "a code that is not well formed", _CHECK),
    "code-parent-mismatch": Rule("error", "a code listed under another parent", _CHECK),
    "numbering-duplicate": Rule("error", "a number printed twice among siblings", _CHECK),
    "numbering-gap": Rule("warning", "sibling numbers with a gap"),
    "numbering-order": Rule("warning", "sibling codes printed out of order"),
    "item-name-mismatch": Rule("error", "a K/S item printed under two names", _CHECK),
    "task-name-mismatch": Rule("error", "a task printed again under another name", _CHECK),
    "level-out-of-range": Rule("error", "a level outside 1–7", _CHECK),
    "layout-residue": Rule("error", "page furniture or header text inside a field", _CHECK),
    "text-too-long": Rule("error", "a field longer than a spreadsheet cell holds", _CHECK),
    "unwritable-character": Rule("error", "a character no text can hold (U+FFFF, a lone "
                                 "surrogate): a broken glyph mapping", _CHECK),
}


def finding(code: str, page: int | None, where: str, message: str,
            as_warning: bool = False) -> Finding:
    """A finding with the severity the policy gives its code (a code missing from the policy is
    a programming error); ``as_warning`` for the lesser case a code's rule names."""
    rule = POLICY[code]
    if as_warning and not rule.as_warning:
        raise ValueError(f"{code} has no warning case in the severity policy")
    # (A message quotes printed text: without the marks extract leaves in it, WORD_BREAK.)
    return Finding(code, "warning" if as_warning else rule.severity, page, where,
                   message.replace(WORD_BREAK, ""))


def severity_of(code: str) -> Severity:
    return POLICY[code].severity
