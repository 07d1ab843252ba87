"""A standard and its layout parameters as an engine-neutral document: paragraphs and tables.

Both engines (``docx_engine``, ``html_engine``) draw this same structure, so what differs
between them is only how each engine sets, breaks and paginates it. Nothing here decides pages:
the engine does. ``printed`` holds the exact string of every item as printed (code + text, with
any bullet), which is what ``locate`` looks for in the PDF to learn the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.layouts import forms
from tests.layouts.params import LayoutParams
from tests.render.model import Standard

ROLES = ("duty", "task", "output", "indicator", "level", "knowledge", "skill")
BODY_WORDS = {"task": "工作任務", "output": "工作產出", "indicator": "行為指標"}
VERSION_HEADER = ("版本", "職能基準代碼", "職能基準名稱", "狀態", "更新說明", "發展更新日期")
VERSION_WIDTHS = (0.07, 0.18, 0.18, 0.12, 0.3, 0.15)
PROFILE_WIDTHS = (0.17, 0.12, 0.44, 0.14, 0.13)
CATEGORY_LABELS = {"job_category": ("職類別", "職類別代碼"), "occupation": ("職業別", "職業別代碼"),
                   "industry": ("行業別", "行業別代碼")}
UP = "^"  # in a header spec: the cell above continues over this row


@dataclass(frozen=True)
class Cell:
    paragraphs: tuple[str, ...]
    span: int = 1
    merge: str = ""  # "" | "restart" (continues below) | "continue" (continues the one above)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    cant_split: bool = False


@dataclass(frozen=True)
class Table:
    kind: str  # versions | profile | main | attitudes | notes
    widths: tuple[float, ...]  # fractions of the text width
    header: tuple[Row, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # title | heading | body


@dataclass(frozen=True)
class Document:
    blocks: tuple[Table | Para, ...]
    title: str
    # Printed strings of each truth item, in reading order of their section (see ``locate``).
    printed: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False)


def _bulleted(text: str, bullet: str | None) -> str:
    if not bullet:
        return text
    return f"{bullet} {text}" if bullet == "-" else bullet + text


def _cells_of(row: tuple[str | None, ...]) -> tuple[Cell, ...]:
    """A header row spec (text, None spanned from the left, UP merged from above) as cells."""
    cells: list[Cell] = []
    for text in row:
        if text is None:
            last = cells[-1]
            cells[-1] = Cell(last.paragraphs, last.span + 1, last.merge)
        elif text == UP:
            cells.append(Cell((), 1, "continue"))
        else:
            cells.append(Cell(tuple(text.split("\n")), 1, ""))
    return tuple(cells)


def _starts(cells: list[Cell]) -> list[int]:
    out, col = [], 0
    for cell in cells:
        out.append(col)
        col += cell.span
    return out


def _restart_above(rows: list[tuple[Cell, ...]]) -> list[tuple[Cell, ...]]:
    """Mark each header cell that a cell below continues as a merge restart."""
    out = [list(r) for r in rows]
    for r in range(1, len(out)):
        for start, cell in zip(_starts(out[r]), out[r], strict=True):
            if cell.merge != "continue":
                continue
            for a, above_start in enumerate(_starts(out[r - 1])):
                above = out[r - 1][a]
                if above_start == start and above.merge != "continue":
                    out[r - 1][a] = Cell(above.paragraphs, above.span, "restart")
    return [tuple(r) for r in out]


def header_rows(params: LayoutParams) -> tuple[Row, ...]:
    """The main table's header as printed: one, two or three rows (see ``forms``)."""
    k_head, s_head = forms.K_HEADS[params.k_head], forms.S_HEADS[params.k_head]
    words = {
        "duty": params.duty_word,
        "task": forms.OLDER_TEMPLATE[1] if params.older_template else BODY_WORDS["task"],
        "output": BODY_WORDS["output"], "indicator": BODY_WORDS["indicator"],
        "level": params.level_word,
    }
    roles = ROLES if params.duty_column else ROLES[1:]
    first = [words[r] for r in roles[:-2]]
    if params.header_rows == 1:
        specs = [(*first, k_head, s_head)]
    elif params.header_rows == 2:
        lower_k, lower_s = forms.SPANNED_LOWER[params.spanned_lower]
        specs = [(*first, "職能內涵", None), (*[UP] * len(first), lower_k, lower_s)]
    else:
        # The level word split over two rows with a rule between (職能 / 級別), 職能內涵 over
        # 知識 / 技能 over their letters.
        paren = params.spanned_lower % 2 == 0
        k3, s3 = ("(K=knowledge)", "(S=skills)") if paren else ("K=knowledge", "S=skills")
        upper = [*first[:-1], "職能"]
        specs = [(*upper, "職能內涵", None),
                 (*[UP] * (len(first) - 1), "級別", "知識", "技能"),
                 (*[UP] * (len(first) - 1), UP, k3, s3)]
    rows = _restart_above([_cells_of(spec) for spec in specs])
    return tuple(Row(r) for r in rows)


def main_widths(params: LayoutParams) -> tuple[float, ...]:
    widths = list(params.widths)
    if params.narrow_level:
        widths[4] = 0.0  # set by the engines to one character plus padding
    if not params.duty_column:
        widths[1] += widths[0]
        widths = widths[1:]
    total = sum(widths)
    return tuple(w / total for w in widths)


def _item(code: str, text: str, bullet: str | None, space: str = "") -> str:
    return _bulleted(code + (space if code and text else "") + text, bullet)


def _main_rows(std: Standard, params: LayoutParams, printed: dict[tuple[str, ...], str]
               ) -> list[Row]:
    rows: list[Row] = []
    bullet, space = params.cell_bullet, params.code_space
    for duty in std.duties:
        for index, task in enumerate(duty.tasks):
            duty_text = _item(duty.code, duty.name, bullet, space)
            printed[("duty", duty.code)] = duty_text
            if params.duty_merged and len(duty.tasks) > 1:
                duty_cell = Cell((duty_text,) if index == 0 else (),
                                 merge="restart" if index == 0 else "continue")
            else:
                duty_cell = Cell((duty_text,))
            cells = {
                "duty": duty_cell,
                "task": Cell((_item(task.code, task.name, bullet, space),)),
                "output": Cell(tuple(_item(o.code, o.text, bullet, space)
                                     for o in task.outputs)),
                "indicator": Cell(tuple(_item(p.code, p.text, bullet, space)
                                        for p in task.indicators)),
                "level": Cell(tuple(task.level.split("\n")) if task.level else ()),
                "knowledge": Cell(tuple(_item(k.code, k.text, bullet, space)
                                        for k in task.knowledge)),
                "skill": Cell(tuple(_item(s.code, s.text, bullet, space) for s in task.skills)),
            }
            printed[("task", task.code)] = cells["task"].paragraphs[0]
            for role, items in (("output", task.outputs), ("indicator", task.indicators),
                                ("knowledge", task.knowledge), ("skill", task.skills)):
                for item in items:
                    printed[(role, task.code, item.code)] = _item(item.code, item.text, bullet,
                                                                  space)
            roles = ROLES if params.duty_column else ROLES[1:]
            rows.append(Row(tuple(cells[r] for r in roles)))
    return rows


def _front_matter(std: Standard, printed: dict[tuple[str, ...], str]) -> list[Table | Para]:
    versions = Table("versions", VERSION_WIDTHS, (Row(tuple(Cell((w,)) for w in VERSION_HEADER)),),
                     tuple(Row(tuple(Cell((t,) if t else ()) for t in (
                         v.label, v.code, v.name, v.status, v.note, v.date)), cant_split=True)
                           for v in std.versions))
    for v in std.versions:
        printed[("version", v.label)] = v.label + v.code
    rows = [
        Row((Cell(("職能基準代碼",)), Cell((std.code,), span=4))),
        Row((Cell(("職能基準名稱", "(擇一填寫)"), merge="restart"), Cell(("職類",)),
             Cell((std.name,) if std.name_kind == "職類" else (), span=3))),
        Row((Cell((), merge="continue"), Cell(("職業",)),
             Cell((std.name,) if std.name_kind == "職業" else (), span=3))),
    ]
    categories = [c for kind in CATEGORY_LABELS for c in std.categories if c.kind == kind]
    for i, category in enumerate(categories):
        label, code_label = CATEGORY_LABELS[category.kind]
        merge = ("restart" if len(categories) > 1 else "") if i == 0 else "continue"
        rows.append(Row((Cell(("所屬類別",) if i == 0 else (), merge=merge), Cell((label,)),
                         Cell((category.name,)), Cell((code_label,)), Cell((category.code,)))))
        printed[("category", category.kind, category.name, category.code)] = (
            label + category.name + code_label + category.code)
    rows.append(Row((Cell(("工作描述",)), Cell((std.description,) if std.description else (),
                                                span=4))))
    rows.append(Row((Cell(("基準級別",)), Cell((str(std.level),) if std.level else (), span=4))))
    return [versions, Table("profile", PROFILE_WIDTHS, (), tuple(rows))]


def _titled(kind: str, title: str, place: str, lines: list[str], widths: tuple[float, ...] = (1.0,),
            row_cells: list[tuple[str, ...]] | None = None) -> list[Table | Para]:
    """A back-matter section: ``lines`` one per row (or ``row_cells`` when several columns), its
    title as the table's first row, a paragraph above it or the left cell of every row."""
    cells = row_cells or [(line,) for line in lines]
    n = len(widths)
    if place == "cell":
        body = []
        for i, texts in enumerate(cells):
            merge = ("restart" if len(cells) > 1 else "") if i == 0 else "continue"
            title_cell = Cell((title,) if i == 0 else (), merge=merge)
            body.append(Row((title_cell, *(Cell((t,)) for t in texts))))
        side = 0.18
        return [Table(kind, (side, *(w * (1 - side) for w in widths)), (), tuple(body))]
    body = [Row(tuple(Cell((t,)) for t in texts), cant_split=True) for texts in cells]
    if place == "row":
        return [Table(kind, widths, (Row((Cell((title,), span=n),)),), tuple(body))]
    return [Para(title, "heading"), Table(kind, widths, (), tuple(body))]


def _lines_section(kind: str, title: str, place: str, lines: list[str]) -> list[Table | Para]:
    """Paragraphs (or bullet lines) under a title: the title as a paragraph, as a one-cell
    table's first row over one cell holding every line, or beside them in a left cell."""
    if place == "paragraph":
        return [Para(title, "heading"), *(Para(line) for line in lines)]
    if place == "row":
        return [Table(kind, (1.0,), (Row((Cell((title,)),)),), (Row((Cell(tuple(lines)),)),))]
    return [Table(kind, (0.18, 0.82), (), (Row((Cell((title,)), Cell(tuple(lines)))),))]


def _attitudes(std: Standard, params: LayoutParams, printed: dict[tuple[str, ...], str]
               ) -> list[Table | Para]:
    if not std.attitudes:
        return []
    colon = params.attitude_colon
    form, title, place = params.attitude_form, params.attitude_title, params.attitude_title_place
    if form == "oneline":
        parts = [a.code + a.name for a in std.attitudes]
        for i, part in enumerate(parts):
            printed[("attitude", str(i))] = part
        return _lines_section("attitudes", title, place, ["、".join(parts)])
    lines = []
    for i, a in enumerate(std.attitudes):
        text = a.code + a.name
        if form != "names" and a.description:
            text += colon + a.description
        if form == "bullets":
            text = _bulleted(text, params.back_bullet)
        printed[("attitude", str(i))] = text
        lines.append(text)
    if form in ("table1", "names"):
        return _titled("attitudes", title, place, lines)
    if form == "table2":
        row_cells = [(a.code + a.name, a.description) for a in std.attitudes]
        for i, a in enumerate(std.attitudes):
            printed[("attitude", str(i))] = a.code + a.name + a.description
        return _titled("attitudes", title, place, lines, (0.3, 0.7), row_cells)
    return _lines_section("attitudes", title, place, lines)


def _notes(std: Standard, params: LayoutParams, printed: dict[tuple[str, ...], str]
           ) -> list[Table | Para]:
    bullet = params.back_bullet if params.notes_form == "bullets" else None
    lines = [params.qualification_heading]
    for i, text in enumerate(std.qualifications):
        lines.append(_bulleted(text, bullet))
        printed[("note", "qualifications", str(i))] = lines[-1]
    lines.append(params.supplementary_heading)
    for i, text in enumerate(std.supplementary):
        lines.append(_bulleted(text, bullet))
        printed[("note", "supplementary", str(i))] = lines[-1]
    if std.related_categories:
        lines.append("相關所屬類別：")
        for i, text in enumerate(std.related_categories):
            lines.append(_bulleted(text, bullet))
            printed[("note", "related_categories", str(i))] = lines[-1]
    if params.notes_form == "table":
        return _titled("notes", params.notes_title, params.notes_title_place, lines)
    return _lines_section("notes", params.notes_title, params.notes_title_place, lines)


def build_document(std: Standard, params: LayoutParams) -> Document:
    """The document ``std`` prints as under ``params`` (the engine paginates it)."""
    printed: dict[tuple[str, ...], str] = {}
    blocks: list[Table | Para] = [Para(std.title, "title")]
    blocks += _front_matter(std, printed)
    header, body = header_rows(params), _main_rows(std, params, printed)
    if not params.repeat_header:
        # Printed as the table's first rows, not as header rows: not repeated on a new page.
        header, body = (), [*header, *body]
    blocks.append(Table("main", main_widths(params), header, tuple(body)))
    blocks += _attitudes(std, params, printed)
    blocks += _notes(std, params, printed)
    return Document(tuple(blocks), std.title, printed)
