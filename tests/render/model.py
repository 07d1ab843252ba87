"""A competency standard as plain structure: what a renderer lays out and what the truth is.

Renderers (``pdf_fast``, ``docx_route``) turn a ``Standard`` into a look-alike iCAP document; the
expected curated tables follow from the same ``Standard`` plus the pages the renderer placed each
piece of text on. Texts here are final text (already as the pipeline must output them).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Version:
    label: str  # V3
    code: str  # RTM1324-002v3
    name: str
    status: str  # 最新版本 / 歷史版本
    note: str  # 略 / 已被《…》取代
    date: str  # as printed, YYYY/MM/DD


@dataclass(frozen=True)
class Category:
    kind: str  # job_category / occupation / industry
    name: str
    code: str


@dataclass(frozen=True)
class Coded:
    """An item printed as code + text (output, indicator, K or S citation)."""

    code: str
    text: str


@dataclass(frozen=True)
class Task:
    code: str  # T1.1
    name: str
    level: str  # the level cell as printed
    outputs: tuple[Coded, ...]
    indicators: tuple[Coded, ...]
    knowledge: tuple[Coded, ...]
    skills: tuple[Coded, ...]


@dataclass(frozen=True)
class Duty:
    code: str  # T1
    name: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Attitude:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Standard:
    code: str  # RTM1324-002v4
    name: str
    name_kind: str  # 職業 / 職類
    description: str
    level: int | None
    versions: tuple[Version, ...]
    categories: tuple[Category, ...]
    duties: tuple[Duty, ...]
    attitudes: tuple[Attitude, ...]
    qualifications: tuple[str, ...]
    # Paragraphs of 其他補充說明; "title：text" explains the K/S item whose name is the title.
    supplementary: tuple[str, ...]
    is_historical: bool = False
    # Entries printed under a 相關所屬類別 heading after 其他補充說明 (one note each).
    related_categories: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return ("《歷史資料》" if self.is_historical else "") + self.name + "職能基準"


# ---------------------------------------------------------------- the laid-out document
# Pagination is decided once (``paginate``) and drawn by every renderer, so the pages each piece
# of text lands on are known: they are part of the truth the pipeline must reproduce.


@dataclass(frozen=True)
class TableRow:
    """One printed row. ``cells`` has one entry per grid column: text ("\\n" separates the cell's
    paragraphs), or None where the cell to its left spans over this column. ``merged_above``
    marks columns whose cell continues the cell above (no rule between them, e.g. 主要職責)."""

    cells: tuple[str | None, ...]
    merged_above: tuple[bool, ...] = ()
    # Tables drawn inside a cell, below its text: (column, rows of sub-cell texts).
    nested: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = ()


@dataclass(frozen=True)
class TableBlock:
    """A table, or the part of one that is printed on one page."""

    kind: str  # versions | profile | main | attitudes | notes
    header: tuple[TableRow, ...]  # header rows printed at the top of this part
    rows: tuple[TableRow, ...]
    widths: tuple[float, ...]  # column widths in points
    closed: bool = True  # a rule under the last row (False reproduces pdfplumber's silent loss)
    # Cells drawn right of the table's last column, beside one row: (index in rows, text, width).
    # A source layout error no header column covers (the cell-outside-columns variant).
    outside: tuple[tuple[int, str, float], ...] = ()


@dataclass(frozen=True)
class TextBlock:
    text: str
    style: str = "title"  # title (centred, larger) | body


@dataclass(frozen=True)
class PageLayout:
    number: int
    blocks: tuple[TableBlock | TextBlock, ...]


@dataclass(frozen=True)
class PagedDocument:
    """Every page with its content; renderers add the footer 第 N 頁，總共 M 頁 to each page."""

    pages: tuple[PageLayout, ...]
    footer_total: int | None = None  # printed M; None means the true page count


# Page geometry shared by every renderer (points; A4 portrait).
PAGE_WIDTH = 595.28
PAGE_HEIGHT = 841.89
MARGIN = 42.0
USABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_Y = 24.0  # baseline of 第 N 頁，總共 M 頁, from the bottom edge
