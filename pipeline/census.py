"""The census of printed codes: a guard against silent errors that does not depend on the layout.

However a page was read, every code the source prints where an item starts (`T1.2`, `O1.2.1`,
`P1.2.1`, `K04`, `S10`, `A03`, in any printed form: `P 1.2.1`, `P.1.2.1`) must be an item of its
own. A code at the start of a line (or after a sentence end) inside another item's text means two
items were read as one — an attitude list glued into one description, an indicator line left in a
knowledge cell — and the tables would be wrong without a word: ``code-in-item-text``, an error.
"""

from __future__ import annotations

import regex

from pipeline import layout
from pipeline.records import Finding, Item
from pipeline.severity import finding

# A code where an item starts: a line's start (marks and spaces before it allowed) or right after
# a sentence end. Codes printed with their letter only: a letterless `04.2.1` in a sentence is a
# form number (parse reports the doubtful ones, letterless-code-in-text). A-codes count in the
# attitude section only.
_LETTERED = "|".join(f"(?:{p.pattern})" for p in layout.LETTERED_CODE_PATTERNS.values())
_START = rf"(?m)(?:^[^\S\n]*(?:{layout.BULLET.pattern[1:]})?|(?<=[。；;][^\S\n]*))"
_MAIN_CODE_AT_START = regex.compile(rf"{_START}(?P<code>{_LETTERED})")
_ATTITUDE_CODE_AT_START = regex.compile(rf"{_START}(?P<code>{layout.ATTITUDE_CODE.pattern})")


def codes_at_item_starts(text: str, attitudes: bool = False) -> list[str]:
    """The codes printed where an item would start inside a text (an item's own code is cut off
    before its text, so a code with nothing before it is not counted)."""
    pattern = _ATTITUDE_CODE_AT_START if attitudes else _MAIN_CODE_AT_START
    text = text.replace(layout.WORD_BREAK, "\n")  # a line break all the same
    return [m.group("code") for m in pattern.finditer(text)
            if text[:m.start("code")].strip()]


def check_items(items: list[Item], role: str, block_no: int) -> list[Finding]:
    """One error per item whose text holds another item's code where an item starts."""
    return [
        finding("code-in-item-text", item.page_start, f"block {block_no}:{role}:{item.code}",
                f"the text of {item.code} holds {', '.join(found)} where an item starts: two "
                f"items read as one? {item.text.strip()[:40]!r}")
        for item in items
        if (found := codes_at_item_starts(item.text))
    ]
