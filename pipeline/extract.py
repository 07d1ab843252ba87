"""Extract: a source document → its sections as cell grids with page numbers.

Only this stage opens source documents. Nothing is interpreted here beyond recognising section
titles and header rows by their content; cells keep their text exactly as read.

Text exports carry no page numbers. The published PDF repeats the main-table header on every
page and restarts the attitude section's title after a page break, so each *repeated* header or
title starts the next page; page 1 holds everything before the first repetition.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import layout
from pipeline.records import ExtractedDocument, Finding, GridRow, PageGrid, Source


class UnsupportedSource(Exception):
    """The file is not a format this pipeline reads (yet); the message says why."""


def _is_main_header(cells: list[str]) -> bool:
    squashed = [layout.squash(c) for c in cells if c.strip()]
    expected = [aliases for aliases in layout.MAIN_HEADER.values()]
    return len(squashed) == len(expected) and all(
        s in aliases for s, aliases in zip(squashed, expected, strict=True)
    )


def _is_version_header(cells: list[str]) -> bool:
    return tuple(layout.squash(c) for c in cells) == layout.VERSION_HEADER


def extract_text_export(text: str, source: Source) -> ExtractedDocument:
    """Split a text export into sections; rows keep the page they were printed on."""
    title: GridRow | None = None
    versions: list[GridRow] = []
    profile: list[GridRow] = []
    pages: list[tuple[int, list[GridRow]]] = []
    attitudes: list[GridRow] = []
    notes: list[GridRow] = []
    findings: list[Finding] = []

    page = 1
    section = "start"
    seen_attitude_title = False
    for line_no, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split("\t")
        squashed = layout.squash(line)
        if _is_main_header(cells):
            if pages:
                page += 1
            pages.append((page, []))
            section = "main"
        elif squashed == layout.ATTITUDE_TITLE:
            if seen_attitude_title:
                page += 1
            seen_attitude_title = True
            section = "attitudes"
        elif squashed == layout.NOTES_TITLE:
            section = "notes"
        elif _is_version_header(cells):
            section = "versions"
        elif section in ("start", "versions") and layout.squash(cells[0]) == layout.PROFILE_CODE:
            section = "profile"
            profile.append(GridRow(page, tuple(cells)))
        elif section == "start" and title is None:
            title = GridRow(page, (line.strip(),))
        elif section == "versions":
            versions.append(GridRow(page, tuple(cells)))
        elif section == "profile":
            profile.append(GridRow(page, tuple(cells)))
        elif section == "main":
            pages[-1][1].append(GridRow(page, tuple(cells)))
        elif section == "attitudes":
            attitudes.append(GridRow(page, tuple(cells)))
        elif section == "notes":
            notes.append(GridRow(page, tuple(cells)))
        else:
            findings.append(Finding("uncovered-text", "error", page, f"line {line_no}",
                                    f"text outside any known section: {line.strip()[:60]!r}"))

    if title is None:
        findings.append(Finding("missing-title", "error", 1, "title",
                                "no document title line before the version table"))
        title = GridRow(1, ("",))
    for name, rows in (("version table", versions), ("profile", profile), ("main table", pages)):
        if not rows:
            findings.append(Finding("missing-section", "error", None, name,
                                    f"the {name} was not found"))
    return ExtractedDocument(
        source=Source(source.file, source.sha256, source.format, page),
        title=title,
        versions=tuple(versions),
        profile=tuple(profile),
        main=tuple(PageGrid(p, tuple(rows)) for p, rows in pages),
        attitudes=tuple(attitudes),
        notes=tuple(notes),
        findings=tuple(findings),
    )


def sniff_format(data: bytes) -> str:
    """pdf or text, by content rather than by the file's extension."""
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    return "text"


def decode_text_export(data: bytes, file_name: str) -> str:
    """UTF-8 (a BOM is accepted); anything else is refused with the reason."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedSource(
            f"not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 2]!r})"
        ) from exc


def extract_file(path: Path) -> ExtractedDocument:
    """Read one source file from raw/ (never modified) and extract it."""
    data = path.read_bytes()
    if not data:
        raise UnsupportedSource("empty file")
    fmt = sniff_format(data)
    source = Source(path.name, hashlib.sha256(data).hexdigest(), fmt, 0)
    if fmt == "pdf":
        from pipeline.extract_pdf import UnreadablePdf, extract_pdf  # pdfplumber only for PDFs

        try:
            return extract_pdf(path, source)
        except UnreadablePdf as exc:
            raise UnsupportedSource(str(exc)) from exc
    return extract_text_export(decode_text_export(data, path.name), source)
