"""Parse: stitched cells → coded items, one list of rows per curated table.

Text is kept as printed here (line breaks marking wraps and former `<p>` tags included); the
normalise stage applies the text policy afterwards, so the two can be audited separately. The
front matter (version table, profile) and the back matter (attitudes, notes) are read in
``pipeline.sections``; this module reads the main table and puts the document together.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import census, layout, sections
from pipeline.attitudes import parse_attitudes
from pipeline.codes import (
    CodeSequence,
    Prefixes,
    code_width,
    is_lettered,
    rejoin_short,
    repair_glued,
    same_name,
    split_items,
    split_unpadded,
)
from pipeline.normalize import tags_to_breaks
from pipeline.records import Finding, Item, LogicalRow, Row, StitchedDocument, TableSet
from pipeline.severity import finding


@dataclass
class _MainTables:
    duties: list[Row]
    tasks: list[Row]
    blocks: list[Row]
    block_tasks: list[Row]
    outputs: list[Row]
    indicators: list[Row]
    task_knowledge: list[Row]
    task_skills: list[Row]
    printings: list[Row]


def _single_item(row: LogicalRow, role: str, block_no: int, findings: list[Finding],
                 prefix: Prefixes | None = None) -> list[Item]:
    items, leading = split_items(row.cells.get(role, ()), role, prefix)
    findings += census.check_items(items, role, block_no)
    if leading:
        findings.append(finding(
            "uncoded-text", row.page_start, f"block {block_no}:{role}",
            f"text before the first {role} code: {leading[:40]!r}"))
    findings += [
        finding("code-as-printed", item.page_start, f"{role}:{item.code}",
                f"code printed {item.code_as_printed!r}, read as {item.code}")
        for item in items if item.code_as_printed is not None
    ]
    # A letterless code with the task's numbers left in an item's text: read right as text when
    # it is a reference (`依 01.4.2 格式`), but it could be the next item printed on the same line.
    findings += [
        finding("letterless-code-in-text", item.page_start, f"{role}:{item.code}",
                f"{match.group(0)!r} in the text of {item.code} has its task's numbers but "
                "follows other text on its line: kept as text")
        for item in items
        for match in layout.ITEM_START[role].finditer(item.text)
        if prefix is not None and not is_lettered(match, role)
        and layout.canonical_code(role, match).startswith(prefix)
    ]
    return items


def _duty_of_task(row: LogicalRow) -> str | None:
    """The duty a row's first task code names (T1.2 → T1), for a table with no 主要職責 column."""
    pieces = row.cells.get(layout.TASK, ())
    match = layout.CODE_PATTERNS[layout.TASK].match(tags_to_breaks(pieces[0].text).strip()) \
        if pieces else None
    return layout.CODE_LETTER[layout.DUTY] + match.group(1) if match else None


def parse_main_table(rows: tuple[LogicalRow, ...], standard_code: str,
                     has_duty_column: bool = True) -> tuple[_MainTables, list[Finding]]:
    """Logical rows → duties, tasks, blocks and everything a block holds.

    Without a 主要職責 column (``has_duty_column`` false) a duty is known only by the number its
    tasks' codes start with: its row is made from them with a null name, and reported
    (``duty-name-missing``) — the name is nowhere in the document."""
    findings: list[Finding] = []
    out = _MainTables([], [], [], [], [], [], [], [], [])
    duty_pages: dict[str, list[int]] = {}
    task_rows: dict[str, Row] = {}
    current_duty: str | None = None
    sequence = CodeSequence(findings)
    # K and S cells are split once: their codes' usual width is needed before any is read.
    listed = {
        role: [_single_item(row, role, n, findings) for n, row in enumerate(rows, start=1)]
        for role in (layout.KNOWLEDGE, layout.SKILL)
    }
    widths = {role: code_width(cells) for role, cells in listed.items()}
    listed = {role: cells if widths[role] is not None else split_unpadded(cells, role, findings)
              for role, cells in listed.items()}

    def coded(row: LogicalRow, role: str, block_no: int, prefix: str | None) -> list[Item]:
        """A cell's items, each code checked against what the sequence (or, for K and S, the
        document's usual code width) expects."""
        if prefix is not None:
            return [sequence.take(item, prefix, role)
                    for item in _single_item(row, role, block_no, findings, prefix)]
        width = widths[role]
        return [
            repair_glued(item, item.code[: 1 + width], role, findings)
            if width is not None and len(item.code) - 1 > width
            else rejoin_short(item, width, role, findings)
            if width is not None and len(item.code) - 1 < width else item
            for item in listed[role][block_no - 1]
        ]

    def owned(row: LogicalRow, role: str, block_no: int,
              tasks: list[Item]) -> list[tuple[str, Item]]:
        """A block's outputs or indicators, each with its task: in a task group (several task
        codes in one cell) the task whose numbers its code starts with (P1.3.2 → T1.3), else
        the block's first task — a code naming no task of the block then fails validation's
        code-parent check instead of being moved."""
        letter = layout.CODE_LETTER[role]
        found = []
        prefixes = tuple(f"{letter}{t.code[1:]}." for t in tasks)
        for item in _single_item(row, role, block_no, findings, prefixes):
            named = layout.task_of_item(item.code)
            owner = next((t.code for t in tasks if t.code == named), tasks[0].code)
            found.append((owner, sequence.take(item, f"{letter}{owner[1:]}.", role)))
        return found

    def base(**values: object) -> Row:
        return {"standard_code": standard_code, **values}

    for block_no, row in enumerate(rows, start=1):
        where = f"block {block_no}"
        # A block spans the pages of its own cells: a merged 主要職責 cell carried on to the
        # next page belongs to the duty, not to the duty's last task.
        own = [p.page for role, pieces in row.cells.items() if role != layout.DUTY
               for p in pieces]
        block_start = row.page_start
        block_end = max(block_start, max(own, default=row.page_end))
        # A duty's pages are its name's and its blocks': a copy of the name printed again on a
        # task's row (not merged) that runs on to the next page is no text of the duty.
        duty_end = row.page_end
        for item in coded(row, layout.DUTY, block_no, layout.CODE_LETTER[layout.DUTY]):
            current_duty = item.code
            if item.code in duty_pages:
                duty_end = block_end
                # A duty cell printed again on each of its tasks' rows instead of merged.
                first = next(d for d in out.duties if d["duty_code"] == item.code)
                same = same_name(item.text, first["name"])
                findings.append(finding(
                    "duty-printed-again" if same else "duty-name-mismatch", row.page_start,
                    f"{where}:{layout.DUTY}:{item.code}",
                    f"{item.code} printed again" + ("" if same else
                                                    f" as {item.text[:40]!r}, first as "
                                                    f"{first['name'][:40]!r}")))
                continue
            duty_pages[item.code] = [row.page_start, row.page_end]
            out.duties.append(base(duty_code=item.code, position=len(out.duties) + 1,
                                   name=item.text, page_start=row.page_start,
                                   page_end=row.page_end))
        derived = None if has_duty_column or layout.DUTY in row.cells else _duty_of_task(row)
        if derived is not None and derived != current_duty:
            current_duty = derived
            if derived not in duty_pages:
                duty_pages[derived] = [row.page_start, row.page_end]
                out.duties.append(base(duty_code=derived, position=len(out.duties) + 1,
                                       name=None, page_start=row.page_start,
                                       page_end=row.page_end))
                findings.append(finding(
                    "duty-name-missing", row.page_start, f"duty {derived}",
                    f"no 主要職責 column: duty {derived} read from its task codes, name unknown"))
        if current_duty is None:
            findings.append(finding("missing-duty", row.page_start, where,
                                    "a task row before any duty (主要職責) code"))
            continue
        duty_pages[current_duty][1] = max(duty_pages[current_duty][1], duty_end)

        level_pieces = row.cells.get(layout.LEVEL, ())
        level_text = "\n".join(p.text.strip() for p in level_pieces) or None
        single = layout.LEVEL_UNAMBIGUOUS.fullmatch(layout.squash(level_text or ""))
        level = int(single.group("level")) if single else None
        if level_text is None:
            findings.append(finding("missing-level", row.page_start, where,
                                    "the 職能級別 cell is empty"))
        elif level is None:
            findings.append(finding("ambiguous-level", row.page_start, where,
                                    f"職能級別 printed as {level_text!r}; level left null"))
        out.blocks.append(base(block_no=block_no, level=level, level_text=level_text,
                               page_start=block_start, page_end=block_end))

        tasks = coded(row, layout.TASK, block_no, f"{current_duty}.")
        if len(tasks) > 1:
            # Read as printed, but a task code inside a task name (`… (承 T1.2)`) reads the same:
            # every group is listed for an analyst to audit.
            findings.append(finding(
                "task-group", row.page_start, where,
                f"tasks {', '.join(t.code for t in tasks)} printed in one task cell: one block, "
                "each task citing all its K and S items"))
        for position, item in enumerate(tasks, start=1):
            out.block_tasks.append(base(block_no=block_no, task_code=item.code,
                                        position=position))
            if item.code in task_rows:
                task = task_rows[item.code]
                if not same_name(item.text, task["name"]):
                    findings.append(finding(
                        "task-name-mismatch", row.page_start,
                        f"{where}:{layout.TASK}:{item.code}",
                        f"{item.code} printed again as {item.text[:40]!r}, first as "
                        f"{task['name'][:40]!r} (p.{task['page_start']})"))
                task["page_end"] = max(task["page_end"], block_end)
                task["_levels"].append(level)
                continue
            new_task = base(task_code=item.code, duty_code=current_duty,
                        position=sum(1 for t in out.tasks if t["duty_code"] == current_duty) + 1,
                        name=item.text, level=level, page_start=block_start,
                        page_end=block_end, _levels=[level])
            task_rows[item.code] = new_task
            out.tasks.append(new_task)
        if not tasks:
            continue
        owner = tasks[0].code

        for task_code, item in owned(row, layout.OUTPUT, block_no, tasks):
            if not item.text.strip():
                findings.append(finding("empty-name", item.page_start, f"output:{item.code}",
                                        f"output {item.code} printed without a name"))
            out.outputs.append(base(output_code=item.code, code_as_printed=item.code_as_printed,
                                    task_code=task_code, block_no=block_no,
                                    name=item.text.strip() and item.text,
                                    page_start=item.page_start, page_end=item.page_end))
        for task_code, item in owned(row, layout.INDICATOR, block_no, tasks):
            out.indicators.append(base(indicator_code=item.code,
                                       code_as_printed=item.code_as_printed, task_code=task_code,
                                       block_no=block_no, text=item.text,
                                       page_start=item.page_start, page_end=item.page_end))
        for role, links, code_col in (
            (layout.KNOWLEDGE, out.task_knowledge, "knowledge_code"),
            (layout.SKILL, out.task_skills, "skill_code"),
        ):
            for position, item in enumerate(coded(row, role, block_no, None), 1):
                for cited_by in tasks:
                    links.append(base(task_code=cited_by.code, **{code_col: item.code},
                                      block_no=block_no, position=position,
                                      page_start=item.page_start, page_end=item.page_end))
                out.printings.append(base(kind=role, code=item.code, name=item.text,
                                          task_code=owner, block_no=block_no,
                                          page_start=item.page_start, page_end=item.page_end))

    findings += _fourth_levels(out.outputs, "output_code") + _fourth_levels(out.indicators,
                                                                          "indicator_code")
    for duty in out.duties:
        duty["page_end"] = duty_pages[duty["duty_code"]][1]
    for task in out.tasks:
        levels = task.pop("_levels")
        task["level"] = levels[0] if len(set(levels)) == 1 else None
    return out, findings


def _fourth_levels(rows: list[Row], column: str) -> list[Finding]:
    """One warning per table for codes printed with a fourth number (`P1.2.1.1`): unusual in
    the template, unambiguous in print — kept as printed, their task the first two numbers."""
    codes = [r[column] for r in rows if r[column].count(".") == 3]
    if not codes:
        return []
    return [finding("fourth-code-level", next(r["page_start"] for r in rows
                                               if r[column] == codes[0]), column,
                    f"{len(codes)} code(s) printed with a fourth number "
                    f"({', '.join(codes[:3])}{', …' if len(codes) > 3 else ''}): kept as "
                    f"printed, each under the task its first two numbers name")]


def _first_printings(printings: list[Row], kind: str, code_col: str) -> list[Row]:
    """One row per K or S code, from the item's first printing in the main table."""
    seen: dict[str, Row] = {}
    for p in printings:
        if p["kind"] == kind and p["code"] not in seen:
            seen[p["code"]] = {
                "standard_code": p["standard_code"], code_col: p["code"], "name": p["name"],
                "description": None, "page_start": p["page_start"], "page_end": p["page_end"],
            }
    return list(seen.values())


# Extract findings that mean there is no document to parse: reporting what parse would then miss
# would only bury the cause under consequences.
UNPARSEABLE = frozenset({
    "unreadable-source", "empty-file", "wrong-format", "unknown-encoding", "encrypted-pdf",
    "no-text-layer", "time-limit", "not-a-standard", "missing-section", "document-truncated",
    "undecodable-text",
})


def parse_document(doc: StitchedDocument) -> TableSet:
    """All tables of one document, text as printed."""
    if any(f.code in UNPARSEABLE and f.severity == "error" for f in doc.findings):
        return TableSet(doc.source, {}, doc.findings, is_rejected=True)
    findings: list[Finding] = []
    standard, categories, profile_findings = sections.parse_profile(doc.profile, doc.title,
                                                                    doc.source)
    findings += profile_findings
    code = standard["standard_code"]
    malformed = [f for f in profile_findings if f.code == "malformed-standard-code"]
    if malformed:
        # Every row is keyed by the code: without one, all else would only repeat this.
        return TableSet(doc.source, {}, (*doc.findings, *malformed), is_rejected=True)
    versions, version_findings = sections.parse_versions(doc.versions, code)
    findings += version_findings
    main, main_findings = parse_main_table(doc.rows, code, layout.DUTY in doc.columns)
    findings += main_findings
    knowledge = _first_printings(main.printings, layout.KNOWLEDGE, "knowledge_code")
    skills = _first_printings(main.printings, layout.SKILL, "skill_code")
    attitudes, attitude_findings = parse_attitudes(doc.attitudes, code)
    findings += attitude_findings
    notes, note_findings = sections.parse_notes(doc.notes, code, knowledge, skills)
    findings += note_findings
    tables: dict[str, list[Row]] = {
        "standards": [standard],
        "standard_categories": categories,
        "versions": versions,
        "duties": main.duties,
        "tasks": main.tasks,
        "blocks": main.blocks,
        "block_tasks": main.block_tasks,
        "outputs": main.outputs,
        "indicators": main.indicators,
        "knowledge": knowledge,
        "skills": skills,
        "attitudes": attitudes,
        "task_knowledge": main.task_knowledge,
        "task_skills": main.task_skills,
        "notes": notes,
        "_printings": main.printings,
        "_removed_bullets": [*sections.removed_bullets(doc.attitudes, "attitudes"),
                             *sections.removed_bullets(doc.notes, "notes")],
    }
    return TableSet(doc.source, tables, (*doc.findings, *findings))
