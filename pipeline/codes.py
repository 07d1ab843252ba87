"""Reading an item's code from a main-table cell, as printed and as meant.

Codes come printed in more ways than the template's (`P.1.1.1`, `P 5.1.2`, `04.2.1` with a digit
zero for the O), glued to a name that starts with a digit (`T1.22D…`, `K33PL…`), or followed by
a period. Each reading here is either certain or reported: the canonical code is kept with its
printed form, and every repair is a finding, so a cell is never silently read another way.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import regex

from pipeline import layout
from pipeline.normalize import tags_to_breaks
from pipeline.records import Finding, Item, Piece
from pipeline.severity import finding

# A code printed with a trailing period (`P2.2.2.以正確…`): the period separates, it is not text.
_CODE_SEPARATOR = regex.compile(r"^[.．]")
# A code cut at the end of a cell's part on one page, and its rest at the start of the next.
_CODE_AT_END = regex.compile(r"(?:^|\n)[ \t]*(?P<head>[TOPKS](?:[.． ]?[0-9]+(?:\.[0-9]*)*)?)$")
_CODE_TAIL = regex.compile(r"[.0-9][0-9.]*")
# The code prefix(es) the owning task(s) expect (`O1.4.`); several in a task group.
Prefixes = str | tuple[str, ...]


def is_lettered(match: regex.Match[str], role: str) -> bool:
    return match.group(0).startswith(layout.CODE_LETTER[role])


def _is_item_code(match: regex.Match[str], role: str, prefix: Prefixes | None) -> bool:
    """A code printed without its letter (`04.2.1`) is an item's code only where it starts the
    cell or a printed line and the owning task's numbers confirm it (`O4.2.` expected); after
    other text on its line (`規劃文件 (依 01.4.2 格式)`) or with other numbers (`依 04.2.1 版`)
    it is text."""
    if is_lettered(match, role):
        return True
    text = match.string
    line_start = text.rfind("\n", 0, match.start()) + 1
    return (not text[line_start:match.start()].strip() and prefix is not None
            and layout.canonical_code(role, match).startswith(prefix))


def split_items(pieces: tuple[Piece, ...], role: str,
                prefix: Prefixes | None = None) -> tuple[list[Item], str]:
    """A list cell's pieces → its coded items, each with the pages its text covers; codes are
    canonical, the printed form kept when it differs (see ``layout.PRINTED_CODE_PATTERNS``).

    ``prefix`` is the code prefix the owning task expects (`O1.4.`), when known.
    Returns the items and any text printed before the first code (normally empty).
    """
    text = ""
    spans: list[tuple[int, int, int]] = []
    cut = False
    for piece in pieces:
        # (Extract marks a word filling a cell's last line at a page's foot: layout.WORD_BREAK.)
        word_cut = text.endswith(layout.WORD_BREAK)
        text = text.removesuffix(layout.WORD_BREAK)
        head = _CODE_AT_END.search(text)
        tail = _CODE_TAIL.match(piece.text)
        if head and tail and layout.is_broken_code(head.group("head"), tail.group()):
            cut = True  # a code a page break cut (`K0` | `7玩家…`): its two parts are one code
        elif word_cut and continues_word(text, piece.text):
            text += layout.WORD_BREAK  # the rest of a word the page cut (`…Communic` | `ation）`)
        elif text:
            text += "\n"
        start = len(text)
        text += tags_to_breaks(piece.text)
        spans.append((start, len(text), piece.page))
    text = text.removesuffix(layout.WORD_BREAK)
    if cut:
        # The part on the next page may itself go on over a wrap (`O` | `3.1.` `\n` `1`).
        text, spans = _join_broken_codes(text, spans)
    matches = [m for m in layout.ITEM_START[role].finditer(text)
               if _is_item_code(m, role, prefix)]
    leading = text[: matches[0].start()] if matches else text
    items = []
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        pages = [
            page
            for s, e, page in spans
            if text[max(s, match.start()) : min(e, end)].strip()
        ]
        code = layout.canonical_code(role, match)
        items.append(Item(
            code=code,
            text=_CODE_SEPARATOR.sub("", text[match.end() : end], count=1),
            page_start=min(pages),
            page_end=max(pages),
            code_as_printed=None if match.group(0) == code else match.group(0),
        ))
    return items, leading.strip()


def continues_word(before: str, after: str) -> bool:
    """Whether the text after a page break can be the rest of the Latin word before it: it opens
    with a Latin letter, neither an item's code nor a word of its own (a capital and a small
    letter after a small letter, ``layout.opens_word``, as a line break is read)."""
    rest = after.lstrip()
    return (bool(rest) and rest[0].isascii() and rest[0].isalpha()
            and layout.role_of_code(rest) is None and not layout.opens_word(before, rest))


def _join_broken_codes(text: str, spans: list[tuple[int, int, int]]
                       ) -> tuple[str, list[tuple[int, int, int]]]:
    """The text with every code a wrap broke read whole, the pieces' spans moved with it."""
    while (broken := next((m for m in layout.BROKEN_CODE.finditer(text)
                           if layout.is_broken_code(m["head"], m["tail"])), None)) is not None:
        cut_from, cut_to = broken.end("head"), broken.start("tail")
        n = cut_to - cut_from
        text = text[:cut_from] + text[cut_to:]
        spans = [(s - n if s >= cut_to else min(s, cut_from),
                  e - n if e >= cut_to else min(e, cut_from), page) for s, e, page in spans]
    return text, spans


def unglue(item: Item, expected: str) -> Item | None:
    """The item read with its expected code, when the printed one is that code plus digits.

    A name that starts with a digit is printed right after its code (`T1.2` + `2D繪圖` reads
    `T1.22D繪圖`, `K07` + `2D…` reads `K072D…`); the expected code — the next in sequence, or
    the document's usual number of K/S digits — tells where the code ends. None: nothing to do.
    """
    rest = item.code[len(expected):]
    if item.code != expected and item.code.startswith(expected) and rest.isdigit():
        printed = item.code_as_printed
        return dataclasses.replace(item, code=expected, text=rest + item.text,
                                   code_as_printed=printed[: -len(rest)] if printed else None)
    return None


def repair_glued(item: Item, expected: str, role: str, findings: list[Finding]) -> Item:
    """``unglue`` applied, and reported when it changed the reading."""
    repaired = unglue(item, expected)
    if repaired is None:
        return item
    findings.append(finding(
        "code-digits-split", item.page_start, f"{role}:{expected}",
        f"printed {item.code + item.text[:6]!r}: read as {expected} followed by a name that "
        "starts with a digit"))
    return repaired


def rejoin_short(item: Item, width: int, role: str, findings: list[Finding]) -> Item:
    """A K/S code shorter than the document's usual width whose text starts, on its next line,
    with the digits it lacks (`K1` | `0風險管理` in a narrow cell, K01…K09 around it): one code
    the wrap cut, read whole (``code-wrap-joined``). Without such digits it stays as printed."""
    missing = width - (len(item.code) - 1)
    match = regex.match(rf"\s*[\n\u200b]\s*([0-9]{{{missing}}})(?![0-9])", item.text)
    if match is None:
        return item
    code = item.code + match.group(1)
    findings.append(finding("code-wrap-joined", item.page_start, f"{role}:{code}",
                            f"{item.code} and {match.group(1)!r} on the next line read as one "
                            f"code, {code} (the document's codes have {width} digits)"))
    return dataclasses.replace(item, code=code, text=item.text[match.end():],
                               code_as_printed=None)


def code_width(cells: list[list[Item]]) -> int | None:
    """The usual number of digits of a K or S code in this document (K01 → 2), when its codes
    are zero-padded. Codes printed without padding (the older template's K1 … K12) have no
    fixed width — None: where such a code ends is read from its list (``split_unpadded``).

    Among the widths printed, the one whose reading numbers the items 1…n with the fewest gaps
    wins (a tie goes to the most printed): when most items' names start with a digit glued to
    the code (`S021產業…`, `S100…` beside S01, S03), the numbering shows the width is two."""
    codes = [i.code for items in cells for i in items]
    if not any(code[1:].startswith("0") for code in codes):
        return None
    widths: Counter[int] = Counter(len(code) - 1 for code in codes)

    def gaps(width: int) -> int:
        numbers = {int(code[1:1 + width]) for code in codes}
        # No item is numbered 0: a width that reads K0 is no width of this document.
        return max(numbers) - len(numbers) + (len(codes) if 0 in numbers else 0)

    return min(widths, key=lambda width: (gaps(width), -widths[width], width))


def split_unpadded(cells: list[list[Item]], role: str, findings: list[Finding]
                   ) -> list[list[Item]]:
    """K/S cells of a document without zero padding, codes glued to a digit-led name split.

    `K3` + `3PL…` prints `K33PL…`; no usual width tells where such a code ends, the list does.
    A reading is a number printed nowhere on its own (or only as a print that is itself in
    doubt) that fits between its neighbours in the cell (K2 < K3 < K4). It is taken, with a
    code-digits-split warning, when it is the only one and the printed number does not fit
    (K33 after K2 and before K4, or with no K32 or K34 printed anywhere). Otherwise — the
    printed number fits too, or two readings do — the code is an ambiguous-code-digits error:
    the document is rejected, not guessed."""
    printed = {int(i.code[1:]) for items in cells for i in items}

    def is_sure(n: int) -> bool:
        return all(int(str(n)[:k]) in printed for k in range(1, len(str(n))))

    sure = {n for n in printed if is_sure(n)}
    out = []
    for items in cells:
        read: list[Item] = []
        for k, item in enumerate(items):
            n, digits = int(item.code[1:]), item.code[1:]
            prev = int(read[-1].code[1:]) if read else 0
            after = int(items[k + 1].code[1:]) if k + 1 < len(items) else None
            readings = [a for a in (int(digits[:j]) for j in range(1, len(digits)))
                        if a not in sure and prev < a and (after is None or a < after)]
            fits = (prev < n and (after is None or n < after)
                    and bool({n - 1, n + 1} & printed))
            if len(readings) == 1 and not fits:
                item = repair_glued(item, f"{item.code[0]}{readings[0]}", role, findings)
            elif readings:
                findings.append(finding(
                    "ambiguous-code-digits", item.page_start, f"{role}:{item.code}",
                    f"printed {item.code + item.text[:6]!r}: {item.code}, or "
                    f"{' or '.join(item.code[0] + str(a) for a in readings)} followed by a name "
                    "that starts with a digit; the list does not tell"))
            read.append(item)
        out.append(read)
    return out


class CodeSequence:
    """Expected next code per parent, and the repair of codes glued to a leading digit.

    A task may come back in another level block, printed with its code and name again: its code
    is then expected too, besides the next in sequence, but read from a glued print only when
    the name that is left is the name it had before (`T1.12D繪圖` again is T1.1 + 2D繪圖; after
    T1.1…T1.10, `T1.12任務` is task 12, not T1.1 + 2任務). The next code in sequence never moves
    backwards when an earlier task comes back. A code with a fourth number is in sequence under
    its first three (`P1.1.1.1`, then `P1.1.1.23D…` is P1.1.1.2 + 3D…)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.last: dict[str, int] = {}
        self.names: dict[str, dict[str, str]] = {}  # prefix → code → name, for tasks
        self.findings = findings

    def take(self, item: Item, prefix: str, role: str) -> Item:
        rest = item.code[len(prefix):]
        if item.code.startswith(prefix) and "." in rest:
            # A further number (`P1.2.1.1`): numbered in sequence under the ones before it.
            prefix += rest.rsplit(".", 1)[0] + "."
        expected = f"{prefix}{self.last.get(prefix, 0) + 1}"
        seen = self.names.setdefault(prefix, {}) if role == layout.TASK else {}
        if item.code not in seen:
            again = [
                code for code, name in seen.items()
                if (read := unglue(item, code)) is not None and same_name(read.text, name)
            ]
            item = repair_glued(item, again[0] if len(again) == 1 else expected, role,
                                self.findings)
        number = item.code[len(prefix):]
        if item.code.startswith(prefix) and number.isdigit():
            self.last[prefix] = max(self.last.get(prefix, 0), int(number))
            if role == layout.TASK:
                seen.setdefault(item.code, item.text)
        return item


def same_name(a: str, b: str) -> bool:
    """Two printings of one name, whatever their line wraps."""
    return layout.squash(tags_to_breaks(a)) == layout.squash(tags_to_breaks(b))
