"""Parse the sections around the main table: version table, profile, notes (attitudes are
``pipeline.attitudes``).

Part of the parse stage (see ``pipeline.parse``). Labels are matched by content through
``pipeline.layout``; an unknown label is a finding, never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re

import regex

from pipeline import headers, layout
from pipeline.attitudes import attitude_lines
from pipeline.normalize import clean_text
from pipeline.records import Finding, GridRow, Row, Source
from pipeline.severity import finding

# A paragraph title may differ slightly from the item name it explains (K02's title adds a 的).
# Titles at least this similar (difflib ratio, on normalised text) are linked, with a finding;
# below it, or when two items tie, the paragraph stays unlinked.
FUZZY_TITLE_RATIO = 0.9

_DATE = re.compile(r"(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})")


def _cell(row: GridRow, index: int) -> str:
    return row.cells[index].strip() if index < len(row.cells) else ""


def parse_profile(
    rows: tuple[GridRow, ...], title: GridRow, source: Source
) -> tuple[Row, list[Row], list[Finding]]:
    """The profile block → the standards row and its categories."""
    findings: list[Finding] = []
    values: dict[str, str] = {}
    names: dict[str, str] = {}
    categories: list[Row] = []
    block = ""
    for row in rows:
        # Cells are read by their labels, not their positions: a grid may add empty spacer
        # columns, and a label merged over several rows (所屬類別) is printed on its first only.
        cells = [c.strip() for c in row.cells if c.strip()]
        keys = [layout.fold(c) for c in cells]
        if keys and layout.profile_block(cells[0]) is not None:
            block = layout.profile_block(cells[0]) or ""
            cells, keys = cells[1:], keys[1:]

        def after(label_keys: tuple[str, ...], cells: list[str] = cells,
                  keys: list[str] = keys) -> str:
            """The value printed after a label in this row ("" when none)."""
            at = next((i for i, k in enumerate(keys) if k in label_keys), None)
            if at is None or at + 1 >= len(cells) or layout.is_profile_label(cells[at + 1]):
                return ""
            return cells[at + 1]

        kind = next((k for k in keys if k in layout.PROFILE_NAME_KINDS
                     or k in layout.PROFILE_CATEGORIES), "")
        field = {layout.PROFILE_CODE: "code", layout.PROFILE_LEVEL: "level"}.get(block)
        if field is not None and field in values and cells:
            findings.append(finding("unknown-profile-row", row.page, block,
                                    f"a second {block} value {cells[0]!r}"))
        elif block == layout.PROFILE_CODE:
            values["code"] = cells[0] if cells else ""
        elif block == layout.PROFILE_NAME and kind in layout.PROFILE_NAME_KINDS:
            names[kind] = after((kind,))
        elif block == layout.PROFILE_CATEGORY_BLOCK and kind in layout.PROFILE_CATEGORIES:
            table_kind, code_label = layout.PROFILE_CATEGORIES[kind]
            if code_label not in keys:
                findings.append(finding("unknown-profile-row", row.page, kind,
                                        f"expected {code_label} beside {kind}"))
            pairs, split = category_pairs(after((kind,)), after((code_label,)), row.page, kind)
            findings += [split] if split else []
            for name, category_code in pairs:
                categories.append({
                    "kind": table_kind,
                    "position": sum(1 for c in categories if c["kind"] == table_kind) + 1,
                    "name": name, "code": category_code or None,
                    "page_start": row.page, "page_end": row.page,
                })
        elif block == layout.PROFILE_DESCRIPTION:
            # A description printed over several rows continues, line by line.
            values["description"] = "\n".join(
                v for v in (values.get("description", ""), *cells) if v)
        elif block == layout.PROFILE_LEVEL:
            values["level"] = cells[0] if cells else ""
        elif cells or not block:
            findings.append(finding("unknown-profile-row", row.page, block or "profile",
                                    f"profile row not understood: {' | '.join(row.cells)[:60]!r}"))

    code = values.get("code", "")
    match = layout.STANDARD_CODE.fullmatch(code)
    if not match:
        findings.append(finding("malformed-standard-code", 1, "profile",
                                f"職能基準代碼 {code!r} is not a code (like RTM1324-002v4)"))
    elif not layout.TEMPLATE_STANDARD_CODE.fullmatch(code):
        findings.append(finding("unusual-standard-code", 1, "profile",
                                f"職能基準代碼 {code!r} is not three letters, four digits, a "
                                "number and a version (RTM1324-002v4): kept as printed"))
    if not values.get("description"):
        findings.append(finding("missing-description", 1, "profile",
                                "no 工作描述 printed; description left null"))
    filled = [(kind, name) for kind, name in names.items() if name]
    if len(filled) != 1:
        findings.append(finding("ambiguous-name", 1, "profile",
                                "職能基準名稱 should fill exactly one of 職類/職業, "
                                f"got {filled!r}"))
    name_kind, name = filled[0] if filled else ("", "")
    level_text = values.get("level", "")
    if level_text and not level_text.isdigit():
        findings.append(finding("ambiguous-level", 1, "profile",
                                f"基準級別 printed as {level_text!r}; level left null"))
    title_text, above = _title_lines(title.cells[0], name)
    if above:
        findings.append(finding("line-above-title", 1, "title",
                                f"line(s) {above!r} printed above the title {title_text!r} "
                                f"read as a page header, not as part of the title"))
    is_historical = layout.HISTORICAL_TITLE.match(title_text) is not None
    expected_title = (layout.HISTORICAL_MARK if is_historical else "") + name + layout.TITLE_SUFFIX
    if layout.fold(title_text) != layout.fold(expected_title):
        findings.append(finding("title-name-mismatch", 1, "title",
                                f"title {title_text!r} does not read {expected_title!r}"))
    standard: Row = {
        "standard_code": code,
        "standard_id": match.group("id") if match else "",
        "version": int(match.group("version")) if match else 0,
        "name": name,
        "name_kind": name_kind,
        "description": values.get("description") or None,
        "level": int(level_text) if level_text.isdigit() else None,
        "is_historical": is_historical,
        "page_start": 1,
        "page_end": source.page_count,
        "source_file": source.file,
        "source_sha256": source.sha256,
        "source_format": source.format,
    }
    return standard, [{"standard_code": code, **c} for c in categories], findings


def _title_lines(printed: str, name: str) -> tuple[str, str]:
    """The title among the lines printed above the version table, and the lines above it: the
    fewest last lines that read the standard's name + 職能基準 (a 《歷史資料》 mark allowed).
    A line above them (a platform's name printed as a page header on a one-page document,
    where no repetition shows it for furniture) is no part of the title; when no last lines
    read the name, every line is the title, and the profile reports the mismatch."""
    lines = [line for line in printed.split("\n") if line.strip()]
    wanted = layout.fold(name + layout.TITLE_SUFFIX)
    for start in range(len(lines) - 1, 0, -1):
        candidate = "".join(lines[start:])
        if layout.fold(layout.HISTORICAL_TITLE.sub("", candidate, count=1)) == wanted:
            return candidate, "".join(lines[:start])
    return "".join(lines), ""


def category_pairs(name: str, code: str, page: int, label: str
                   ) -> tuple[list[tuple[str, str]], Finding | None]:
    """One category row → its name+code pairs. Several codes separated by a printed separator
    (``layout.CATEGORY_SEPARATORS``) pair with the name split on that same separator when it
    gives exactly as many names (``category-split``, info); otherwise the row stays one category
    as printed and the codes it holds are reported (``category-not-split``, a warning): which name
    goes with which code is not guessed."""
    if layout.CATEGORY_SEPARATORS.search(code):
        # Codes printed with separators between them: a line break is the cell's wrap, inside a
        # code (`R9` | `0、R91`) or beside a separator — a code never holds a space.
        code = regex.sub(r"\s*\n\s*", "", code)
    codes = [c for c in regex.split(r"[\s、／/,，;；]+", code.strip()) if c]
    if len(codes) < 2:
        return [(name, code)], None
    separator = layout.CATEGORY_SEPARATORS.search(code)
    names: list[str] = []
    if separator is not None:
        kinds = "／/" if separator.group(1) in "／/" else separator.group(1)
        names = [n.strip() for n in _split_outside_brackets(name, kinds)]
        parts = [c.strip() for c in regex.split(f"[{regex.escape(kinds)}]", code)]
        # The names so split must be alike: each a group／name pair (`製造／生產管理`) or none.
        # A name that holds the separator itself (`科學、技術、工程、數學／工程及技術`) splits
        # into unlike parts (`技術`, `工程`): no such pairing is read.
        alike = len({regex.search(r"[／/]", n) is not None for n in names}) == 1
        if len(parts) == len(names) and all(names) and all(parts) and alike:
            return list(zip(names, parts, strict=True)), finding(
                "category-split", page, label,
                f"{len(parts)} name/code pairs printed in one {label} row, one category each")
    return [(name, code)], finding(
        "category-not-split", page, label,
        f"{len(codes)} codes in one {label} row ({code!r}) but the name does not split into as "
        f"many on the same separator: kept as one category")


_OPENING, _CLOSING = "「『（(《〈【[", "」』）)》〉】]"


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """A name split on its separators, except inside brackets: `「天然資源、食品與農業」植物研究`
    is one name, its 、 part of a bracketed phrase."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in _OPENING) - (char in _CLOSING)
        if char in separators and depth <= 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def parse_versions(rows: tuple[GridRow, ...], code: str) -> tuple[list[Row], list[Finding]]:
    """The version table, one row per printed line."""
    findings: list[Finding] = []
    out = []
    for position, row in enumerate(rows, start=1):
        if len(row.cells) != len(headers.VERSION_HEADER):
            findings.append(finding("malformed-version-row", row.page, f"line {position}",
                                    f"{len(row.cells)} cells instead of 6"))
            continue
        # A date or a code never holds white space: a narrow cell wraps it (`2025/12/1` | `1`).
        date_text = regex.sub(r"[\s\u200b]+", "", _cell(row, 5))
        date = _DATE.fullmatch(date_text)
        updated_on = None
        if date:
            try:
                updated_on = dt.date(*(int(g) for g in date.groups())).isoformat()
            except ValueError:
                findings.append(finding("malformed-date", row.page, _cell(row, 0),
                                        f"發展更新日期 {date_text!r} is not a calendar date"))
        elif date_text:
            findings.append(finding("malformed-date", row.page, _cell(row, 0),
                                    f"發展更新日期 {date_text!r} is not a date"))
        out.append({
            "standard_code": code, "position": position, "version_label": _cell(row, 0),
            "listed_code": regex.sub(r"[\s\u200b]+", "", _cell(row, 1)), "name": _cell(row, 2),
            "status": _cell(row, 3),
            "note": _cell(row, 4) or None, "updated_on": updated_on,
            "page_start": row.page, "page_end": row.page,
        })
    return out, findings


def _raw_line(row: GridRow) -> str:
    return " ".join(c for c in row.cells if c.strip()).strip()


def _line(row: GridRow) -> str:
    """The row's text without its bullet marker."""
    return layout.BULLET.sub("", _raw_line(row))


def removed_bullets(rows: tuple[GridRow, ...], table: str) -> list[Row]:
    """The private-use bullet characters removed with the line markers (``_line``), one row per
    line: normalise counts them with the ones it removes inside the table's text, in one
    ``private-use-removed`` finding per table — never a silent removal, never counted twice."""
    out: list[Row] = []
    for row in rows:
        lines = (attitude_lines(row) if table == "attitudes" else [_raw_line(row)])
        for line in lines:
            marker = layout.BULLET.match(line.strip())
            chars = "".join(c for c in (marker.group(0) if marker else "")
                            if c in layout.PRIVATE_USE_BULLETS)
            out += [{"table": table, "page": row.page, "chars": chars}] if chars else []
    return out


def _link_title(title: str, items: dict[str, str]) -> tuple[str | None, float]:
    """The code whose item name the paragraph title names: exact, else one close enough."""
    for code, name in items.items():
        if name == title:
            return code, 1.0
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, title, name).ratio(), code)
            for code, name in items.items()
        ),
        reverse=True,
    )
    if scored and scored[0][0] >= FUZZY_TITLE_RATIO and (
        len(scored) == 1 or scored[1][0] < scored[0][0]
    ):
        return scored[0][1], scored[0][0]
    return None, 0.0


def _note_entries(rows: tuple[GridRow, ...]) -> list[tuple[GridRow, str]]:
    """Each printed paragraph of 說明與補充事項 (bullet removed), split where a glossary entry
    (`【註2】…`) starts inside it: several entries printed in one cell are one note each."""
    out = []
    for row in rows:
        text = _line(row)
        starts = [m.start() for m in layout.GLOSSARY_ENTRY.finditer(text)]
        bounds = sorted({0, *starts, len(text)})
        parts = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
        out += [(row, part) for part in parts if part]
    return out


def parse_notes(
    rows: tuple[GridRow, ...], code: str, knowledge: list[Row], skills: list[Row]
) -> tuple[list[Row], list[Finding]]:
    """說明與補充事項 → notes; explanation paragraphs also fill K/S descriptions (in place)."""
    findings: list[Finding] = []
    out: list[Row] = []
    items = {
        **{k["knowledge_code"]: clean_text(k["name"]) for k in knowledge},
        **{s["skill_code"]: clean_text(s["name"]) for s in skills},
    }
    by_code = {**{k["knowledge_code"]: k for k in knowledge},
               **{s["skill_code"]: s for s in skills}}
    section: str | None = None
    for row, entry in _note_entries(rows):
        heading = layout.note_heading(entry)
        if heading is not None:
            section, text = heading
            if not text:
                continue
        else:
            text = entry
        entry_section = (layout.GLOSSARY_SECTION if layout.GLOSSARY_ENTRY.match(text)
                         else section)
        if entry_section is None:
            findings.append(finding("unplaceable-note", row.page, "notes",
                                    f"paragraph before any known heading: {text[:40]!r}"))
            continue
        refers_to = None
        if entry_section == "supplementary" and layout.title_colon(text) is not None:
            title, explanation = layout.split_title(text)
            refers_to, ratio = _link_title(clean_text(title), items)
            if refers_to is not None:
                if ratio < 1.0:
                    findings.append(finding(
                        "description-fuzzy-match", row.page, refers_to,
                        f"paragraph title {clean_text(title)!r} linked to {refers_to} "
                        f"{items[refers_to]!r} (similarity {ratio:.2f})"))
                item = by_code[refers_to]
                if item["description"] is None:
                    item["description"] = explanation
                else:
                    findings.append(finding("duplicate-description", row.page,
                                            refers_to, "a second paragraph explains this item"))
        out.append({
            "standard_code": code, "section": entry_section,
            "position": sum(1 for n in out if n["section"] == entry_section) + 1,
            "text": text, "refers_to": refers_to, "page_start": row.page, "page_end": row.page,
        })
    return out, findings
