"""Structure-aware mutations of PDFs and text exports: each a function of a seeded RNG and a
base input, returning the mutant's bytes and what was done (to reproduce or read a failure).

PDF mutations work on the objects (pipeline-independent: ``tests.fuzz.pdf``) — truncation at
an object boundary, bytes flipped in a decoded content stream or in the cross-reference table,
objects dropped or duplicated, damaged fonts and ToUnicode maps, page boxes from the wild
(off-page tables, negative coordinates, rotation, CropBox ≠ MediaBox, zero-size and enormous
pages), empty pages, 200+ pages, encryption with and without a password. Text mutations cover
every text encoding a platform or an editor could produce, and damaged lines, cells and bytes.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.fuzz.bases import Base
from tests.fuzz.pdf import (
    NotClassicPdf,
    Pdf,
    PdfObject,
    content_streams,
    page_box,
    parse,
    remove_entry,
    set_entry,
    xref_span,
)

Mutation = tuple[bytes, str]


def _flip(rng: random.Random, data: bytes, count: int) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _page(rng: random.Random, pdf: Pdf) -> PdfObject:
    return rng.choice(pdf.pages())


def _content(rng: random.Random, pdf: Pdf) -> PdfObject | None:
    streams = [s for p in pdf.pages() for s in content_streams(pdf, p)]
    return rng.choice(streams) if streams else None


# ------------------------------------------------------------------ PDF: the file's structure


def truncate_at_object(rng: random.Random, data: bytes, pdf: Pdf) -> Mutation:
    """Cut right after an object, as an interrupted download stops (the campaign also cuts
    every base at every boundary in turn: see ``campaign.generate``)."""
    k = rng.randrange(len(pdf.boundaries))
    return data[:pdf.boundaries[k]], f"truncated after object {k + 1} of {len(pdf.boundaries)}"


def truncate_anywhere(rng: random.Random, data: bytes, _pdf: Pdf) -> Mutation:
    at = rng.randrange(1, len(data))
    return data[:at], f"truncated at byte {at} of {len(data)}"


def flip_xref(rng: random.Random, data: bytes, _pdf: Pdf) -> Mutation:
    start, end = xref_span(data)
    count = rng.choice((1, 3, 10, 40))
    region = _flip(rng, data[start:end], count)
    return data[:start] + region + data[end:], f"{count} byte(s) flipped in xref/trailer"


def drop_object(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    victim = rng.choice(pdf.objects)
    pdf.objects = [o for o in pdf.objects if o is not victim]
    return pdf.to_bytes(), f"object {victim.number} dropped"


def duplicate_object(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """An object defined twice (the later, damaged copy wins in the xref), or a page listed
    twice in the page tree."""
    if rng.random() < 0.5:
        page = _page(rng, pdf)
        tree = pdf.page_tree()
        head = tree.dictionary().replace(b"/Kids[", b"/Kids[%d 0 R " % page.number, 1)
        head = head.replace(b"/Kids [", b"/Kids [%d 0 R " % page.number, 1)
        tree.set_dictionary(head)
        return pdf.to_bytes(), f"page object {page.number} listed twice in /Kids"
    victim = rng.choice(pdf.objects)
    copy = PdfObject(victim.number, victim.generation, _flip(rng, victim.body, 3))
    pdf.objects.insert(rng.randrange(len(pdf.objects) + 1), copy)
    return pdf.to_bytes(), f"object {victim.number} defined twice (second copy damaged)"


def flip_raw_stream(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    streams = [o for o in pdf.objects if o.is_stream]
    victim = rng.choice(streams)
    data = victim.raw_stream()
    count = rng.choice((1, 5, 50))
    victim.body = victim.body.replace(data, _flip(rng, data, count), 1)
    return pdf.to_bytes(), f"{count} byte(s) flipped in the stored stream of object {victim.number}"


# ------------------------------------------------------------------ PDF: content streams

_GARBAGE_OPERATIONS = (
    b"q " * 500,  # unbalanced save
    b"Q Q Q Q",  # restore with nothing saved
    b"1e308 0 0 1e308 0 0 cm",  # an enormous transformation
    b"0 0 0 0 0 0 cm",  # a singular one
    b"BT /F999 12 Tf 10 10 Td (missing font) Tj ET",
    b"BT 12 Tf (no font name) Tj ET",
    b"/Im999 Do",  # an XObject that does not exist
    b"BT /F1 1e30 Tf 1e30 1e30 Td (huge) Tj ET",
    b"BT /F1 -12 Tf (negative size) Tj ET",
    b"10 10 m 1e9 1e9 l S",
    b"-1e9 -1e9 2e9 2e9 re f",
    b"[1 2 3 ] 0 d 0 0 m 100 100 l S",
    b"(unterminated string",
    b"<4142 Tj",
    b"1 2 3 4 5 6 7 8 9 10 11 12",
    b"BT ET ET BT",
    b"0 0 595 842 re W n",
    b"BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI",
)


def flip_content(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    stream = _content(rng, pdf)
    if stream is None:
        return pdf.to_bytes(), "no content stream to flip"
    count = rng.choice((1, 2, 5, 20, 100))
    stream.set_stream(_flip(rng, stream.stream(), count))
    return pdf.to_bytes(), f"{count} byte(s) flipped in content stream {stream.number}"


def splice_content(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """Operators inserted, a range of operators deleted or repeated."""
    stream = _content(rng, pdf)
    if stream is None:
        return pdf.to_bytes(), "no content stream to splice"
    data = stream.stream()
    lines = data.split(b"\n")
    how = rng.randrange(3)
    at = rng.randrange(len(lines) + 1)
    if how == 0:
        operation = rng.choice(_GARBAGE_OPERATIONS)
        lines.insert(at, operation)
        what = f"inserted {operation[:30]!r}"
    elif how == 1:
        span = rng.randrange(1, 50)
        del lines[at:at + span]
        what = f"deleted {span} line(s)"
    else:
        span = rng.randrange(1, 30)
        lines[at:at] = lines[at:at + span] * rng.randrange(2, 20)
        what = f"repeated {span} line(s)"
    stream.set_stream(b"\n".join(lines))
    return pdf.to_bytes(), f"content stream {stream.number}: {what}"


def off_page_border(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """What wkhtmltopdf prints: a table's border as one rectangle running off the page (the page
    clips it), so that a table reaches below (or above) the page."""
    page = _page(rng, pdf)
    x0, y0, x1, y1 = page_box(pdf, page)
    left, right = x0 + 0.07 * (x1 - x0), x1 - 0.07 * (x1 - x0)
    top = y0 + rng.uniform(0.3, 0.9) * (y1 - y0)
    reach = rng.choice((-1000.0, -5000.0, y1 + 1000.0))
    rect = b"q 0.5 w %.2f %.2f %.2f %.2f re S Q" % (left, min(reach, top), right - left,
                                                    abs(top - reach))
    streams = content_streams(pdf, page)
    if not streams:
        return pdf.to_bytes(), "no content stream for a border"
    streams[-1].set_stream(streams[-1].stream() + b"\n" + rect + b"\n")
    return pdf.to_bytes(), f"page object {page.number}: border rectangle to y={reach:.0f}"


# ------------------------------------------------------------------ PDF: pages and boxes

_BOXES: tuple[tuple[str, Callable[[list[float]], bytes]], ...] = (
    ("zero-size", lambda b: b"[0 0 0 0]"),
    ("zero-height", lambda b: b"[0 0 %.2f 0]" % b[2]),
    ("enormous", lambda b: b"[0 0 14400 14400]"),
    ("astronomic", lambda b: b"[0 0 1000000000000 1000000000000]"),
    ("exponent notation (not PDF syntax)", lambda b: b"[0 0 5.95e2 8.42e2]"),
    ("negative origin", lambda b: b"[-300 -400 %.2f %.2f]" % (b[2] - 300, b[3] - 400)),
    ("all negative", lambda b: b"[-900 -900 -100 -100]"),
    ("inverted", lambda b: b"[%.2f %.2f 0 0]" % (b[2], b[3])),
    ("shrunk: tables run off the page", lambda b: b"[0 %.2f %.2f %.2f]" % (b[3] * 0.4, b[2],
                                                                            b[3])),
    ("narrow", lambda b: b"[0 0 %.2f %.2f]" % (b[2] * 0.3, b[3])),
    ("not numbers", lambda b: b"[/a /b /c /d]"),
    ("too short", lambda b: b"[0 0 595]"),
    ("empty", lambda b: b"[]"),
)


def page_boxes(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """A MediaBox, or a CropBox unlike it, from the wild (one page or every page)."""
    name, box = rng.choice(_BOXES)
    key = rng.choice((b"MediaBox", b"CropBox"))
    pages = pdf.pages() if rng.random() < 0.5 else [_page(rng, pdf)]
    for page in pages:
        page.set_dictionary(set_entry(page.dictionary(), key, box(page_box(pdf, page))))
    return pdf.to_bytes(), f"{key.decode()} {name} on {len(pages)} page(s)"


def crop_box(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """CropBox ≠ MediaBox: inside it, offset from it, outside it, larger than it."""
    page = _page(rng, pdf)
    x0, y0, x1, y1 = page_box(pdf, page)
    w, h = x1 - x0, y1 - y0
    choices = {
        "inside": (x0 + 0.1 * w, y0 + 0.1 * h, x1 - 0.1 * w, y1 - 0.1 * h),
        "offset": (x0 + 0.5 * w, y0 + 0.5 * h, x1 + 0.5 * w, y1 + 0.5 * h),
        "outside": (x1 + 100, y1 + 100, x1 + 200, y1 + 200),
        "larger": (x0 - w, y0 - h, x1 + w, y1 + h),
        "top half": (x0, y0 + 0.5 * h, x1, y1),
    }
    name = rng.choice(sorted(choices))
    value = b"[%.2f %.2f %.2f %.2f]" % choices[name]
    page.set_dictionary(set_entry(page.dictionary(), b"CropBox", value))
    return pdf.to_bytes(), f"page object {page.number}: CropBox {name}"


def rotate(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    angle = rng.choice((90, 180, 270, -90, 45, 3600, 1e9))
    pages = pdf.pages() if rng.random() < 0.5 else [_page(rng, pdf)]
    for page in pages:
        page.set_dictionary(set_entry(page.dictionary(), b"Rotate", b"%g" % angle))
    return pdf.to_bytes(), f"/Rotate {angle:g} on {len(pages)} page(s)"


def user_unit(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    unit = rng.choice((0.001, 2, 75000, 0, -1))
    page = _page(rng, pdf)
    page.set_dictionary(set_entry(page.dictionary(), b"UserUnit", b"%g" % unit))
    return pdf.to_bytes(), f"/UserUnit {unit:g}"


def empty_pages(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """A page with an empty content stream, or with no /Contents at all."""
    page = _page(rng, pdf)
    if rng.random() < 0.5:
        for stream in content_streams(pdf, page):
            stream.set_stream(b"")
        return pdf.to_bytes(), f"page object {page.number}: empty content stream"
    page.set_dictionary(remove_entry(page.dictionary(), b"Contents"))
    return pdf.to_bytes(), f"page object {page.number}: no /Contents"


def many_pages(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """200+ pages: copies of the pages (each a new page object sharing the content)."""
    target = rng.choice((201, 250, 320))
    pages = pdf.pages()
    tree = pdf.page_tree()
    new = []
    number = pdf.next_number()
    while len(pages) + len(new) < target:
        original = pages[len(new) % len(pages)]
        pdf.objects.append(PdfObject(number, 0, original.body))
        new.append(number)
        number += 1
    refs = b" ".join(b"%d 0 R" % n for n in new)
    head = re.sub(rb"/Kids\s*\[", lambda _m: b"/Kids[" + refs + b" ", tree.dictionary(), count=1)
    head = re.sub(rb"/Count\s+\d+", b"/Count %d" % (len(pages) + len(new)), head, count=1)
    tree.set_dictionary(head)
    return pdf.to_bytes(), f"{len(pages) + len(new)} pages"


# ------------------------------------------------------------------ PDF: fonts


def _font_streams(pdf: Pdf, key: bytes) -> list[PdfObject]:
    numbers = {int(n) for o in pdf.objects
               for n in re.findall(rb"/" + key + rb"\s+(\d+)\s+\d+\s+R", o.dictionary())}
    return [o for o in pdf.objects if o.number in numbers and o.is_stream]


def damage_font_file(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """An embedded font program truncated or flipped, or its reference removed."""
    files = [o for k in (b"FontFile", b"FontFile2", b"FontFile3") for o in _font_streams(pdf, k)]
    if not files:
        return damage_font_dictionary(rng, _data, pdf)
    victim = rng.choice(files)
    data = victim.stream()
    how = rng.randrange(3)
    if how == 0:
        victim.set_stream(data[:rng.randrange(len(data) + 1)])
        return pdf.to_bytes(), f"font program {victim.number} truncated"
    if how == 1:
        victim.set_stream(_flip(rng, data, rng.choice((1, 10, 200))))
        return pdf.to_bytes(), f"font program {victim.number} flipped"
    for obj in pdf.objects:
        head = obj.dictionary()
        if re.search(rb"/FontFile\d?\s+%d\s+0\s+R" % victim.number, head):
            obj.set_dictionary(re.sub(rb"/FontFile\d?\s+%d\s+0\s+R" % victim.number, b"", head))
    return pdf.to_bytes(), f"font program {victim.number} no longer referenced"


_FONT_ENTRIES: tuple[tuple[bytes, bytes], ...] = (
    (b"FontMatrix", b"[0 0 0 0 0 0]"),
    (b"FontMatrix", b"[1e9 0 0 1e9 0 0]"),
    (b"FontBBox", b"[0 0 0 0]"),
    (b"FontBBox", b"[/x]"),
    (b"W", b"[1 [-1000 1e9 0]]"),
    (b"W", b"[/garbage]"),
    (b"Widths", b"[-500 0 1e12]"),
    (b"FirstChar", b"-5"),
    (b"DW", b"-1000"),
    (b"Encoding", b"/UniGB-UCS2-H"),
    (b"Encoding", b"/NoSuchCMap-H"),
    (b"Encoding", b"/Identity-V"),
    (b"Subtype", b"/Type3"),
    (b"Subtype", b"/NoSuchFont"),
    (b"DescendantFonts", b"[]"),
    (b"DescendantFonts", b"[9999 0 R]"),
    (b"CIDToGIDMap", b"/Nonsense"),
    (b"Ascent", b"1e30"),
    (b"Descent", b"1e30"),
)


def damage_font_dictionary(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """A font, descendant font or descriptor with a value from the wild (a singular matrix, a
    CMap that does not exist, widths that make no sense)."""
    fonts = [o for o in pdf.objects if re.search(rb"/Type\s*/Font(Descriptor)?\b", o.dictionary())]
    if not fonts:
        return pdf.to_bytes(), "no font to damage"
    victim = rng.choice(fonts)
    key, value = rng.choice(_FONT_ENTRIES)
    victim.set_dictionary(set_entry(victim.dictionary(), key, value))
    return pdf.to_bytes(), f"font object {victim.number}: /{key.decode()} {value.decode()}"


_UNICODE_VALUES = (b"<D800>", b"<DFFF>", b"<FFFF>", b"<0000>", b"<FEFF>", b"<000A>", b"<0009>",
                   b"<E000>", b"<0041004200430044004500460047>", b"<>", b"<F>", b"<ZZ>")


def damage_to_unicode(rng: random.Random, _data: bytes, pdf: Pdf) -> Mutation:
    """A ToUnicode map with lines dropped, mappings to surrogates, controls, nothing or many
    characters, truncated, flipped, missing, or pointing nowhere."""
    maps = _font_streams(pdf, b"ToUnicode")
    if not maps:
        return damage_font_dictionary(rng, _data, pdf)
    victim = rng.choice(maps)
    data = victim.stream()
    how = rng.randrange(6)
    if how == 0:
        lines = data.split(b"\n")
        kept = [line for line in lines if rng.random() > 0.3]
        victim.set_stream(b"\n".join(kept))
        what = f"{len(lines) - len(kept)} line(s) dropped"
    elif how == 1:
        targets = re.findall(rb"<[0-9A-Fa-f]+>\s*(<[0-9A-Fa-f]+>)", data)
        for target in rng.sample(targets, min(len(targets), rng.randrange(1, 20))):
            data = data.replace(target, rng.choice(_UNICODE_VALUES), 1)
        victim.set_stream(data)
        what = "mappings to odd values"
    elif how == 2:
        victim.set_stream(data[:rng.randrange(len(data) + 1)])
        what = "truncated"
    elif how == 3:
        victim.set_stream(_flip(rng, data, rng.choice((1, 10, 100))))
        what = "flipped"
    elif how == 4:
        victim.set_stream(b"this is not a CMap")
        what = "replaced by text"
    else:
        for obj in pdf.objects:
            head = obj.dictionary()
            ref = rb"/ToUnicode\s+%d\s+0\s+R" % victim.number
            if re.search(ref, head):
                obj.set_dictionary(re.sub(ref, b"/ToUnicode 9999 0 R", head))
        what = "referenced object missing"
    return pdf.to_bytes(), f"ToUnicode {victim.number}: {what}"


# ------------------------------------------------------------------ PDF: encryption

_ALGORITHMS = ("RC4-40", "RC4-128", "AES-128", "AES-256")


def encrypt(rng: random.Random, data: bytes, _pdf: Pdf) -> Mutation:
    """Encrypted by pypdf, with an empty user password (opens without asking) or a real one;
    sometimes damaged afterwards."""
    from pypdf import PdfWriter

    algorithm = rng.choice(_ALGORITHMS)
    password = rng.choice(("", "secret"))
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=password, owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    out = buffer.getvalue()
    what = f"encrypted {algorithm}, user password {password!r}"
    if rng.random() < 0.3:
        out = _flip(rng, out, 5)
        what += ", then 5 bytes flipped"
    return out, what


PDF_MUTATORS: dict[str, Callable[[random.Random, bytes, Pdf], Mutation]] = {
    "truncate-at-object": truncate_at_object,
    "truncate-anywhere": truncate_anywhere,
    "flip-xref": flip_xref,
    "drop-object": drop_object,
    "duplicate-object": duplicate_object,
    "flip-stored-stream": flip_raw_stream,
    "flip-content": flip_content,
    "splice-content": splice_content,
    "off-page-border": off_page_border,
    "page-boxes": page_boxes,
    "crop-box": crop_box,
    "rotate": rotate,
    "user-unit": user_unit,
    "empty-page": empty_pages,
    "many-pages": many_pages,
    "damage-font-file": damage_font_file,
    "damage-font-dictionary": damage_font_dictionary,
    "damage-to-unicode": damage_to_unicode,
    "encrypt": encrypt,
}


# ------------------------------------------------------------------ text exports

_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp950",
              "big5", "big5hkscs", "gb18030", "gbk", "shift_jis", "euc-jp", "euc-kr",
              "latin-1", "cp1252", "iso2022_jp", "utf-7", "koi8-r", "cp437")


def reencode(rng: random.Random, text: str) -> Mutation:
    """The text saved in another encoding (characters it lacks replaced, as editors do), with or
    without a BOM, or two encodings in one file."""
    encoding = rng.choice(_ENCODINGS)
    data = text.encode(encoding, errors="replace")
    what = f"encoded {encoding}"
    if rng.random() < 0.2:
        half = len(text) // 2
        other = rng.choice(_ENCODINGS)
        data = text[:half].encode(encoding, errors="replace") + text[half:].encode(
            other, errors="replace")
        what = f"first half {encoding}, second half {other}"
    elif rng.random() < 0.2:
        data = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) + data
        what += " behind a mismatched BOM"
    return data, what


def _lines(text: str) -> list[str]:
    return text.split("\n")


def damage_lines(rng: random.Random, text: str) -> Mutation:
    lines = _lines(text)
    how = rng.randrange(5)
    at = rng.randrange(len(lines))
    if how == 0:
        return "\n".join(lines[:at]).encode("utf-8"), f"truncated after line {at}"
    if how == 1:
        span = rng.randrange(1, 10)
        del lines[at:at + span]
        what = f"deleted {span} line(s) at {at}"
    elif how == 2:
        span = rng.randrange(1, 10)
        lines[at:at] = lines[at:at + span] * rng.randrange(2, 5)
        what = f"repeated {span} line(s) at {at}"
    elif how == 3:
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
        what = f"swapped lines {at} and {other}"
    else:
        rng.shuffle(lines)
        what = "every line shuffled"
    return "\n".join(lines).encode("utf-8"), what


def damage_cells(rng: random.Random, text: str) -> Mutation:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    cells = lines[at].split("\t")
    how = rng.randrange(4)
    if how == 0:
        lines[at] = "".join(cells)
        what = f"line {at}: tabs removed"
    elif how == 1:
        lines[at] = "\t".join(cells + [""] * rng.randrange(1, 30))
        what = f"line {at}: empty cells added"
    elif how == 2:
        rng.shuffle(cells)
        lines[at] = "\t".join(cells)
        what = f"line {at}: cells shuffled"
    else:
        lines[at] = "\t".join(c * rng.choice((2, 100, 5000)) for c in cells)
        what = f"line {at}: cells repeated"
    return "\n".join(lines).encode("utf-8"), what


_ODD_TEXT = ("\x00", "\x0b", "\x0c", "\x1b[31m", "\ufeff", "\u200b", "\u202e", "\u2028",
             "\u2029", "\r", "\x85", "\U0001f600", "\u0301" * 20, "\ue000", "<p>", "</p>",
             "T1.1", "K01", "P1.1.1", "O1.1.1", "職能基準代碼", "主要職責\t工作任務",
             "第 1 頁，總共 9 頁", "\t" * 50, "\\", "%", "'", "\"")


def insert_odd_text(rng: random.Random, text: str) -> Mutation:
    """Control characters, invisible and bidirectional marks, emoji, private-use, markup, codes
    and header words where they do not belong."""
    out = text
    inserted = []
    for _ in range(rng.randrange(1, 8)):
        odd = rng.choice(_ODD_TEXT)
        at = rng.randrange(len(out) + 1)
        out = out[:at] + odd + out[at:]
        inserted.append(odd)
    return out.encode("utf-8", errors="surrogatepass"), f"inserted {inserted!r}"[:120]


def flip_text_bytes(rng: random.Random, text: str) -> Mutation:
    count = rng.choice((1, 3, 10, 100))
    return _flip(rng, text.encode("utf-8"), count), f"{count} byte(s) flipped"


def line_ends(rng: random.Random, text: str) -> Mutation:
    ending = rng.choice(("\r\n", "\r", "\n\n", "\u2028", "\x85", "\r\r\n"))
    return text.replace("\n", ending).encode("utf-8"), f"line ends {ending!r}"


def truncate_text_bytes(rng: random.Random, text: str) -> Mutation:
    data = text.encode(rng.choice(("utf-8", "utf-16", "cp950")), errors="replace")
    at = rng.randrange(len(data) + 1)
    return data[:at], f"truncated at byte {at} (possibly mid-character)"


TEXT_MUTATORS: dict[str, Callable[[random.Random, str], Mutation]] = {
    "reencode": reencode,
    "damage-lines": damage_lines,
    "damage-cells": damage_cells,
    "insert-odd-text": insert_odd_text,
    "flip-bytes": flip_text_bytes,
    "line-ends": line_ends,
    "truncate-bytes": truncate_text_bytes,
}


@dataclass(frozen=True)
class Mutant:
    name: str  # the file name in raw/
    base: str
    mutator: str
    what: str
    data: bytes
    standard: str  # the standard its base prints (see Base.key)


def mutate(rng: random.Random, base: Base, mutator: str, name: str) -> Mutant:
    """One mutant of ``base`` by ``mutator`` (a PDF mutator for a PDF base, a text one else)."""
    if base.kind == "text":
        data, what = TEXT_MUTATORS[mutator](rng, base.data.decode("utf-8"))
    else:
        try:
            pdf = parse(base.data)
        except NotClassicPdf as exc:
            raise AssertionError(f"base {base.name} is not a classic PDF: {exc}") from exc
        data, what = PDF_MUTATORS[mutator](rng, base.data, pdf)
    return Mutant(name, base.name, mutator, what, data, base.key)
