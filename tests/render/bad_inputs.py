"""Bad inputs the platform (or a half-finished download) can hand an analyst, made on demand.

Each maker returns the bytes of one file; ``BAD_INPUTS`` names each with the file name it gets in
raw/ and the finding the pipeline must answer it with. Generated rather than committed so each
fixture's construction is readable here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from pipeline.extract import extract_file
from tests.conftest import SAMPLE
from tests.render import pdf_fast
from tests.render.model import PAGE_HEIGHT, PAGE_WIDTH
from tests.render.sample_layout import sample_layout


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def sample_pdf() -> bytes:
    """The sample as a fast-route PDF."""
    return pdf_fast.render_fast(sample_layout(extract_file(SAMPLE)))


def encrypted_sample_pdf(user_password: str) -> bytes:
    """The sample PDF encrypted (AES-128) the way PDF tools do it; an empty user password opens
    without asking, as many published PDFs do to forbid copying rather than reading."""
    writer = PdfWriter(clone_from=io.BytesIO(sample_pdf()))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cid_only_pdf() -> bytes:
    """A PDF whose fonts map glyphs to no Unicode text (pdfminer reads `(cid:1608)`): here the
    sample encrypted by reportlab, whose encrypted CID-font dictionaries pdfminer cannot use."""
    paged = sample_layout(extract_file(SAMPLE))
    original = canvas.Canvas

    def encrypting(*args: object, **kwargs: object) -> canvas.Canvas:
        kwargs["encrypt"] = pdfencrypt.StandardEncryption("", ownerPassword="owner")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    pdf_fast.canvas.Canvas = encrypting  # type: ignore[misc]
    try:
        return pdf_fast.render_fast(paged)
    finally:
        pdf_fast.canvas.Canvas = original  # type: ignore[misc]


def _pdf(draw: Callable[[canvas.Canvas], None]) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
    draw(c)
    c.showPage()
    c.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A scan: shapes and no text layer at all."""
    def draw(c: canvas.Canvas) -> None:
        for i in range(20):
            c.rect(50 + i * 5, 700 - i * 20, 400, 12, fill=1)
    return _pdf(draw)


def not_a_standard_pdf() -> bytes:
    """A perfectly good PDF of something else (minutes of a meeting)."""
    pdf_fast.register_font()

    def draw(c: canvas.Canvas) -> None:
        c.setFont(pdf_fast.FONT, 12)
        c.drawString(60, 760, "會議紀錄")
        c.drawString(60, 740, "時間：2025年1月5日　地點：第一會議室")
    return _pdf(draw)


def runaway_pdf() -> bytes:
    """A content stream large enough to keep the parser busy far beyond a short time limit."""
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 1)
        for i in range(60_000):
            c.drawString(10 + (i % 500), 10 + (i // 500) % 800, "x")
    return _pdf(draw)


def off_page_border_pdf() -> bytes:
    """A PDF as wkhtmltopdf prints one (issue #15): a tall table's border drawn as one rectangle
    running off the bottom of the page, which clips it, so pdfplumber finds a table reaching
    below the page. The sample under a code of its own (WKH0001-001v4), claiming none of the
    sample's rows."""
    from pipeline.extract import extract_text_export
    from pipeline.records import Source

    text = sample_text().replace("RTM1324-002", "WKH0001-001")
    paged = sample_layout(extract_text_export(text, Source("wk.txt", "", "text", 0)))
    writer = PdfWriter(clone_from=io.BytesIO(pdf_fast.render_fast(paged)))
    for page in writer.pages:
        border = io.BytesIO()
        c = canvas.Canvas(border, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
        # The main table's outline on page 1 (x 42–553.28, top 354 pt from the page's top), on
        # down to 1,850 pt: 1,000 pt below the page.
        c.rect(42, -1008, 511.28, PAGE_HEIGHT - 354 + 1008, stroke=1, fill=0)
        c.showPage()
        c.save()
        page.merge_page(PdfReader(io.BytesIO(border.getvalue())).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@dataclass(frozen=True)
class BadInput:
    file: str
    make: Callable[[], bytes]
    code: str  # the finding the pipeline answers with
    severity: str  # error: rejected; warning: converted all the same


BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput("empty.txt", lambda: b"", "empty-file", "error"),
    BadInput("truncated.pdf", lambda: sample_pdf()[:2000], "unreadable-source", "error"),
    BadInput("locked.pdf", lambda: encrypted_sample_pdf("secret"), "encrypted-pdf", "error"),
    BadInput("RTM1324-002v4-open.pdf", lambda: encrypted_sample_pdf(""), "encrypted-pdf",
             "warning"),
    BadInput("scan.pdf", image_only_pdf, "no-text-layer", "error"),
    BadInput("no-unicode.pdf", cid_only_pdf, "undecodable-text", "error"),
    BadInput("minutes.pdf", not_a_standard_pdf, "not-a-standard", "error"),
    BadInput("word.pdf", docx_bytes, "wrong-format", "error"),
    BadInput("page.pdf", lambda: b"<!DOCTYPE html><html><body>404</body></html>",
             "wrong-format", "error"),
    BadInput("big5.txt", lambda: sample_text().encode("cp950"), "encoding-converted", "warning"),
    BadInput("utf16.txt", lambda: sample_text().encode("utf-16"), "encoding-converted",
             "warning"),
    BadInput("bom.txt", lambda: b"\xef\xbb\xbf" + sample_text().encode("utf-8"), "bom-removed",
             "warning"),
    BadInput("crlf.txt", lambda: sample_text().replace("\n", "\r\n").encode("utf-8"),
             "crlf-line-ends", "warning"),
    BadInput("latin1.txt", lambda: "Caf\xe9 na\xefve \xff\xfe".encode("latin-1") * 3,
             "unknown-encoding", "error"),
    BadInput("no-profile.txt", lambda: "\n".join(
        line for line in sample_text().split("\n")
        if not line.startswith(("職能基準代碼\tRTM", "職能基準名稱", "\t職業", "所屬類別", "\t職",
                                "\t行業", "工作描述", "基準級別"))).encode("utf-8"),
             "missing-section", "error"),
    BadInput("cut-off.txt", lambda: sample_text()[: sample_text().index("T2評估")].encode(),
             "document-truncated", "error"),
    BadInput("report.docx", docx_bytes, "wrong-format", "error"),
    BadInput("half-utf16.txt", lambda: sample_text().encode("utf-16")[:-1], "unknown-encoding",
             "error"),
    BadInput("inject';touch${IFS}PWNED;'.txt", lambda: b"hello", "not-a-standard", "error"),
    BadInput("bad-date.txt", lambda: sample_text().replace(
        "最新版本\t略\t2025/12/15", "最新版本\t略\t2025/02/30").encode("utf-8"),
             "malformed-date", "error"),
    BadInput("unsafe-code.txt", lambda: sample_text().replace(
        "職能基準代碼\tRTM1324-002v4", "職能基準代碼\t../../etc/passwd").encode("utf-8"),
             "malformed-standard-code", "error"),
)
