"""What the pipeline must export for one rendered document, and which page fields are unknown.

Every value but the pages comes from the printed ``Standard`` through the round trip's own
``truth_tables`` (built from the structure, never parsed), with the fields printed empty made
null (``content.null_fields``). Pages come from the PDF through ``locate``: the version rows and
categories by their printed row, each task, output and indicator by its unique code, a K/S
citation by its code from its task's position on (so each block's own printing, and the item's
first printing for the knowledge and skills tables), attitudes and notes by their text, in
order. A block spans the pages of everything printed in its row, a task its block, a duty its
tasks. A page that cannot be located for certain is left out of the comparison (``unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.layouts.content import null_fields
from tests.layouts.document import ROLES, Document, Table
from tests.layouts.locate import Locator, Span, squash
from tests.layouts.params import LayoutParams
from tests.render.model import Standard
from tests.render.paginate import Placement
from tests.render.truth import truth_tables

Truth = dict[str, list[dict[str, Any]]]
Pages = tuple[int, int] | None


@dataclass
class LayoutTruth:
    tables: Truth
    # (table, key label, column) of each page field left out of the comparison.
    unknown: set[tuple[str, str, str]] = field(default_factory=set)


def _union(spans: list[Pages]) -> Pages:
    if not spans or any(s is None for s in spans):
        return None
    known = [s for s in spans if s is not None]
    return min(s[0] for s in known), max(s[1] for s in known)


def _pages(span: Span | None) -> Pages:
    return None if span is None else (span.page_start, span.page_end)


def _dummy_placement(std: Standard, page_count: int) -> Placement:
    placement = Placement(page_count=page_count)
    block_no = 0
    for duty in std.duties:
        for task in duty.tasks:
            block_no += 1
            placement.blocks[block_no] = [1]
            for role, items in (("output", task.outputs), ("indicator", task.indicators),
                                ("knowledge", task.knowledge), ("skill", task.skills)):
                for i in range(len(items)):
                    placement.items[(block_no, role, i)] = [1]
    for i in range(len(std.attitudes)):
        placement.back[("attitude", i)] = 1
    for section, notes in (("qualifications", std.qualifications),
                           ("supplementary", std.supplementary),
                           ("related_categories", std.related_categories)):
        for i in range(len(notes)):
            placement.back[("note", section, i)] = 1
    return placement


# How far (characters of the joined text) the level cell may start after the row's last
# indicator: right after it in the text layer, or past a page's furniture and repeated header.
_LEVEL_REACH = 200


def _level_pages(locator: Locator, level: str, after: int) -> Pages:
    """The pages of a level printed in words, found right after the row's indicators; None
    (unknown) where it is not found there."""
    span = locator.find(level, "", after, repeats=True)  # (rows print the same level again)
    if span is None or span.start - after > _LEVEL_REACH:
        return None
    return _pages(span)


def locate_pages(std: Standard, doc: Document, locator: Locator) -> dict[tuple[str, str], Pages]:
    """(table, key label) → (page_start, page_end) or None, for every row with pages."""
    out: dict[tuple[str, str], Pages] = {}
    printed = doc.printed
    cursor = 0
    for position, v in enumerate(std.versions, start=1):
        span = locator.find(printed[("version", v.label)], v.label, cursor)
        out[("versions", str(position))] = _pages(span)
        cursor = span.end if span else cursor
    positions: dict[str, int] = {}
    for key, text in printed.items():
        if key[0] != "category":
            continue
        kind = key[1]
        positions[kind] = positions.get(kind, 0) + 1
        span = locator.find(text, "", cursor)
        out[("standard_categories", f"{kind}/{positions[kind]}")] = _pages(span)
        cursor = span.end if span else cursor
    main_start, main_end = cursor, cursor
    block_no = 0
    first: dict[tuple[str, str], Pages] = {}
    duty_cursor = main_start
    main = next(b for b in doc.blocks if isinstance(b, Table) and b.kind == "main")
    duty_column = len(main.rows[-1].cells) == len(ROLES)  # (a task's row: a cell per role)
    # Where each task's code is printed: a row's items all come before the next task's code in
    # reading order, so an item found past it is another row's printing of the same code (its
    # own printing unfound: a code a narrow cell wrapped, `S0` | `3`, 21/314) — left unknown.
    task_starts = sorted(span.start for duty in std.duties for task in duty.tasks
                         if (span := locator.find(printed[("task", task.code)], task.code,
                                                  main_start)) is not None)
    for duty in std.duties:
        duty_pages: list[Pages] = []
        # The duty's name, where a duty column prints it: its cell may run on to a page that
        # none of its tasks' cells reach (a long name beside a short last row).
        name = (locator.find(printed[("duty", duty.code)], duty.code, duty_cursor)
                if duty_column else None)
        if name is not None:
            duty_pages.append(_pages(name))
            duty_cursor = name.end
        for task in duty.tasks:
            block_no += 1
            span = locator.find(printed[("task", task.code)], task.code, main_start)
            row: list[Pages] = [_pages(span)]
            start = span.start if span else main_start
            after = start  # where the row's text read so far ends
            bound = next((t for t in task_starts if t > start), None)
            for role, table, items in (("output", "outputs", task.outputs),
                                       ("indicator", "indicators", task.indicators),
                                       ("knowledge", "task_knowledge", task.knowledge),
                                       ("skill", "task_skills", task.skills)):
                if role == "knowledge" and span and len(squash(task.level)) > 1:
                    # A level printed in words (`5級以上`) may run on to the next page with
                    # the row: its cell, after the indicators', spans pages too.
                    row.append(_level_pages(locator, task.level, after))
                for item in items:
                    found = (locator.find(printed[(role, task.code, item.code)], item.code, start,
                                          repeats=role in ("knowledge", "skill"))
                             if span else None)
                    if found is not None and bound is not None and found.start >= bound:
                        found = None
                    if found:
                        main_end = max(main_end, found.end)
                        after = max(after, found.end)
                    pages = _pages(found)
                    row.append(pages)
                    if role in ("output", "indicator"):
                        out[(table, item.code)] = pages
                    else:
                        out[(table, f"{task.code}/{item.code}/{block_no}")] = pages
                        first.setdefault((role, item.code), pages)
            block = _union(row)
            out[("blocks", str(block_no))] = block
            out[("tasks", task.code)] = block
            duty_pages.append(block)
        out[("duties", duty.code)] = _union(duty_pages)
    for (role, code), pages in first.items():
        out[("knowledge" if role == "knowledge" else "skills", code)] = pages
    cursor = main_end
    for i, attitude in enumerate(std.attitudes):
        span = locator.find(printed[("attitude", str(i))], attitude.code, cursor)
        out[("attitudes", str(i + 1))] = _pages(span)
        cursor = span.end if span else cursor
    for section, notes in (("qualifications", std.qualifications),
                           ("supplementary", std.supplementary),
                           ("related_categories", std.related_categories)):
        for i in range(len(notes)):
            span = locator.find(printed[("note", section, str(i))], "", cursor)
            out[("notes", f"{section}/{i + 1}")] = _pages(span)
            cursor = span.end if span else cursor
    return out


def unprinted(doc: Document, locator: Locator) -> list[str]:
    """Attitudes and notes the rendered PDF does not hold at all (neither their first nor their
    last characters, white space aside): the engine left them out (LibreOffice has dropped a
    notes table's rows after a page break, printing an empty last page), so no reading of the
    PDF can give them and the case says nothing about the pipeline."""
    out = []
    for key, text in doc.printed.items():
        item = squash(text)
        if (key[0] in ("attitude", "note") and len(item) >= UNPRINTED_PROBE
                and item[:UNPRINTED_PROBE] not in locator.text
                and item[-UNPRINTED_PROBE:] not in locator.text):
            out.append(text)
    return out


UNPRINTED_PROBE = 8  # characters


KEYS = {
    "versions": ("position",), "standard_categories": ("kind", "position"),
    "duties": ("duty_code",), "tasks": ("task_code",), "blocks": ("block_no",),
    "outputs": ("output_code",), "indicators": ("indicator_code",),
    "knowledge": ("knowledge_code",), "skills": ("skill_code",),
    "task_knowledge": ("task_code", "knowledge_code", "block_no"),
    "task_skills": ("task_code", "skill_code", "block_no"),
    "attitudes": ("position",), "notes": ("section", "position"),
}


def key_label(table: str, row: dict[str, Any]) -> str:
    return "/".join(str(row[c]) for c in KEYS[table])


def layout_truth(std: Standard, params: LayoutParams, doc: Document, locator: Locator,
                 source_file: str, sha256: str) -> LayoutTruth:
    """The expected tables of the document rendered from ``std`` under ``params``."""
    tables = truth_tables(std, _dummy_placement(std, locator.page_count), source_file, sha256)
    tables = null_fields(tables, std, params)
    pages = locate_pages(std, doc, locator)
    result = LayoutTruth({})
    for table, rows in tables.items():
        if table not in KEYS:
            result.tables[table] = rows
            continue
        fixed = []
        for row in rows:
            label = key_label(table, row)
            span = pages.get((table, label))
            if span is None:
                result.unknown |= {(table, label, "page_start"), (table, label, "page_end")}
                fixed.append(row)
            else:
                fixed.append({**row, "page_start": span[0], "page_end": span[1]})
        result.tables[table] = fixed
    return result
