"""Parse the sections around the main table: version table, profile, attitudes, notes.

Part of the parse stage (see ``pipeline.parse``). Labels are matched by content through
``pipeline.layout``; an unknown label is a finding, never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re

import regex

from pipeline import layout
from pipeline.census import codes_at_item_starts
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
    title_text = title.cells[0]
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


def category_pairs(name: str, code: str, page: int, label: str
                   ) -> tuple[list[tuple[str, str]], Finding | None]:
    """One category row → its name+code pairs. Several codes separated by a printed separator
    (``layout.CATEGORY_SEPARATORS``) pair with the name split on that same separator when it
    gives exactly as many names (``category-split``, info); otherwise the row stays one category
    as printed and the codes it holds are reported (``category-not-split``, a warning): which name
    goes with which code is not guessed."""
    codes = [c for c in regex.split(r"[\s、／/,，;；]+", code.strip()) if c]
    if len(codes) < 2:
        return [(name, code)], None
    separator = layout.CATEGORY_SEPARATORS.search(code)
    names: list[str] = []
    if separator is not None:
        kinds = "／/" if separator.group(1) in "／/" else separator.group(1)
        names = [n.strip() for n in regex.split(f"[{regex.escape(kinds)}]", name)]
        parts = [c.strip() for c in regex.split(f"[{regex.escape(kinds)}]", code)]
        if len(parts) == len(names) and all(names) and all(parts):
            return list(zip(names, parts, strict=True)), finding(
                "category-split", page, label,
                f"{len(parts)} name/code pairs printed in one {label} row, one category each")
    return [(name, code)], finding(
        "category-not-split", page, label,
        f"{len(codes)} codes in one {label} row ({code!r}) but the name does not split into as "
        f"many on the same separator: kept as one category")


def parse_versions(rows: tuple[GridRow, ...], code: str) -> tuple[list[Row], list[Finding]]:
    """The version table, one row per printed line."""
    findings: list[Finding] = []
    out = []
    for position, row in enumerate(rows, start=1):
        if len(row.cells) != len(layout.VERSION_HEADER):
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
        lines = (_split_attitudes(_attitude_text(row)) if table == "attitudes"
                 else [_raw_line(row)])
        for line in lines:
            marker = layout.BULLET.match(line.strip())
            chars = "".join(c for c in (marker.group(0) if marker else "")
                            if c in layout.PRIVATE_USE_BULLETS)
            out += [{"table": table, "page": row.page, "chars": chars}] if chars else []
    return out


def parse_attitudes(rows: tuple[GridRow, ...], code: str) -> tuple[list[Row], list[Finding]]:
    """Attitude lines → A items, each with its printed position, its code null where none is
    printed. A line with no bullet, no code and no colon is the description of the attitude above
    when that one has none yet (`A03謹慎細心` | `對於任務…`, ``attitude-line-joined``) — unless it
    reads as a name of its own (short, no punctuation: `主動積極`), which is a new attitude without
    a code. Below a description, such a line is a new attitude too; a longer one is joined to the
    description with a warning (``attitude-description-continued``: a page break inside the
    attitude, or a paragraph of its own?). A code-less line with a colon (`團隊合作：…`) is always
    a new attitude, also below an A-coded name printed without colon or description — the warning
    then says that it might be the rest of that name: which reading is right is not guessed."""
    findings: list[Finding] = []
    out: list[Row] = []
    for row, raw in _attitude_entries(rows, findings):
        text = layout.BULLET.sub("", raw)
        match = layout.ATTITUDE_CODE.match(text)
        body = text[match.end():] if match else text
        previous = out[-1] if out else {}
        continues = (not match and not layout.BULLET.match(raw) and bool(out)
                     and layout.title_colon(body) is None
                     and not layout.ATTITUDE_NAME.fullmatch(body.strip()))
        if continues:
            label = previous["attitude_code"] or previous["name"]
            if previous["description"] is None:
                previous["description"] = body
                findings.append(finding("attitude-line-joined", row.page, label,
                                        f"line without code read as the description of the "
                                        f"attitude above: {body[:30]!r}"))
            else:
                previous["description"] += "\n" + body
                findings.append(finding(
                    "attitude-description-continued", row.page, label,
                    f"a second line of text below the attitude's description joined to it "
                    f"(a page break inside the attitude, or a paragraph of its own?): "
                    f"{body[:30]!r}"))
            previous["page_end"] = row.page
            continue
        name, description = layout.split_title(body)
        if not match:
            open_name = (previous.get("attitude_code") and previous["description"] is None
                         and not layout.BULLET.match(raw))
            findings.append(finding(
                "attitude-without-code", row.page, name[:20],
                f"attitude {len(out) + 1} printed without an A code"
                + (f" (or the rest of {previous['attitude_code']}'s name "
                   f"{previous['name']!r}, printed without colon or description)"
                   if open_name else "")))
        out.append({
            "standard_code": code, "position": len(out) + 1,
            "attitude_code": match.group(0) if match else None,
            "name": name, "description": description or None,
            "page_start": row.page, "page_end": row.page,
        })
    findings += [
        finding("code-in-item-text", a["page_start"], a["attitude_code"] or a["name"][:20],
                f"attitude {a['position']} holds {', '.join(found)} where an attitude starts: "
                f"two attitudes read as one? {a['name'][:30]!r}")
        for a in out
        if (found := codes_at_item_starts(f"{a['name']}\n{a['description'] or ''}",
                                          attitudes=True))
    ]
    return out, findings


# Several attitudes printed in one line or cell (`A01外部意識、A02溝通協調能力、A03成果導向`, or
# one a line): an A-code after a separator or at a line's start, numbered next after the one
# before it (`A3、A4紙張` in a description is no list), starts the next attitude.
_NEXT_ATTITUDE = regex.compile(
    rf"(?:[、，,;；]\s*|\s*\n\s*)(?=(?:{layout.BULLET.pattern[1:]})?"
    rf"({layout.ATTITUDE_CODE.pattern}))")


def _split_attitudes(text: str) -> list[str]:
    first = layout.ATTITUDE_CODE.match(layout.BULLET.sub("", text))
    if first is None:
        return [text]
    number, parts, start = int(first.group(1)), [], 0
    for match in _NEXT_ATTITUDE.finditer(text):
        if int(match.group(2)) == number + 1:
            parts.append(text[start:match.start()])
            start, number = match.end(), number + 1
    return [*parts, text[start:]]


def _name_list(text: str) -> list[str] | None:
    """A code-less line listing attitudes by name only (`正直誠實、自我管理、彈性`): two or more
    parts separated by 、, each reading as an attitude's name (short, no punctuation), and no
    colon. None for any other line."""
    bare = layout.BULLET.sub("", text.strip())
    if layout.ATTITUDE_CODE.match(bare) or layout.title_colon(bare) is not None:
        return None
    parts = [p.strip() for p in regex.split(r"[、，,；;]", bare)]
    if len(parts) < 2 or not all(layout.ATTITUDE_NAME.fullmatch(p) for p in parts):
        return None
    return parts


def _attitude_text(row: GridRow) -> str:
    """A printed attitude row as one line: cells of a table printed as code | name | description
    (or name | description) read as `A01名稱：描述`, the colon the template prints."""
    cells = [c.strip() for c in row.cells if c.strip()]
    if len(cells) >= 2 and layout.ATTITUDE_CODE.fullmatch(layout.BULLET.sub("", cells[0])):
        cells = [cells[0] + cells[1], *cells[2:]]
    if len(cells) >= 2 and layout.title_colon(cells[0]) is None:
        return cells[0] + layout.TITLE_COLON + " ".join(cells[1:])
    return " ".join(cells)


def _attitude_entries(rows: tuple[GridRow, ...], findings: list[Finding]
                      ) -> list[tuple[GridRow, str]]:
    """Each printed attitude (its row, its text with any bullet): a row holding several
    (a one-line list, a table cell with one attitude a line) is split before each A-code that
    starts a line or follows a separator (``attitudes-on-one-line``)."""
    out = []
    texts = [_attitude_text(row) for row in rows]
    # A section whose attitudes carry descriptions lists no bare names: a line of words there
    # is a description's rest, however short its parts.
    described = any(layout.title_colon(layout.BULLET.sub("", t.strip())) for t in texts)
    for row, text in zip(rows, texts, strict=True):
        parts = [p for p in _split_attitudes(text) if p.strip()]
        names = _name_list(text) if len(parts) == 1 and not described else None
        if names is not None:
            parts = names
            findings.append(finding(
                "attitude-list-split", row.page, names[0][:10],
                f"a line of {len(names)} short names without codes or descriptions, separated "
                f"by 、, read as {len(names)} attitudes (or one attitude named "
                f"{text.strip()[:30]!r})"))
        elif len(parts) > 1:
            findings.append(finding(
                "attitudes-on-one-line", row.page, parts[0][:10],
                f"{len(parts)} attitudes printed in one line or cell, one row each"))
        out += [(row, part.strip()) for part in parts]
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
