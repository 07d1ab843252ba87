"""Real iCAP standards from the lossy JSON corpus, rebuilt as clean, well-formed ``Standard``s.

The corpus (``shared/corpus/icap-content``, one JSON file per published standard) is what a public
pdfplumber parser extracted: realistic text, wrong structure. A look-alike document rendered from
a ``Standard`` built here has that ``Standard`` as its truth, so every text is already what the
pipeline must output and every code is well formed. Each repair below says why it is needed.

Text (every text field)
- Page footers (``第3頁，總共4頁``, also ``第 3 頁，共 4 頁`` and ``第5頁/共5頁``) are page
  furniture the parser read as text; the pipeline must never output them.
- Private-use characters (U+E000–U+F8FF) are Word Symbol-font bullets with no meaning in
  Unicode; the CID font cannot print them either.
- Kangxi radicals and CJK compatibility ideographs are mapped to unified ideographs one code
  point at a time (NFKC on that character only), as the pipeline's text policy does; NFKC on a
  whole string would turn full-width ，：（） into ASCII.
- White space runs become one space and ends are trimmed, as the pipeline does inside a line.
- A code-like token after white space (``(?<!\\S)[TOPKSA][0-9]``) would be read as a new item by
  the pipeline: the white space is dropped when the character before it is CJK or full-width
  (the pipeline joins such text without a space anyway), otherwise the case is reported.
- A defined K/S code glued between CJK characters inside an indicator or output
  (``原料藥品質控管及K79供應鏈管理``) is a citation that leaked from the K/S column; it is removed,
  because a line break before it would make the pipeline read a K/S item inside the text.

Profile
- ``code`` is taken as the metadata says and never invented; a missing or malformed code is
  reported (the standard cannot be well formed).
- The version label follows the code's ``vN`` when the two disagree: the pipeline requires the
  document's own code to be listed under its own version.
- The name drops a leading ``《歷史資料》``: the title adds it back for historical documents
  (``Standard.title``), and the version table and profile print the bare name.
- ``level`` is kept only when 1–7 (0 is the parser's failure value).

Categories
- The parser concatenated several names or codes into one string. They are split only when the
  split is unambiguous: the codes split on a printed separator (、 ／ / , ；) and the name on the
  same separator, or run-together codes of fixed width (3 letters for 職類別, 4 digits for
  職業別) with the name split before a known iCAP career-cluster name (職類別, the 16 published
  clusters) or after a 員/師 ending (職業別) — and in every case the names must come out exactly
  as many as the codes. Otherwise one category keeps the whole name and the codes joined by 、.
- Industry lists whose names and codes differ in number: an introductory line ending in a colon
  (``本基準可能跨屬下列行業別：``) and leading bullets are dropped; if the numbers still differ,
  a name cut by a line break is rejoined and the codes kept together in one category.
- Categories without a name or without a code are dropped (the profile needs both).

Main table
- Tasks are grouped by their printed duty (``main_responsibility``) in order of first appearance,
  even where the parser's task id names another duty (a lost duty row): the printed duty is all
  there is to name them by.
- Duties, tasks, indicators (P) and outputs (O) are renumbered contiguously in printed order:
  the parser lost rows (so numbers have gaps) and dropped the P and O codes.
- A duty name that repeats itself around its own code (``X T4 X``) was printed twice by the
  parser across a page break: one copy is kept; any other embedded duty code ends the name.
- A task name with another task's code inside (``確認業主需求T1.2確認整體網路系統配置``) is
  several task rows merged, whose indicators can no longer be told apart: the name is cut before
  the embedded code (a line break there would make the pipeline read a new task) and the
  indicators stay with the first task.
- A task repeated exactly (same duty, name, output and indicators; a re-read page) is kept once,
  with the citations of both copies.
- Tasks without a name or without indicators are skipped: a task row needs both.
- An indicator or output starting ``.1``, ``.2`` (``.1 能夠根據…``) is the tail of a published
  code with a fourth number (``P1.1.1.1``) that the parser cut after its own ``P1.1.1``: the tail
  is dropped (the codes are renumbered anyway) and ``extra["four_number_codes"]`` records that the
  standard printed such codes, so a renderer can print them so again. An output starting with a
  bare period (``.財務規劃書``) lost a code printed with a trailing period: the period goes, as for
  indicators.
- The output string stays one output (the parser's separators are unreliable).
- Task level: the parser's level when 1–7; its 0 (merged level cells) becomes the standard's
  level, else "3".
- K/S citations of codes that are not defined are dropped (nothing to print for them). Defined
  items are renumbered K01…/S01… in listed order, keeping only items some kept task cites, and
  each task cites its items once, in ascending code order.
- Attitudes are renumbered A01… in listed order.

Versions
- The document's own row comes first (status as metadata says, note 略, date YYYY/MM/DD), then
  one row per earlier version V(n-1)…V1 (歷史版本, 已被《next newer code》取代), each dated two
  years before the next newer row (same month and day; 29 Feb becomes 28 Feb): the corpus has no
  version history, and the pipeline checks that every 取代 note names a listed code.
- A missing update date stays empty (the pipeline reads an empty 發展更新日期 as null) rather
  than being invented; earlier rows then have no date either.

Qualifications (basic_info.requirements)
- Split into paragraphs at white space that separates sentences or list entries: before a bullet,
  after 。 or ；, before an enumerator (``1.`` ``一、`` ``(1)``), and after a parenthesised lead-in
  such as ``（以下擇一）``. Bullets are dropped (the pipeline strips them from note lines), and
  the section title ``說明與補充事項`` that leaked in after a page footer is dropped.

Files the corpus cannot make well formed (no code, no job description, no task with indicators)
are still built, never patched with invented content; ``is_renderable`` tells them apart. So are
the few whose text keeps a code-like token after a space between Latin words (``ANSI/ESD
S20.20…`` in a K name): a line wrap before it would print a new item, and dropping the space
would change the text.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tests.render.model import Attitude, Category, Coded, Duty, Standard, Task, Version

# A byte-for-byte copy of the team's shared corpus lives in the repo, so tests need nothing
# outside it; ICAP_CORPUS points elsewhere (e.g. at a newer shared copy).
CORPUS_DIR = Path(
    os.environ.get("ICAP_CORPUS")
    or Path(__file__).resolve().parents[1] / "corpus" / "icap-content"
)

HISTORICAL_MARK = "《歷史資料》"
STANDARD_CODE = re.compile(r"[A-Z]{3}[0-9]{4}-[0-9]{3}v[0-9]+")
ITEM_TOKEN = re.compile(r"(?<!\S)[TOPKSA][0-9]")
FOOTER = re.compile(r"第\s*\d+\s*頁\s*[，,/／]\s*總?\s*共\s*\d+\s*頁")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_MAPPED_RANGES = ((0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_SPACE_RUN = re.compile(r"\s+")

# The 16 iCAP career clusters (職類), the first part of every 職類別 name ("製造／製程研發"),
# plus the spelling 建築營造 that some documents print.
CAREER_CLUSTERS = (
    "建築與營造", "建築營造", "製造", "科學、技術、工程、數學", "物流運輸",
    "天然資源、食品與農業", "醫療保健", "藝文與影音傳播", "資訊科技", "金融財務",
    "企業經營管理", "行銷與銷售", "政府公共事務", "司法、法律與公共安全", "教育與訓練",
    "個人及社會服務", "休閒與觀光旅遊",
)
_CLUSTER_START = re.compile("(?=(?:" + "|".join(map(re.escape, CAREER_CLUSTERS)) + ")[／/])")
# An occupation name ends in 員 or 師 unless a connector follows (開發人員及分析師).
_OCCUPATION_END = re.compile(r"(?<=[員師])(?![及與和、，,（(／/])")
_CODE_SEPARATOR = re.compile(r"\s*([、／/,，;；])\s*")
_BULLET_CHARS = "•●⚫▪■◆・․\u2027-"
_LEADING_BULLET = re.compile(f"^[{re.escape(_BULLET_CHARS)}]\\s*")
_EMBEDDED_TASK = re.compile(r"(?<![A-Za-z0-9.])T[0-9]+\.[0-9]+")
_EMBEDDED_DUTY = re.compile(r"(?<![A-Za-z0-9.])T[0-9]+(?![.0-9])")
_LEAKED_CITATION = re.compile(r"(?<=[^\x00-\x7f])([KS][0-9]{2})(?=[^\x00-\x7f])")
_DATE = re.compile(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})")
_SENTENCE_END = "。；;！？!?"
_ENUMERATOR = re.compile(r"(?:\d+[.．、)）]|[一二三四五六七八九十]+、|[(（]\d+[)）])")
_LEAD_IN = re.compile(r"[（(][^（()）]*[)）]")
NOTES_HEADINGS = ("說明與補充事項", "建議擔任此職類/職業之學歷/經歷/或能力條件", "其他補充說明")


@dataclass(frozen=True)
class Repair:
    """One repair or problem met while building a standard (for reports and tests)."""

    rule: str
    detail: str


# ---------------------------------------------------------------- text


def _map_ideograph(char: str) -> str:
    # Deliberately not pipeline.normalize.map_ideograph: the truth must not come from the code
    # under test.
    code = ord(char)
    if any(lo <= code <= hi for lo, hi in _MAPPED_RANGES):
        mapped = unicodedata.normalize("NFKC", char)
        if len(mapped) == 1 and unicodedata.category(mapped) == "Lo":
            return mapped
    return char


def clean(text: str | None) -> str:
    """The text policy on one field: footers, private use, ideographs, white space."""
    if not text:
        return ""
    text = FOOTER.sub(" ", text)
    text = PRIVATE_USE.sub("", text)
    text = "".join(_map_ideograph(c) for c in text)
    return _SPACE_RUN.sub(" ", text).strip()


_FOURTH_NUMBER_TAIL = re.compile(r"^[.．][0-9]+\s*")


def _strip_fourth_number(text: str, repairs: list[Repair]) -> tuple[str, bool]:
    """`.1 能夠…`: the tail of a code with a fourth number (P1.1.1.1) the parser cut; dropped."""
    match = _FOURTH_NUMBER_TAIL.match(text)
    if match is None or not text[match.end():]:
        return text, False
    repairs.append(Repair("fourth-number-dropped", text[:12]))
    return text[match.end():], True


def _strip_code_separator(text: str, repairs: list[Repair]) -> str:
    """`.確認…`: the parser dropped a code printed with a trailing period (P1.1.1.確認…) but kept
    the period; it separated code and text, so it is not part of the text."""
    if text[:1] in ".．":
        repairs.append(Repair("code-separator-dropped", text[:12]))
        return text[1:].lstrip()
    return text


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _join_wrapped(parts: list[str]) -> str:
    """Fragments of one text cut by line breaks, joined as the pipeline joins wrapped lines."""
    out = ""
    for part in (p for p in parts if p):
        if out and not (is_wide(out[-1]) or is_wide(part[0])):
            out += " "
        out += part
    return out


def guard_item_tokens(text: str, where: str, repairs: list[Repair]) -> str:
    """Drop white space before a code-like token when harmless; report the other cases."""

    def fix(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() >= 1 else ""
        if before and is_wide(before):
            repairs.append(Repair("code-token-space-dropped", f"{where}: {text[:40]!r}"))
            return ""
        repairs.append(Repair("code-token-kept", f"{where}: {text[:40]!r}"))
        return match.group(0)

    text = re.sub(r"\s(?=[TOPKSA][0-9])", fix, text)
    if ITEM_TOKEN.match(text):
        repairs.append(Repair("code-token-at-start", f"{where}: {text[:40]!r}"))
    return text


# ---------------------------------------------------------------- categories


def _split_codes(kind: str, code: str) -> tuple[list[str], str | None]:
    """The codes in one printed code string, and the separator that divided them."""
    match = _CODE_SEPARATOR.search(code)
    if match:
        parts = [p for p in _CODE_SEPARATOR.split(code)[::2] if p]
        return parts, match.group(1)
    width = {"job_category": 3, "occupation": 4}.get(kind)
    pattern = {"job_category": r"[A-Z]+", "occupation": r"[0-9]+"}.get(kind)
    if width and pattern and re.fullmatch(pattern, code) and len(code) > width and (
        len(code) % width == 0
    ):
        return [code[i:i + width] for i in range(0, len(code), width)], None
    if kind == "industry" and re.fullmatch(r"(?:[A-Z][0-9]*){2,}", code):
        return re.findall(r"[A-Z][0-9]*", code), None
    return [code], None


def _split_name(kind: str, name: str, separator: str | None, count: int) -> list[str] | None:
    """The name split into exactly ``count`` parts, or None when that is not unambiguous."""
    if separator is not None:
        seps = "／/" if separator in "／/" else separator
        parts = [p.strip() for p in re.split(f"[{re.escape(seps)}]", name)]
    elif kind == "job_category":
        parts = [p.strip() for p in _CLUSTER_START.split(name)]
    elif kind == "occupation":
        parts = [p.strip() for p in _OCCUPATION_END.split(name)]
    else:
        return None
    parts = [p for p in parts if p]
    return parts if len(parts) == count else None


def _categories(
    kind: str, names: list[str], codes: list[str], repairs: list[Repair]
) -> list[Category]:
    names = [clean(n) for n in names]
    codes = [clean(c) for c in codes]
    if len(names) != len(codes):
        kept = [_LEADING_BULLET.sub("", n) for n in names if n and not n.endswith(("：", ":"))]
        if len(kept) != len(names):
            repairs.append(Repair("category-heading-dropped", f"{kind}: {names!r}"))
        names = kept
    if len(names) != len(codes):
        repairs.append(Repair("category-lists-joined", f"{kind}: {names!r} / {codes!r}"))
        pairs = [(_join_wrapped(names), "、".join(c for c in codes if c))]
    else:
        pairs = list(zip(names, codes, strict=True))
    out: list[Category] = []
    for name, code in pairs:
        if not name or not code:
            repairs.append(Repair("category-dropped", f"{kind}: name {name!r}, code {code!r}"))
            continue
        split_codes, separator = _split_codes(kind, code)
        if len(split_codes) == 1:
            out.append(Category(kind, name, code))
            continue
        split_names = _split_name(kind, name, separator, len(split_codes))
        if split_names is None:
            repairs.append(Repair("category-not-split", f"{kind}: {name!r} / {code!r}"))
            out.append(Category(kind, name, "、".join(split_codes)))
            continue
        repairs.append(Repair("category-split", f"{kind}: {name!r} / {code!r} → "
                              f"{list(zip(split_names, split_codes, strict=True))!r}"))
        out.extend(Category(kind, n, c) for n, c in zip(split_names, split_codes, strict=True))
    return out


# ---------------------------------------------------------------- qualifications


def qualification_paragraphs(text: str | None, repairs: list[Repair]) -> tuple[str, ...]:
    """basic_info.requirements → paragraphs (see the module docstring for where it splits)."""
    if not text:
        return ()
    def footer(match: re.Match[str]) -> str:
        if match.group(1):
            repairs.append(Repair("leaked-heading-dropped", match.group(0)))
        return "\n"

    # The notes title is repeated at the top of the page after a footer: page furniture too.
    text = re.sub(FOOTER.pattern + r"(\s*說明與補充事項)?", footer, text)
    # A bullet (private-use or typographic) at the start or after white space begins an entry.
    text = re.sub(f"(?:^|\\s)[\ue000-\uf8ff{re.escape(_BULLET_CHARS)}](?=\\s|$)", "\n", text)
    paragraphs: list[str] = []
    for block in text.split("\n"):
        words = [w for w in _SPACE_RUN.split(clean(block)) if w]
        current = ""
        for word in words:
            if current and (
                current[-1] in _SENTENCE_END
                or _ENUMERATOR.match(word)
                or _LEAD_IN.fullmatch(current)
            ):
                paragraphs.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        if current:
            paragraphs.append(current)
    out = []
    for paragraph in paragraphs:
        paragraph = _LEADING_BULLET.sub("", paragraph).strip()
        if not paragraph:
            continue
        if re.sub(r"\s", "", paragraph).rstrip("：:") in NOTES_HEADINGS:
            repairs.append(Repair("leaked-heading-dropped", paragraph))
            continue
        out.append(paragraph)
    return tuple(out)


# ---------------------------------------------------------------- main table


def _duty_name(raw: str, repairs: list[Repair]) -> str:
    name = _strip_code_separator(clean(re.sub(r"^\s*T\s*[0-9]+", "", raw or "")), repairs)
    parts = [p.strip() for p in _EMBEDDED_DUTY.split(name)]
    if len(parts) > 1:
        repairs.append(Repair("duty-name-repeated" if len(set(parts)) == 1
                              else "duty-name-cut", name))
        name = parts[0]
    return name


def _task_name(raw: str | None, repairs: list[Repair]) -> str:
    # `T1.1.成品圖判讀`: the period after a code separates it from the name (as for outputs).
    name = _strip_code_separator(clean(raw), repairs)
    match = _EMBEDDED_TASK.search(name)
    if match and match.start() > 0:
        repairs.append(Repair("task-name-cut", name[:60]))
        name = name[: match.start()].strip()
    return name


def _remove_leaked_citations(text: str, defined: set[str], repairs: list[Repair]) -> str:
    def fix(match: re.Match[str]) -> str:
        if match.group(1) in defined:
            repairs.append(Repair("leaked-citation-removed", text[:60]))
            return ""
        return match.group(0)

    return _LEAKED_CITATION.sub(fix, text)


def _level_text(value: Any, standard_level: int | None) -> str:
    if isinstance(value, int) and 1 <= value <= 7:
        return str(value)
    return str(standard_level) if standard_level is not None else "3"


@dataclass
class _RawTask:
    duty_key: str
    name: str
    level: str
    output: str
    indicators: list[str]
    knowledge: list[str]
    skills: list[str]


def _renumber_items(
    listed: list[dict[str, Any]], cited: set[str], letter: str, repairs: list[Repair]
) -> dict[str, Coded]:
    """Old code → renumbered item, for defined items some kept task cites, in listed order.

    When every listed name starts with a digit, the digit is the tail of a longer printed code
    (K011 read as K01 + `1消費者行為`): it is dropped, not kept as part of the name.
    """
    out: dict[str, Coded] = {}
    # `.觀光遊憩資源概念`: the period after a code (K04.觀光…) separated it from the name.
    names = [_strip_code_separator(clean(item.get("name")), repairs) for item in listed]
    code_tails = bool(names) and all(n[:1].isdigit() and not n[1:2].isdigit() for n in names)
    if code_tails:
        repairs.append(Repair("code-tail-in-names", f"{letter}: leading digit dropped"))
    for item, name in zip(listed, names, strict=True):
        old = item.get("code") or ""
        if code_tails:
            name = name[1:]
        if old not in cited or old in out:
            continue
        if not name:
            repairs.append(Repair("item-without-name", f"{old} dropped"))
            continue
        new = f"{letter}{len(out) + 1:02d}"
        out[old] = Coded(new, guard_item_tokens(name, new, repairs))
    return out


def _item_text(raw: str | None, defined: set[str], repairs: list[Repair]) -> str:
    """An indicator's or output's text: leaked citations, a fourth code number's tail and a
    code's trailing period removed (see the module docstring)."""
    text, _ = _strip_fourth_number(_remove_leaked_citations(clean(raw), defined, repairs),
                                   repairs)
    return _strip_code_separator(text, repairs)


def _duties(data: dict[str, Any], level: int | None, repairs: list[Repair]) -> tuple[Duty, ...]:
    k_defined = {k.get("code") for k in data.get("competency_knowledge") or []}
    s_defined = {s.get("code") for s in data.get("competency_skills") or []}
    defined = {c for c in k_defined | s_defined if c}
    tasks: list[_RawTask] = []
    duty_names: dict[str, str] = {}
    for raw in data.get("competency_tasks") or []:
        duty_key = raw.get("main_responsibility") or ""
        name = _task_name(raw.get("task_name"), repairs)
        indicators = [_item_text(b, defined, repairs) for b in raw.get("behaviors") or []]
        indicators = [b for b in indicators if b]
        if not name or not indicators:
            repairs.append(Repair("task-skipped", f"{raw.get('task_id')} {name[:20]!r}: "
                                  + ("no name" if not name else "no indicators")))
            continue
        output = _item_text(raw.get("output"), defined, repairs)
        knowledge: list[str] = []
        skills: list[str] = []
        for cited, known, kept in (
            (raw.get("knowledge") or [], k_defined, knowledge),
            (raw.get("skills") or [], s_defined, skills),
        ):
            for code in cited:
                if code in known:
                    kept.append(code)
                else:
                    repairs.append(Repair("citation-dropped", f"{raw.get('task_id')} {code}"))
        twin = next((t for t in tasks if (t.duty_key, t.name, t.output, t.indicators)
                     == (duty_key, name, output, indicators)), None)
        if twin is not None:
            repairs.append(Repair("task-repeat-merged", f"{raw.get('task_id')} {name[:20]!r}"))
            twin.knowledge += knowledge
            twin.skills += skills
            continue
        if duty_key not in duty_names:
            duty_names[duty_key] = _duty_name(duty_key, repairs)
        tasks.append(_RawTask(duty_key, name, _level_text(raw.get("level"), level), output,
                              indicators, knowledge, skills))

    k_items = _renumber_items(data.get("competency_knowledge") or [],
                              {c for t in tasks for c in t.knowledge}, "K", repairs)
    s_items = _renumber_items(data.get("competency_skills") or [],
                              {c for t in tasks for c in t.skills}, "S", repairs)
    duties: list[Duty] = []
    for duty_key, duty_name in duty_names.items():
        i = len(duties) + 1
        if not duty_name:
            repairs.append(Repair("duty-without-name", f"{duty_key!r} skipped"))
            continue
        duty_tasks: list[Task] = []
        for task in (t for t in tasks if t.duty_key == duty_key):
            j = len(duty_tasks) + 1
            where = f"T{i}.{j}"
            coded_indicators = tuple(
                Coded(f"P{i}.{j}.{k}", guard_item_tokens(text, f"{where} P{k}", repairs))
                for k, text in enumerate(task.indicators, start=1)
            )
            outputs = (
                (Coded(f"O{i}.{j}.1", guard_item_tokens(task.output, f"{where} O", repairs)),)
                if task.output else ()
            )
            cited_k = tuple(sorted({k_items[c] for c in task.knowledge if c in k_items},
                                   key=lambda c: c.code))
            cited_s = tuple(sorted({s_items[c] for c in task.skills if c in s_items},
                                   key=lambda c: c.code))
            duty_tasks.append(Task(where, guard_item_tokens(task.name, where, repairs),
                                   task.level, outputs, coded_indicators, cited_k, cited_s))
        duties.append(Duty(f"T{i}", guard_item_tokens(duty_name, f"T{i}", repairs),
                           tuple(duty_tasks)))
    return tuple(duties)


# ---------------------------------------------------------------- versions


def _date_text(value: str | None) -> str:
    match = _DATE.search(value or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}/{month:02d}/{day:02d}"


def _years_earlier(text: str, years: int) -> str:
    if not text:
        return ""
    year, month, day = (int(p) for p in text.split("/"))
    if (month, day) == (2, 29):
        day = 28
    return date(year - years, month, day).strftime("%Y/%m/%d")


def _versions(
    meta: dict[str, Any], code: str, name: str, repairs: list[Repair]
) -> tuple[Version, ...]:
    label = clean(meta.get("version"))
    match = STANDARD_CODE.fullmatch(code)
    if not match:
        return (Version(label, code, name, clean(meta.get("status")), "略",
                        _date_text(meta.get("update_date"))),)
    base, number = code.rsplit("v", 1)
    if label != f"V{number}":
        repairs.append(Repair("version-label-from-code", f"{label!r} → V{number} ({code})"))
        label = f"V{number}"
    newest = _date_text(meta.get("update_date"))
    rows = [Version(label, code, name, clean(meta.get("status")), "略", newest)]
    for step, n in enumerate(range(int(number) - 1, 0, -1), start=1):
        rows.append(Version(f"V{n}", f"{base}v{n}", name, "歷史版本",
                            f"已被《{rows[-1].code}》取代", _years_earlier(newest, 2 * step)))
    return tuple(rows)


# ---------------------------------------------------------------- the standard


def build_standard(path: Path) -> tuple[Standard, tuple[Repair, ...]]:
    """The standard of one corpus file, with every repair and problem met on the way."""
    data = json.loads(path.read_text(encoding="utf-8"))
    repairs: list[Repair] = []
    meta = data.get("metadata") or {}
    info = data.get("basic_info") or {}
    code = clean(meta.get("code"))
    if not STANDARD_CODE.fullmatch(code):
        repairs.append(Repair("malformed-code", f"metadata.code {code!r}"))
    name = clean(meta.get("name"))
    if name.startswith(HISTORICAL_MARK):
        repairs.append(Repair("historical-mark-dropped", name))
        name = name[len(HISTORICAL_MARK):].strip()
    raw_level = info.get("level")
    level = raw_level if isinstance(raw_level, int) and 1 <= raw_level <= 7 else None
    categories = [
        *_categories("job_category", [info.get("category") or ""],
                     [info.get("category_code") or ""], repairs),
        *_categories("occupation", [info.get("occupation") or ""],
                     [info.get("occupation_code") or ""], repairs),
        *_categories("industry", list(info.get("industry") or []),
                     list(info.get("industry_code") or []), repairs),
    ]
    attitudes: list[Attitude] = []
    for raw in data.get("competency_attitudes") or []:
        a_name, a_text = clean(raw.get("name")), clean(raw.get("description"))
        if not a_name:
            repairs.append(Repair("attitude-skipped", f"{raw.get('code')}: no name"))
            continue
        code_a = f"A{len(attitudes) + 1:02d}"
        attitudes.append(Attitude(code_a, guard_item_tokens(a_name, code_a, repairs),
                                  guard_item_tokens(a_text, code_a, repairs)))
    standard = Standard(
        code=code,
        name=name,
        name_kind="職業",
        description=clean(info.get("job_description")),
        level=level,
        versions=_versions(meta, code, name, repairs),
        categories=tuple(categories),
        duties=_duties(data, level, repairs),
        attitudes=tuple(attitudes),
        qualifications=qualification_paragraphs(info.get("requirements"), repairs),
        supplementary=(),
        is_historical=path.name.startswith(HISTORICAL_MARK),
        extra={"four_number_codes": "1"}
        if any(r.rule == "fourth-number-dropped" for r in repairs) else {},
    )
    return standard, tuple(repairs)


def load_standard(path: Path) -> Standard:
    """The clean ``Standard`` of one corpus file (pure apart from reading the file)."""
    return build_standard(path)[0]


def corpus_files(directory: Path | None = None) -> list[Path]:
    """The corpus JSON files, sorted by name."""
    return sorted((directory or CORPUS_DIR).glob("*.json"), key=lambda p: p.name)


def all_standards(directory: Path | None = None) -> list[tuple[str, Standard]]:
    """(file stem, standard) for every corpus file, in file-name order."""
    return [(path.stem, load_standard(path)) for path in corpus_files(directory)]


def _texts(standard: Standard) -> list[str]:
    out = [standard.name, standard.description, *standard.qualifications]
    for duty in standard.duties:
        out.append(duty.name)
        for task in duty.tasks:
            out.append(task.name)
            out += [i.text for i in (*task.outputs, *task.indicators, *task.knowledge,
                                     *task.skills)]
    for attitude in standard.attitudes:
        out += [attitude.name, attitude.description]
    return out


def is_renderable(standard: Standard) -> bool:
    """Whether the standard can be laid out as a well-formed document: a valid code, a job
    description, at least one duty (a few corpus files lost these and cannot be repaired
    without inventing them) and no code-like token left in a text (a line wrap before it would
    print a new item)."""
    return bool(
        STANDARD_CODE.fullmatch(standard.code) and standard.description and standard.duties
        and not any(ITEM_TOKEN.search(text) for text in _texts(standard))
    )
