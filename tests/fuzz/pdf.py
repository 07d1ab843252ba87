"""A PDF as its numbered objects, for structure-aware mutations.

Enough of the file format to take a classic PDF (a cross-reference table, as reportlab,
LibreOffice and pypdf write them) apart at its object boundaries, change objects, and write it
back with a correct cross-reference table — so that a mutation tests what it means to (a damaged
font, a page off its MediaBox) rather than only pdfminer's recovery from stale offsets. Mutations
that are about the file's structure (truncation, a damaged xref) work on the original bytes.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_TRAILER = re.compile(rb"trailer\s*(<<.*?>>)\s*startxref", re.S)
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\r?\n")


class NotClassicPdf(ValueError):
    """The PDF has no classic cross-reference table (a cross-reference stream, or none)."""


@dataclass
class PdfObject:
    number: int
    generation: int
    body: bytes  # between "N G obj" and "endobj", white space kept

    @property
    def is_stream(self) -> bool:
        return b"stream" in self.body and b"endstream" in self.body

    def dictionary(self) -> bytes:
        """The object's dictionary (for a stream, the one before its data)."""
        end = self.body.find(b"stream") if self.is_stream else len(self.body)
        return self.body[:end]

    def raw_stream(self) -> bytes:
        start = self.body.index(b"stream") + len(b"stream")
        if self.body[start:start + 2] == b"\r\n":
            start += 2
        elif self.body[start:start + 1] in (b"\n", b"\r"):
            start += 1
        end = self.body.rindex(b"endstream")
        data = self.body[start:end]
        return data[:-1] if data.endswith(b"\n") else data

    def filters(self) -> list[bytes]:
        match = re.search(rb"/Filter\s*(/\w+|\[[^\]]*\])", self.dictionary())
        return re.findall(rb"/(\w+)", match.group(1)) if match else []

    def stream(self) -> bytes:
        """The stream's data decoded (ASCII85 and Flate, as reportlab and LibreOffice write
        them); a filter this does not know leaves the data as stored."""
        data = self.raw_stream()
        for name in self.filters():
            if name == b"ASCII85Decode":
                data = base64.a85decode(data.strip().removesuffix(b"~>"), ignorechars=b" \t\r\n")
            elif name == b"FlateDecode":
                data = zlib.decompressobj().decompress(data)
            else:
                break
        return data

    def set_stream(self, data: bytes, compress: bool = True) -> None:
        """New stream data; /Length made direct, /Filter FlateDecode or none."""
        head = self.dictionary()
        head = re.sub(rb"/Length\s+\d+\s+\d+\s+R", b"", head)
        head = re.sub(rb"/Length\s+\d+", b"", head)
        head = re.sub(rb"/Filter\s*(/\w+|\[[^\]]*\])", b"", head)
        head = re.sub(rb"/DecodeParms\s*<<[^>]*>>", b"", head)
        stored = zlib.compress(data) if compress else data
        extra = b"/Length %d" % len(stored) + (b"/Filter/FlateDecode" if compress else b"")
        head = head.rstrip()
        head = head[:head.rindex(b">>")] + extra + b">>"
        self.body = head + b"\nstream\n" + stored + b"\nendstream\n"

    def set_dictionary(self, head: bytes) -> None:
        if self.is_stream:
            self.body = head + self.body[len(self.dictionary()):]
        else:
            self.body = head


@dataclass
class Pdf:
    """The objects of a classic PDF in file order, its header and trailer dictionary."""

    header: bytes
    objects: list[PdfObject]
    trailer: bytes
    boundaries: list[int] = field(default_factory=list)  # end offset of each object, original

    def get(self, number: int) -> PdfObject:
        return next(o for o in reversed(self.objects) if o.number == number)

    def next_number(self) -> int:
        return max(o.number for o in self.objects) + 1

    def pages(self) -> list[PdfObject]:
        return [o for o in self.objects
                if re.search(rb"/Type\s*/Page(?![s\w])", o.dictionary())]

    def page_tree(self) -> PdfObject:
        return next(o for o in self.objects if re.search(rb"/Type\s*/Pages\b", o.dictionary()))

    def to_bytes(self) -> bytes:
        """The file with a fresh cross-reference table (one entry per object number, the last
        definition of a number winning, as readers take it)."""
        out = bytearray(self.header)
        offsets: dict[int, tuple[int, int]] = {}
        for obj in self.objects:
            if not out.endswith(b"\n"):
                out += b"\n"
            offsets[obj.number] = (len(out), obj.generation)
            out += b"%d %d obj" % (obj.number, obj.generation) + obj.body + b"endobj\n"
        size = max(offsets, default=0) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            if number in offsets:
                out += b"%010d %05d n \n" % offsets[number]
            else:
                out += b"0000000000 00000 f \n"
        trailer = re.sub(rb"/Size\s+\d+", b"/Size %d" % size, self.trailer)
        trailer = re.sub(rb"/Prev\s+\d+", b"", trailer)
        out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def parse(data: bytes) -> Pdf:
    """Take a classic PDF apart at its objects (offsets from its cross-reference table)."""
    found = _STARTXREF.findall(data)
    if not found:
        raise NotClassicPdf("no startxref")
    xref = int(found[-1])
    if data[xref:xref + 4] != b"xref":
        raise NotClassicPdf("the cross-reference is a stream")
    trailer = _TRAILER.search(data, xref)
    if trailer is None:
        raise NotClassicPdf("no trailer")
    starts = sorted(m.start() for m in _OBJ.finditer(data, 0, xref)
                    if m.start() == 0 or data[m.start() - 1:m.start()] in b"\r\n ")
    objects, boundaries = [], []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else xref
        chunk = data[start:end]
        head = _OBJ.match(chunk)
        assert head is not None
        close = chunk.rfind(b"endobj")
        objects.append(PdfObject(int(head.group(1)), int(head.group(2)),
                                 chunk[head.end():close]))
        boundaries.append(start + close + len(b"endobj"))
    return Pdf(data[:starts[0]] if starts else data[:xref], objects, trailer.group(1),
               boundaries)


def xref_span(data: bytes) -> tuple[int, int]:
    """Where the last cross-reference table and its trailer lie in the file."""
    xref = int(_STARTXREF.findall(data)[-1])
    return xref, len(data)


def content_streams(pdf: Pdf, page: PdfObject) -> list[PdfObject]:
    """A page's content stream objects (/Contents N 0 R or an array of them)."""
    head = page.dictionary()
    match = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", head)
    if match is None:
        return []
    numbers = [int(n) for n in re.findall(rb"(\d+)\s+\d+\s+R", match.group(1))]
    return [pdf.get(n) for n in numbers if any(o.number == n for o in pdf.objects)]


def set_entry(head: bytes, key: bytes, value: bytes) -> bytes:
    """A dictionary with ``/key value`` set (replacing a simple value or array it had)."""
    pattern = rb"/" + key + rb"(?![\w])\s*(\[[^\]]*\]|/\w+|-?[\d.]+(?:\s+\d+\s+R)?|\([^)]*\))"
    if re.search(pattern, head):
        return re.sub(pattern, lambda _m: b"/" + key + b" " + value, head, count=1)
    start = head.index(b"<<") + 2
    return head[:start] + b"/" + key + b" " + value + head[start:]


def remove_entry(head: bytes, key: bytes) -> bytes:
    pattern = rb"/" + key + rb"(?![\w])\s*(\[[^\]]*\]|/\w+|-?[\d.]+(?:\s+\d+\s+R)?|\([^)]*\))"
    return re.sub(pattern, b"", head, count=1)


def page_box(pdf: Pdf, page: PdfObject, key: bytes = b"MediaBox") -> list[float]:
    """A page's box, inherited from the page tree when the page has none."""
    for obj in (page, pdf.page_tree()):
        match = re.search(rb"/" + key + rb"\s*\[([^\]]*)\]", obj.dictionary())
        if match:
            return [float(v) for v in match.group(1).split()]
    return [0.0, 0.0, 595.0, 842.0]
