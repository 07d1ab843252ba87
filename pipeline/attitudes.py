"""Parse the attitude section (職能內涵 A=attitude 態度) into attitudes.

Part of the parse stage (``pipeline.parse``). Attitudes are printed in many ways — bullet lines,
paragraphs, a table of one or two columns, several to a line (`A01外部意識、A02溝通協調能力`), with
or without codes and descriptions — and each printing is read into one row per attitude, every
reading that could be another reported. The census of printed codes guards the result: an
A-code where an attitude starts, inside another's text, is an error.
"""

from __future__ import annotations

import regex

from pipeline import layout
from pipeline.census import codes_at_item_starts
from pipeline.records import Finding, GridRow, Row
from pipeline.severity import finding


def parse_attitudes(rows: tuple[GridRow, ...], code: str) -> tuple[list[Row], list[Finding]]:
    """Attitude lines → A items, each with its printed position, its code null where none is
    printed. A line with no bullet, no code and no colon is the description of the attitude above
    when that one has none yet (`A03謹慎細心` | `對於任務…`, ``attitude-line-joined``) — unless it
    reads as a name of its own (short, no punctuation: `主動積極`), which is a new attitude without
    a code. Below a description, such a line is a new attitude too; a longer one is joined to the
    description with a warning (``attitude-description-continued``: a page break inside the
    attitude, or a paragraph of its own?). A code-less line with a colon (`團隊合作：…`) is always
    a new attitude, also below an A-coded name printed without colon or description — the warning
    then says that it might be the rest of that name: which reading is right is not guessed.
    In a section that so far prints code-less names alone, the next line is the next name; below
    a lone code-less name it is read as its description with a warning
    (``attitude-description-or-name``). A code-less line after a page break, below a coded
    name that ended without a separator, is that name's rest (``attitude-name-continued``)."""
    findings: list[Finding] = []
    out: list[Row] = []
    # The separator set aside at the end of the last attitude's text: a list's, unless the next
    # line carries the text on (`…努力、` | `承諾…` across a page break), which gets it back.
    set_aside = ""
    for row, raw in _attitude_entries(rows, findings):
        text = layout.BULLET.sub("", raw)
        match = layout.ATTITUDE_CODE.match(text)
        body = text[match.end():] if match else text
        previous = out[-1] if out else {}
        if _name_rest(row, raw, match, body, out, set_aside):
            previous["name"] += "\n" + body  # a wrap: rule 3 of the text policy joins it
            previous["page_end"] = row.page
            findings.append(finding(
                "attitude-name-continued", row.page, previous["attitude_code"],
                f"a line without code at the top of page {row.page} read as the rest of "
                f"{previous['attitude_code']}'s name (a page break inside the name), or an "
                f"attitude of its own without an A code: {body[:30]!r}"))
            continue
        continues = (not match and not layout.BULLET.match(raw) and bool(out)
                     and layout.title_colon(body) is None
                     and not layout.ATTITUDE_NAME.fullmatch(regex.sub(r"\s+", "", body))
                     and not _names_only(out))
        if continues:
            label = previous["attitude_code"] or previous["name"]
            if previous["description"] is None:
                previous["description"], set_aside = _without_separator(body)
                findings.append(finding(
                    "attitude-line-joined" if previous["attitude_code"]
                    else "attitude-description-or-name", row.page, label,
                    f"line without code read as the description of the attitude above: "
                    f"{body[:30]!r}"))
            else:
                previous["description"], set_aside = _without_separator(
                    previous["description"] + set_aside + "\n" + body)
                findings.append(finding(
                    "attitude-description-continued", row.page, label,
                    f"a second line of text below the attitude's description joined to it "
                    f"(a page break inside the attitude, or a paragraph of its own?): "
                    f"{body[:30]!r}"))
            previous["page_end"] = row.page
            continue
        name, description = layout.split_title(body)
        if description:
            description, set_aside = _without_separator(description)
        else:
            name, set_aside = _without_separator(name)
        if layout.other_title_colon(body):
            findings.append(finding(
                "title-colon-choice", row.page, name[:20],
                f"titled at its first colon ':' ({name!r}); the '：' after it could be the "
                f"title's, were ':' part of the name"))
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


def _name_rest(row: GridRow, raw: str, match: regex.Match[str] | None, body: str,
               attitudes: list[Row], set_aside: str) -> bool:
    """Whether a line is the rest of the name above it, cut by a page break: a section of names
    alone, each with its code, the last ended without a list separator (`…、A08追` at a page's
    foot), and on the next page a line that reads as a name's part (short, no code, bullet,
    colon or punctuation: `求卓越`). A code-less attitude in a coded section would be the odder
    print. Where the section gives descriptions, such a line is the description (`A02謹慎細心`
    | `對於任務…`), read as before."""
    if match or layout.BULLET.match(raw) or not attitudes or set_aside:
        return False
    return (row.page > attitudes[-1]["page_end"] and layout.title_colon(body) is None
            and layout.ATTITUDE_NAME.fullmatch(regex.sub(r"\s+", "", body)) is not None
            and all(a["attitude_code"] and a["description"] is None for a in attitudes))


def _names_only(attitudes: list[Row]) -> bool:
    """Whether the section so far prints names alone, no code and no description, two or more
    (`工作熱忱` | `創意思考` | …): its next code-less line is the next name, whatever its
    punctuation (`自我管理（學習力/抗壓/職業道德）`), not a description."""
    return len(attitudes) >= 2 and all(
        a["attitude_code"] is None and a["description"] is None for a in attitudes)


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
    # (A list that wraps after a separator leaves it at the line's end, `A08壓力容忍、`: parse
    # sets it aside, unless the next line carries the text on.)
    return [*parts, text[start:]]


_LIST_SEPARATORS = "、，,;； \t"


def _without_separator(text: str) -> tuple[str, str]:
    """A text without the list separator at its end, and that separator ("" when none)."""
    kept = text.rstrip(_LIST_SEPARATORS)
    return kept, text[len(kept):]


def _name_list(text: str) -> list[str] | None:
    """A code-less line listing attitudes by name only (`正直誠實、自我管理、彈性`): two or more
    parts separated by 、, each reading as an attitude's name (short, no punctuation), and no
    colon. None for any other line."""
    bare = layout.BULLET.sub("", text.strip())
    if layout.ATTITUDE_CODE.match(bare) or layout.title_colon(bare) is not None:
        return None
    parts = [p.strip() for p in regex.split(r"[、，,；;]", bare)]
    # (A name the line's wrap cut, `彈\n性`, is still one name: normalise joins it.)
    if len(parts) < 2 or not all(layout.ATTITUDE_NAME.fullmatch(regex.sub(r"\s+", "", p))
                                 for p in parts):
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


def attitude_lines(row: GridRow) -> list[str]:
    """The attitudes a printed row holds, each as printed (bullet included)."""
    return _split_attitudes(_attitude_text(row))
