"""The edits behind each layout variant of the round trip (``tests.render.variants`` declares
which variant uses which): how a ``Standard``, its laid-out pages or its text export are printed
differently, and how the plain truth (``truth.py``) becomes what the pipeline must output for
that print, with the findings it must report (code, page, where). The expected values are written
here from the print, never taken from the pipeline.
"""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata
from collections.abc import Callable

from tests.render.model import (
    Attitude,
    Category,
    Coded,
    PagedDocument,
    PageLayout,
    Standard,
    TableBlock,
    TableRow,
    Task,
)
from tests.render.paginate import CATEGORY_LABELS, paginate
from tests.render.sample_layout import MAIN_HEADER
from tests.render.truth import Row

Truth = dict[str, list[Row]]
# A finding the pipeline must report: code, page (None: any page, but one), where.
Expected = tuple[str, int | None, str]

# ---------------------------------------------------------------- helpers


def _map_tasks(std: Standard, change: Callable[[Task], Task]) -> Standard:
    duties = tuple(dataclasses.replace(d, tasks=tuple(change(t) for t in d.tasks))
                   for d in std.duties)
    return dataclasses.replace(std, duties=duties)


def _tasks(std: Standard) -> list[Task]:
    return [t for d in std.duties for t in d.tasks]


def _rows(truth: Truth, table: str, change: Callable[[Row], Row]) -> Truth:
    """The truth with each row of one table changed."""
    return {**truth, table: [change(r) for r in truth[table]]}


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


# ---------------------------------------------------------------- header variants


def no_duty_names(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    """No 主要職責 column: a duty is known by its tasks' codes, its name nowhere printed."""
    expected = [("duty-name-missing", d["page_start"], f"duty {d['duty_code']}")
                for d in truth["duties"]]
    return _rows(truth, "duties", lambda r: {**r, "name": None}), expected


TWO_ROW_HEADER = (
    TableRow((*MAIN_HEADER[:5], "職能內涵", None)),
    TableRow(("", "", "", "", "", "(K=knowledge 知識)", "(S=skills 技能)"),
             (True, True, True, True, True, False, False)),
)


# ---------------------------------------------------------------- older template


def has_ambiguous_glue(std: Standard) -> bool:
    """A K/S name starting with digits printed flush against its unpadded code (`K7` + `2D…` →
    `K72D…`) whose print no reader can take apart: the glued number is, or is next to, another
    item's number, or starts with the number of another digit-led item (whose code is then never
    printed on its own): `K1` + `3D…` prints `K13D…` beside a real K13."""
    for kind in ("K", "S"):
        items = {int(c.code[1:]): c.text for t in _tasks(std)
                 for c in (*t.knowledge, *t.skills) if c.code[0] == kind}
        led = {n for n, text in items.items() if text[:1].isdigit()}
        for n in led:
            name = items[n]
            glued = f"{n}{name[:len(name) - len(name.lstrip('0123456789'))]}"
            others = {int(glued[:k]) for k in range(1, len(glued))} - {n}
            if {int(glued) - 1, int(glued), int(glued) + 1} & items.keys() or others & led:
                return True
    return False


SUB_ITEMS = ("●基本概念", "●實務應用")


def older_template(std: Standard, rng: random.Random) -> Standard:
    """Codes K1/S1 (no zero padding); one K item, whose name ends in a CJK character (a bullet
    after a Latin word would be joined with a space), printed with bulleted sub-items."""
    names = {k.code: k.text for t in _tasks(std) for k in t.knowledge}
    candidates = sorted(code for code, name in names.items() if _is_wide(name[-1]))
    chosen = rng.choice(candidates) if candidates else None

    def unpadded(item: Coded) -> Coded:
        text = "\n".join((item.text, *SUB_ITEMS)) if item.code == chosen else item.text
        return Coded(item.code[0] + str(int(item.code[1:])), text)

    return _map_tasks(std, lambda t: dataclasses.replace(
        t, knowledge=tuple(map(unpadded, t.knowledge)), skills=tuple(map(unpadded, t.skills))))


def sub_items_joined(truth: Truth, std: Standard) -> tuple[Truth, list[Expected]]:
    """A sub-item stays in its item's name: its lines joined (after a CJK character: no space).
    A K/S name starting with a digit is printed flush against its unpadded code (`K7` + `2D…`
    prints `K72D…`): read as K7 with a code-digits-split warning at each printing."""
    led = {c.code for t in _tasks(std) for c in (*t.knowledge, *t.skills) if c.text[:1].isdigit()}
    expected: list[Expected] = [
        ("code-digits-split", r["page_start"], f"{role}:{r[column]}")
        for table, column, role in (("task_knowledge", "knowledge_code", "knowledge"),
                                    ("task_skills", "skill_code", "skill"))
        for r in truth[table] if r[column] in led
    ]
    # Codes of every other kind are read by the expected sequence, as in any layout.
    expected += [
        ("code-digits-split", r["page_start"], f"{role}:{r[column]}")
        for table, column, role, text in (("duties", "duty_code", "duty", "name"),
                                          ("tasks", "task_code", "task", "name"),
                                          ("outputs", "output_code", "output", "name"),
                                          ("indicators", "indicator_code", "indicator", "text"))
        for r in truth[table] if (r[text] or "")[:1].isdigit()
    ]
    return (_rows(truth, "knowledge", lambda r: {**r, "name": r["name"].replace("\n", "")}),
            expected)


# ---------------------------------------------------------------- printed code forms

# Printed forms of an indicator's and an output's code (numbers n = "1.2.1").
INDICATOR_FORMS = ("P.{n}", "P {n}")
OUTPUT_FORMS = ("O {n}", "0{n}")
_PRINTED = re.compile(r"(?:([OP])[. ]?|0)([0-9]+\.[0-9]+\.[0-9]+)")


def printed_codes(std: Standard, rng: random.Random) -> Standard:
    """About half the indicators and outputs printed in one of the other forms."""
    def reprint(item: Coded, forms: tuple[str, ...]) -> Coded:
        if rng.random() < 0.5:
            return item
        return Coded(rng.choice(forms).format(n=item.code[1:]), item.text)

    return _map_tasks(std, lambda t: dataclasses.replace(
        t, outputs=tuple(reprint(o, OUTPUT_FORMS) for o in t.outputs),
        indicators=tuple(reprint(p, INDICATOR_FORMS) for p in t.indicators)))


def canonical_codes(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    """Stored canonical (`P1.2.1`, `O1.2.1`), the printed form kept, each reading a warning."""
    expected: list[Expected] = []
    out = dict(truth)
    for table, column, role in (("outputs", "output_code", "output"),
                                ("indicators", "indicator_code", "indicator")):
        rows = []
        for row in truth[table]:
            printed = row[column]
            match = _PRINTED.fullmatch(printed)
            assert match, printed
            canonical = (match.group(1) or "O") + match.group(2)
            if canonical != printed:
                row = {**row, column: canonical, "code_as_printed": printed}
                expected.append(("code-as-printed", row["page_start"], f"{role}:{canonical}"))
            rows.append(row)
        out[table] = rows
    return out, expected


# ---------------------------------------------------------------- level cells


def _level_forms(level: int) -> list[tuple[str, str | None, int | None]]:
    """Ways a level cell of a task at ``level`` is printed: (printed, level_text, level)."""
    pair = f"{level}{level + 1}" if level < 7 else f"{level - 1}{level}"
    return [
        (pair, pair, None),  # two levels merged
        (f"{level}級以上", f"{level}級以上", None),  # an open range
        (f"{level}\n（初）", f"{level}（初）", level),  # a grade below the level: unambiguous
        (f"{level}\nK", f"{level} K", None),  # a stray letter on the next line
        ("", None, None),  # blank
        ("級別", "級別", None),  # the header word
    ]


_LEVEL_TRUTH = {printed: (text, level) for n in range(1, 8)
                for printed, text, level in _level_forms(n)}


def level_cells(std: Standard, rng: random.Random) -> Standard:
    """About half the tasks with a level cell printed in one of the other forms."""
    def reprint(task: Task) -> Task:
        if not task.level.isdigit() or rng.random() < 0.5:
            return task
        return dataclasses.replace(task, level=rng.choice(_level_forms(int(task.level)))[0])

    return _map_tasks(std, reprint)


def levels_as_printed(truth: Truth, std: Standard) -> tuple[Truth, list[Expected]]:
    """`level_text` keeps the print; `level` only when it names one level; else a warning."""
    printed = {n: t.level for n, t in enumerate(_tasks(std), start=1)}
    expected: list[Expected] = []
    blocks = []
    for block in truth["blocks"]:
        cell = printed[block["block_no"]]
        if cell in _LEVEL_TRUTH:
            text, level = _LEVEL_TRUTH[cell]
            block = {**block, "level_text": text, "level": level}
            if text is None:
                expected.append(("missing-level", block["page_start"],
                                 f"block {block['block_no']}"))
            elif level is None:
                expected.append(("ambiguous-level", block["page_start"],
                                 f"block {block['block_no']}"))
        blocks.append(block)
    level_of = {b["block_no"]: b["level"] for b in blocks}
    task_block = {r["task_code"]: r["block_no"] for r in truth["block_tasks"]}
    out = {**truth, "blocks": blocks}
    out = _rows(out, "tasks", lambda r: {**r, "level": level_of[task_block[r["task_code"]]]})
    return out, expected


# ---------------------------------------------------------------- attitudes


def has_attitudes(std: Standard) -> bool:
    return bool(std.attitudes)


def attitudes_without_code(std: Standard, _rng: random.Random) -> Standard:
    """The second half of the attitudes (all of a single one) printed without their A-code."""
    keep = len(std.attitudes) // 2
    return dataclasses.replace(std, attitudes=tuple(
        a if i < keep else Attitude("", a.name, a.description)
        for i, a in enumerate(std.attitudes)))


def null_attitude_codes(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    expected: list[Expected] = [("attitude-without-code", r["page_start"], r["name"][:20])
                                for r in truth["attitudes"] if not r["attitude_code"]]
    return _rows(truth, "attitudes",
                 lambda r: {**r, "attitude_code": r["attitude_code"] or None}), expected


def _shared_table_page(paged: PagedDocument) -> int | None:
    """The page where the attitude table directly follows the main table's last part."""
    last_main = max(n for n, page in enumerate(paged.pages)
                    for b in page.blocks if isinstance(b, TableBlock) and b.kind == "main")
    blocks = paged.pages[last_main].blocks
    kinds = [b.kind if isinstance(b, TableBlock) else "text" for b in blocks]
    at = max(i for i, kind in enumerate(kinds) if kind == "main")
    return last_main if kinds[at + 1: at + 2] == ["attitudes"] else None


def can_share_table(std: Standard) -> bool:
    return bool(std.attitudes) and _shared_table_page(paginate(std)[0]) is not None


def attitudes_in_main_table(paged: PagedDocument) -> PagedDocument:
    """The attitude title and the attitudes on that page printed as rows of the main table,
    spanning all its columns (the heights are the same: the table is as wide as the page's)."""
    index = _shared_table_page(paged)
    assert index is not None
    blocks = list(paged.pages[index].blocks)
    at = max(i for i, b in enumerate(blocks) if isinstance(b, TableBlock) and b.kind == "main")
    main, attitudes = blocks[at], blocks[at + 1]
    assert isinstance(main, TableBlock) and isinstance(attitudes, TableBlock)
    span = (None,) * (len(main.widths) - 1)
    rows = [TableRow((row.cells[0], *span)) for row in (*attitudes.header, *attitudes.rows)]
    blocks[at: at + 2] = [dataclasses.replace(main, rows=(*main.rows, *rows))]
    pages = list(paged.pages)
    pages[index] = PageLayout(pages[index].number, tuple(blocks))
    return dataclasses.replace(paged, pages=tuple(pages))


# ---------------------------------------------------------------- notes

_GLOSSARY_START = re.compile(r"(?<=。) (?=【註[0-9]+】)")


def glossary_and_related(std: Standard, _rng: random.Random) -> Standard:
    """【註n】 entries for up to three K items under 其他補充說明 (the first two printed in one
    paragraph), and a 相關所屬類別 list of the profile's categories."""
    names = list(dict.fromkeys(k.text for t in _tasks(std) for k in t.knowledge))[:3]
    entries = [f"【註{n}】{name}：本基準所稱{name}之範圍，依相關法規及實務定義。"
               for n, name in enumerate(names, start=1)]
    paragraphs = [" ".join(entries[:2]), *entries[2:]] if entries else []
    related = tuple(f"{CATEGORY_LABELS[c.kind][0]}：{c.name}（{c.code}）" for c in std.categories)
    return dataclasses.replace(std, supplementary=(*std.supplementary, *paragraphs),
                               related_categories=related)


def glossary_notes(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    """Each 【註n】 entry one note in section glossary, also two printed in one paragraph."""
    notes, glossary = [], []
    for note in truth["notes"]:
        if note["section"] == "supplementary" and note["text"].startswith("【註"):
            glossary += [{**note, "section": "glossary", "text": text, "refers_to": None}
                         for text in _GLOSSARY_START.split(note["text"])]
        else:
            notes.append(note)
    supplementary = [n for n in notes if n["section"] == "supplementary"]
    for position, note in enumerate(supplementary, start=1):
        note["position"] = position
    for position, note in enumerate(glossary, start=1):
        note["position"] = position
    return {**truth, "notes": notes + glossary}, []


# ---------------------------------------------------------------- private use, Kangxi

BULLETS = ("\uf0b7", "\uf09f", "\uf06c")
# Unified ideograph → the Kangxi radical or compatibility ideograph Word's PDFs print for it,
# wherever it occurs: in text, and in titles, headings, labels and header words (工作任務,
# 行業別, 或能力條件) too.
ODD_FORMS = {"力": "\u2f12", "人": "\u2f08", "口": "\u2f1d", "門": "\u2fa8", "風": "\u2fb5",
             "工": "\u2f2f", "行": "\u2f8f", "理": "\uf9e4"}


def private_use_in_text(std: Standard, _rng: random.Random) -> Standard:
    """A private-use bullet inside the text of each duty's first indicator."""
    duties = []
    for duty in std.duties:
        first, *rest = duty.tasks
        p, *others = first.indicators
        first = dataclasses.replace(first, indicators=(Coded(p.code, BULLETS[0] + p.text),
                                                       *others))
        duties.append(dataclasses.replace(duty, tasks=(first, *rest)))
    return dataclasses.replace(std, duties=tuple(duties))


def odd_code_points(export: str) -> str:
    """Line bullets `- ` printed as private-use characters, and some ideographs as Kangxi
    radicals or compatibility ideographs throughout the document."""
    lines = []
    for n, line in enumerate(export.split("\n")):
        if line.startswith("- "):
            line = BULLETS[n % len(BULLETS)] + line[1:]
        lines.append("".join(ODD_FORMS.get(c, c) for c in line))
    return "\n".join(lines)


def odd_code_points_removed(truth: Truth, std: Standard) -> tuple[Truth, list[Expected]]:
    """Bullets removed (counted per section), the ideographs mapped back (counted per table that
    has them in a normalised text column, at the first page a field changed)."""
    from pipeline.spec import TABLES_BY_NAME

    last_page = truth["standards"][0]["page_end"]
    expected: list[Expected] = [("private-use-removed", last_page, "notes")]
    if std.attitudes:
        expected.append(("private-use-removed", last_page, "attitudes"))
    indicators = [r for r in truth["indicators"] if BULLETS[0] in r["text"]]
    expected.append(("private-use-removed", indicators[0]["page_start"], "indicators"))
    for table, rows in truth.items():
        columns = [c.name for c in TABLES_BY_NAME[table].columns
                   if c.dtype == "string" and c.is_normalized]
        changed = [r for r in rows if any(set(r[c] or "") & ODD_FORMS.keys() for c in columns)]
        if changed:
            expected.append(("ideograph-mapped", changed[0]["page_start"], table))
    out = _rows(truth, "indicators", lambda r: {**r, "text": r["text"].replace(BULLETS[0], "")})
    return out, expected


# ---------------------------------------------------------------- title and profile


def historical(std: Standard, _rng: random.Random) -> Standard:
    """A 《歷史資料》 document: the mark in the title (the profile keeps the bare name)."""
    return dataclasses.replace(std, is_historical=True)


# Several categories printed in one row are separated by this (corpus codes never hold it).
CATEGORY_SEPARATOR = "；"


def kinds_listed_twice(std: Standard) -> list[str]:
    """Kinds with several categories, none of whose names or codes holds the separator."""
    kinds = [c.kind for c in std.categories]
    return [k for k in dict.fromkeys(kinds) if kinds.count(k) > 1 and not any(
        CATEGORY_SEPARATOR in c.name + c.code for c in std.categories if c.kind == k)]


def categories_in_one_row(std: Standard, _rng: random.Random) -> Standard:
    """The categories of each such kind printed in one row, names and codes separated by ；."""
    merged = []
    for kind in dict.fromkeys(c.kind for c in std.categories):
        of_kind = [c for c in std.categories if c.kind == kind]
        if kind in kinds_listed_twice(std):
            merged.append(Category(kind, CATEGORY_SEPARATOR.join(c.name for c in of_kind),
                                   CATEGORY_SEPARATOR.join(c.code for c in of_kind)))
        else:
            merged += of_kind
    return dataclasses.replace(std, categories=tuple(merged))


def one_category_per_pair(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    """Each name+code pair its own row, numbered within its kind; a category-split each row."""
    rows: list[Row] = []
    expected: list[Expected] = []
    for row in truth["standard_categories"]:
        names = row["name"].split(CATEGORY_SEPARATOR)
        codes = row["code"].split(CATEGORY_SEPARATOR)
        if len(codes) > 1:
            expected.append(("category-split", row["page_start"],
                             CATEGORY_LABELS[row["kind"]][0]))
        position = sum(1 for r in rows if r["kind"] == row["kind"])
        rows += [{**row, "position": position + i, "name": name, "code": code}
                 for i, (name, code) in enumerate(zip(names, codes, strict=True), start=1)]
    return {**truth, "standard_categories": rows}, expected
