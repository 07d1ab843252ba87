"""Small typed records that stages pass to each other, and their JSON form in interim/.

Each interim file is one of these records dumped as JSON, so an analyst can open the step where
a row went wrong and a stage can be re-run alone.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """A data finding: collected, never raised. ``code`` is stable kebab-case."""

    code: str
    severity: Severity
    page: int | None
    where: str
    message: str


@dataclass(frozen=True)
class GridRow:
    """One printed table row (or text line) and the page it is printed on."""

    page: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class PageGrid:
    """The main-table rows printed on one page, header rows already dropped: ``header`` keeps
    them as printed (one or two rows) and ``columns`` the role each grid column's header names
    (None where no column header starts, e.g. under a spanned cell)."""

    page: int
    rows: tuple[GridRow, ...]
    header: tuple[tuple[str, ...], ...]
    columns: tuple[str | None, ...]


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    format: str
    page_count: int


@dataclass(frozen=True)
class ExtractedDocument:
    """Output of extract: the document's sections as cell grids with pages, nothing interpreted."""

    source: Source
    title: GridRow
    versions: tuple[GridRow, ...]
    profile: tuple[GridRow, ...]
    main: tuple[PageGrid, ...]
    attitudes: tuple[GridRow, ...]
    notes: tuple[GridRow, ...]
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Piece:
    """The part of one cell printed on one page."""

    text: str
    page: int


@dataclass(frozen=True)
class LogicalRow:
    """One row-group of the main table after stitching: each role's cell as pieces per page."""

    cells: dict[str, tuple[Piece, ...]]
    page_start: int
    page_end: int


@dataclass(frozen=True)
class StitchedDocument:
    """Output of stitch. ``columns``: the roles the main table's header names, in print order
    (a template without a 主要職責 column has no duty role)."""

    source: Source
    title: GridRow
    versions: tuple[GridRow, ...]
    profile: tuple[GridRow, ...]
    columns: tuple[str, ...]
    rows: tuple[LogicalRow, ...]
    attitudes: tuple[GridRow, ...]
    notes: tuple[GridRow, ...]
    findings: tuple[Finding, ...] = ()


Row = dict[str, Any]


@dataclass(frozen=True)
class TableSet:
    """Parsed tables of one document: curated tables by name plus internal ones (``_…``)."""

    source: Source
    tables: dict[str, list[Row]]
    findings: tuple[Finding, ...] = ()
    is_rejected: bool = False

    def with_findings(self, extra: list[Finding] | tuple[Finding, ...]) -> TableSet:
        return TableSet(self.source, self.tables, (*self.findings, *extra), self.is_rejected)


@dataclass(frozen=True)
class Item:
    """A coded item inside a cell, with the pages its text covers."""

    code: str  # canonical (P1.1.1)
    text: str
    page_start: int
    page_end: int
    code_as_printed: str | None = None  # the printed form when not canonical (`P.1.1.1`)


# ---------------------------------------------------------------- JSON round trip


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(**data)


def _grid_row(data: dict[str, Any]) -> GridRow:
    return GridRow(page=data["page"], cells=tuple(data["cells"]))


def _rows(data: list[dict[str, Any]]) -> tuple[GridRow, ...]:
    return tuple(_grid_row(r) for r in data)


def extracted_from_dict(data: dict[str, Any]) -> ExtractedDocument:
    return ExtractedDocument(
        source=Source(**data["source"]),
        title=_grid_row(data["title"]),
        versions=_rows(data["versions"]),
        profile=_rows(data["profile"]),
        main=tuple(PageGrid(g["page"], _rows(g["rows"]), tuple(tuple(r) for r in g["header"]),
                            tuple(g["columns"])) for g in data["main"]),
        attitudes=_rows(data["attitudes"]),
        notes=_rows(data["notes"]),
        findings=tuple(_finding(f) for f in data["findings"]),
    )


def stitched_from_dict(data: dict[str, Any]) -> StitchedDocument:
    return StitchedDocument(
        source=Source(**data["source"]),
        title=_grid_row(data["title"]),
        versions=_rows(data["versions"]),
        profile=_rows(data["profile"]),
        columns=tuple(data["columns"]),
        rows=tuple(
            LogicalRow(
                cells={k: tuple(Piece(**p) for p in v) for k, v in r["cells"].items()},
                page_start=r["page_start"],
                page_end=r["page_end"],
            )
            for r in data["rows"]
        ),
        attitudes=_rows(data["attitudes"]),
        notes=_rows(data["notes"]),
        findings=tuple(_finding(f) for f in data["findings"]),
    )


def tableset_from_dict(data: dict[str, Any]) -> TableSet:
    return TableSet(
        source=Source(**data["source"]),
        tables=data["tables"],
        findings=tuple(_finding(f) for f in data["findings"]),
        is_rejected=data["is_rejected"],
    )


def _fields(record: Any) -> dict[str, Any]:
    return vars(record) if hasattr(record, "__dict__") else asdict(record)


def write_json(record: Any, path: Path) -> None:
    """Write a record as stable JSON, one document per line: readable with any JSON viewer
    (`python -m json.tool`), and written by the C encoder, which `indent` would bypass —
    pretty-printing cost a tenth of a whole build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, ensure_ascii=False, default=_fields, separators=(",", ":"))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
