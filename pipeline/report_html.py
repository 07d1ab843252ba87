"""The audit reports as HTML pages an analyst opens in a browser, beside their Markdown.

Each page is self-contained (its style inline, no script, nothing fetched), so it can be mailed or
opened from a shared folder. A changed value is shown the way a diff tool shows a changed word:
the old text with what was taken out struck through, the new text with what was put in marked.
Chinese has no spaces between words, so the unit compared is a character of CJK text and a
whole word or number of Latin text.
"""

from __future__ import annotations

import difflib
import html

import regex

# One comparable unit: a Latin word or number, a run of white space, or any other character.
_TOKEN = regex.compile(r"[A-Za-z0-9]+|\s+|.", regex.S)

_STYLE = """
body { font-family: "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif;
       margin: 2em; color: #222; line-height: 1.5; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
td.n { text-align: right; }
del { background: #fdd; color: #900; text-decoration: line-through; }
ins { background: #dfd; color: #060; text-decoration: none; }
tr.added td.text { background: #efe; } tr.removed td.text { background: #fee; }
.code { font-family: monospace; white-space: nowrap; }
"""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def marked_pair(old: str | None, new: str | None) -> tuple[str, str]:
    """``old`` and ``new`` as HTML: in the old text what the new one no longer has is
    ``<del>``, in the new text what it adds is ``<ins>``; the rest is plain (escaped) text."""
    if old is None or new is None:
        return ("" if old is None else html.escape(old), "" if new is None else html.escape(new))
    before, after = _tokens(old), _tokens(new)
    old_html: list[str] = []
    new_html: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        taken = html.escape("".join(before[i1:i2]))
        given = html.escape("".join(after[j1:j2]))
        if op == "equal":
            old_html.append(taken)
            new_html.append(given)
            continue
        if taken:
            old_html.append(f"<del>{taken}</del>")
        if given:
            new_html.append(f"<ins>{given}</ins>")
    return "".join(old_html), "".join(new_html)


def cell(value: object, css: str = "") -> str:
    """A table cell holding ``value`` as escaped text (empty for None)."""
    text = "" if value is None else html.escape(str(value))
    return f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>"


def header_row(names: list[str]) -> str:
    return "<tr>" + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>"


def page(title: str, body: list[str]) -> str:
    """A whole HTML document: ``title`` as its title and first heading, then ``body``."""
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-Hant">', "<head>", '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>{html.escape(title)}</h1>", *body, "</body>", "</html>", ""])
