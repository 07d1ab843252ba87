"""Extract: a source document → its sections as cell grids with page numbers.

Only this stage opens source documents. Nothing is interpreted here beyond recognising section
titles and header rows by their content; cells keep their text exactly as read.

Text exports carry no page numbers. The published PDF repeats the main-table header on every
page and restarts the attitude section's title after a page break, so each *repeated* header or
title starts the next page; page 1 holds everything before the first repetition.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from pipeline import headers
from pipeline.records import ExtractedDocument, Finding, GridRow, PageGrid, Source
from pipeline.severity import finding


class UnsupportedSource(Exception):
    """The file cannot be read as a competency standard; ``code`` is the finding code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def extract_text_export(text: str, source: Source) -> ExtractedDocument:
    """Split a text export into sections; rows keep the page they were printed on."""
    title: GridRow | None = None
    versions: list[GridRow] = []
    profile: list[GridRow] = []
    pages: list[tuple[int, list[GridRow]]] = []
    attitudes: list[GridRow] = []
    notes: list[GridRow] = []
    findings: list[Finding] = []
    header_rows: list[tuple[tuple[str, ...], ...]] = []
    columns: list[tuple[str | None, ...]] = []

    page = 1
    section = "start"
    seen_attitude_title = False
    lines = [(n, line.rstrip("\r")) for n, line in enumerate(text.split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line.strip()]
    skip = 0
    for index, (line_no, line) in enumerate(lines):
        if skip:
            skip -= 1
            continue
        cells = line.split("\t")
        following = [next_line.split("\t") for _n, next_line in lines[index + 1:index + 4]]
        header = headers.classify_header(cells, *following)
        kind = header.kind if header else None
        if header is not None and kind == "main":
            if pages:
                page += 1
            pages.append((page, []))
            printed = [cells, *following][:header.rows]
            header_rows.append(tuple(tuple(row) for row in printed))
            columns.append(header.columns)
            skip = header.rows - 1  # a header's lower lines are not table rows
            section = "main"
        elif kind == "attitudes":
            if seen_attitude_title:
                page += 1
            seen_attitude_title = True
            section = "attitudes"
        elif kind == "notes":
            section = "notes"
        elif kind == "versions":
            section = "versions"
        elif section in ("start", "versions") and kind == "profile":
            section = "profile"
            profile.append(GridRow(page, tuple(cells)))
        elif section == "start" and title is None:
            title = GridRow(page, (line.strip(),))
        elif section == "versions":
            versions.append(GridRow(page, tuple(cells)))
        elif section == "profile":
            profile.append(GridRow(page, tuple(cells)))
        elif section == "main":
            # A cell past the header's last column (6 or 7 of them, on one or two lines).
            row_no = sum(len(rows) for _, rows in pages) + 1
            named = [j for j, role in enumerate(columns[-1]) if role is not None]
            findings += outside_columns(list(enumerate(cells))[named[-1] + 1:], len(named),
                                        page, row_no)
            pages[-1][1].append(GridRow(page, tuple(cells)))
        elif section == "attitudes":
            attitudes.append(GridRow(page, tuple(cells)))
        elif section == "notes":
            notes.append(GridRow(page, tuple(cells)))
        else:
            findings.append(finding("uncovered-text", page, f"line {line_no}",
                                    f"text outside any known section: {line.strip()[:60]!r}"))

    if title is None:
        findings.append(finding("missing-title", 1, "title",
                                "no document title line before the version table"))
        title = GridRow(1, ("",))
    findings += section_findings(bool(versions), bool(profile), bool(pages), bool(attitudes),
                                 bool(notes))
    return ExtractedDocument(
        source=Source(source.file, source.sha256, source.format, page),
        title=title,
        versions=tuple(versions),
        profile=tuple(profile),
        main=tuple(PageGrid(p, tuple(rows), header, roles)
                   for (p, rows), header, roles in zip(pages, header_rows, columns, strict=True)),
        attitudes=tuple(attitudes),
        notes=tuple(notes),
        findings=tuple(findings),
    )


def outside_columns(cells: list[tuple[int, str]], width: int, page: int,
                    row_no: int) -> list[Finding]:
    """Text in main-table cells (column index, text) that lie under none of the header's
    ``width`` columns (past its last in a text export, under no header cell in a PDF): no role
    can be given to it, so each is an error located by page, row (counted over the whole main
    table, as stitch counts) and column. The cell itself is kept as read (extract interprets
    nothing); the error alone rejects the document."""
    return [
        finding("cell-outside-columns", page, f"row {row_no} column {column + 1}",
                f"a cell outside the main table's {width} header columns: {text.strip()[:40]!r}")
        for column, text in cells if text.strip()
    ]


def section_findings(has_versions: bool, has_profile: bool, has_main: bool,
                     has_attitudes: bool, has_notes: bool) -> list[Finding]:
    """Which sections are missing, said once: not a standard at all, cut off, or one missing."""
    if not (has_versions or has_profile or has_main):
        return [finding("not-a-standard", None, "document",
                        "no version table, profile or main table: not a competency standard")]
    findings = [
        finding("missing-section", None, name, f"the {name} was not found")
        for name, present in (("version table", has_versions), ("profile", has_profile),
                              ("main table", has_main))
        if not present
    ]
    if has_main and not (has_attitudes or has_notes):
        findings.append(finding("document-truncated", None, "document",
                                "nothing follows the main table (no attitude or notes section): "
                                "the document is cut off"))
    elif not has_attitudes:
        findings.append(finding("missing-section", None, "attitudes",
                                "no attitude section (職能內涵 A=attitude 態度)", as_warning=True))
    return findings


def sniff_format(data: bytes) -> str:
    """What the bytes are, whatever the file's extension says: pdf, text, zip, html or binary."""
    head = data.lstrip()[:512]
    if head[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    lowered = head.lstrip(b"\xef\xbb\xbf").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return "html"
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return "binary"
    return "text"


def decode_text_export(data: bytes) -> tuple[str, list[Finding]]:
    """The text of an export, and a warning for anything that had to be converted.

    UTF-8 is expected; a UTF-8 byte-order mark, UTF-16 (with its mark), Big5 (cp950) and CRLF
    line ends are converted and reported; anything else is refused with the reason.
    """
    findings: list[Finding] = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:3] == b"\xef\xbb\xbf":
        utf16 = data[:2] != b"\xef\xbb"
        try:
            text = data.decode("utf-16") if utf16 else data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsupportedSource(
                "unknown-encoding", f"marked as {'UTF-16' if utf16 else 'UTF-8'} but not valid "
                f"{'UTF-16' if utf16 else 'UTF-8'} (byte {exc.start}): damaged or truncated?"
            ) from exc
        findings.append(finding("encoding-converted", None, "encoding",
                                "UTF-16 text converted to UTF-8") if utf16 else
                        finding("bom-removed", None, "encoding",
                                "UTF-8 byte-order mark removed"))
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as utf8_error:
            try:
                text = data.decode("cp950")
            except UnicodeDecodeError:
                raise UnsupportedSource(
                    "unknown-encoding",
                    f"not UTF-8, UTF-16 or Big5 text (byte {utf8_error.start}: "
                    f"{data[utf8_error.start:utf8_error.start + 2]!r})") from utf8_error
            findings.append(finding("encoding-converted", None, "encoding",
                                    "Big5 (cp950) text converted to UTF-8"))
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
        findings.append(finding("crlf-line-ends", None, "encoding",
                                "CRLF line ends converted to LF"))
    return text, findings


_NOT_A_SOURCE = {
    "zip": "a ZIP container (a DOCX or XLSX file?), not a PDF or text export",
    "html": "an HTML/XML page, not a PDF or text export",
    "binary": "a binary file, not a PDF or text export",
}


def extract_file(path: Path) -> ExtractedDocument:
    """Read one source file from raw/ (never modified) and extract it."""
    data = path.read_bytes()
    if not data:
        raise UnsupportedSource("empty-file", "empty file (0 bytes)")
    fmt = sniff_format(data)
    if fmt in _NOT_A_SOURCE:
        raise UnsupportedSource("wrong-format", _NOT_A_SOURCE[fmt])
    source = Source(path.name, hashlib.sha256(data).hexdigest(), fmt, 0)
    if fmt == "pdf":
        from pipeline.extract_pdf import UnreadablePdf, extract_pdf  # pdfplumber only for PDFs

        try:
            return extract_pdf(path, source)
        except UnreadablePdf as exc:
            raise UnsupportedSource(exc.code, str(exc)) from exc
    text, findings = decode_text_export(data)
    doc = extract_text_export(text, source)
    return dataclasses.replace(doc, findings=(*findings, *doc.findings))
