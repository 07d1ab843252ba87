"""Property-based tests: random well-formed standards, cut by random page breaks, round-trip
exactly through the text route; random damage ends in a validated result or a clear error,
never an unhandled exception."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.catalogue import document_rows
from pipeline.extract import extract_text_export
from pipeline.normalize import normalize_tables
from pipeline.order import sort_rows
from pipeline.parse import parse_document
from pipeline.records import Source, TableSet
from pipeline.spec import TABLES_BY_NAME
from pipeline.stitch import stitch_document
from pipeline.validate import validate_document
from tests.render.model import Attitude, Category, Coded, Duty, Standard, Task, Version
from tests.render.roundtrip import compare_tables
from tests.render.text_export import Break, cut_points, render_text_export
from tests.render.truth import truth_tables

# Everyday characters of the corpus, and full-width punctuation that must survive untouched.
CJK = "管理國際貨運輸作業規劃執行確認客戶需求安全風險評估標準程序資訊系統文件品質服務團隊人員協調"
PUNCT = "，、（）。"
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def cjk(min_size: int = 2, max_size: int = 14) -> st.SearchStrategy[str]:
    body = st.text(alphabet=CJK + PUNCT, min_size=min_size, max_size=max_size)
    # An item's text starts and ends with an ideograph, as printed items do.
    return st.tuples(st.sampled_from(CJK), body, st.sampled_from(CJK)).map("".join)


@st.composite
def standards(draw: st.DrawFn) -> Standard:
    k_names = draw(st.lists(cjk(), min_size=1, max_size=6, unique=True))
    s_names = draw(st.lists(cjk(), min_size=1, max_size=6, unique=True))
    knowledge = [Coded(f"K{i:02d}", n) for i, n in enumerate(k_names, 1)]
    skills = [Coded(f"S{i:02d}", n) for i, n in enumerate(s_names, 1)]
    duties = []
    for d in range(1, draw(st.integers(1, 3)) + 1):
        tasks = []
        for t in range(1, draw(st.integers(1, 3)) + 1):
            code = f"{d}.{t}"
            tasks.append(Task(
                code=f"T{code}", name=draw(cjk()), level=str(draw(st.integers(1, 7))),
                outputs=tuple(Coded(f"O{code}.{i}", draw(cjk()))
                              for i in range(1, draw(st.integers(0, 2)) + 1)),
                indicators=tuple(Coded(f"P{code}.{i}", draw(cjk(4, 30)))
                                 for i in range(1, draw(st.integers(1, 4)) + 1)),
                knowledge=tuple(sorted(draw(st.sets(st.sampled_from(knowledge), min_size=1)),
                                       key=lambda c: c.code)),
                skills=tuple(sorted(draw(st.sets(st.sampled_from(skills), min_size=1)),
                                    key=lambda c: c.code)),
            ))
        duties.append(Duty(f"T{d}", draw(cjk()), tuple(tasks)))
    return Standard(
        code="ABC1234-001v2", name=draw(cjk()), name_kind=draw(st.sampled_from(["職業", "職類"])),
        description=draw(cjk(4, 40)), level=draw(st.integers(1, 7)),
        versions=(Version("V2", "ABC1234-001v2", "甲", "最新版本", "略", "2025/12/15"),
                  Version("V1", "ABC1234-001v1", "甲", "歷史版本", "已被《ABC1234-001v2》取代",
                          "2023/12/15")),
        categories=(Category("job_category", draw(cjk()), "ABC"),
                    Category("occupation", draw(cjk()), "1234"),
                    Category("industry", draw(cjk()), "H52")),
        duties=tuple(duties),
        attitudes=tuple(Attitude(f"A{i:02d}", draw(cjk()), draw(cjk(4, 30)))
                        for i in range(1, draw(st.integers(0, 3)) + 1)),
        qualifications=tuple(draw(st.lists(cjk(4, 30), max_size=2))),
        supplementary=(),
    )


@st.composite
def broken_pages(draw: st.DrawFn, std: Standard) -> list[Break]:
    """Page breaks after random blocks, each cutting random cells at an exact-join point."""
    from tests.render.paginate import _row_cells

    rows = _row_cells(std)
    breaks = []
    for block_no in sorted(draw(st.sets(st.integers(1, len(rows)), max_size=len(rows)))):
        cuts = {}
        for col, paragraphs in enumerate(rows[block_no - 1][1]):
            text = " ".join(paragraphs)
            points = cut_points(text)
            if col == 4 or not points or not draw(st.booleans()):
                continue
            cuts[col] = draw(st.sampled_from(points))
        breaks.append(Break(block_no, cuts))
    return breaks


def run_text(text: str, name: str = "generated.txt") -> TableSet:
    source = Source(name, hashlib.sha256(text.encode()).hexdigest(), "text", 0)
    doc = extract_text_export(text, source)
    return validate_document(normalize_tables(parse_document(stitch_document(doc))))


@SETTINGS
@given(st.data())
def test_random_standards_with_random_page_breaks_round_trip_exactly(data: st.DataObject
                                                                     ) -> None:
    std = data.draw(standards())
    breaks = data.draw(broken_pages(std))
    text, placement = render_text_export(std, breaks)
    doc = run_text(text)
    assert not doc.is_rejected, [f for f in doc.findings if f.severity == "error"]
    truth = truth_tables(std, placement, "generated.txt", doc.source.sha256, "text")
    result = compare_tables("generated", document_rows(doc), {
        t: sort_rows(TABLES_BY_NAME[t], rows) for t, rows in truth.items()})
    assert result.differences == []
    splits = sum(1 for f in doc.findings if f.code == "split-cell-joined")
    assert splits == sum(1 for key, pages in placement.items.items() if len(pages) == 2)
    event(f"cells split inside an item: {min(splits, 3)}{'+' if splits >= 3 else ''}")


def _mutate(text: str, kind: str, draw: st.DrawFn) -> str:
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.count("\t") >= 6]
    if kind == "garbage":
        at = draw(st.integers(0, len(text)))
        junk = draw(st.text(min_size=1, max_size=20))
        return text[:at] + junk + text[at:]
    if not rows:
        return text
    index = draw(st.sampled_from(rows))
    cells = lines[index].split("\t")
    if kind == "drop":
        cells[draw(st.integers(0, len(cells) - 1))] = ""
    elif kind == "shuffle":
        cells = draw(st.permutations(cells))
    elif kind == "delete-line":
        del lines[index]
        return "\n".join(lines)
    lines[index] = "\t".join(cells)
    return "\n".join(lines)


@SETTINGS
@given(st.data())
def test_damaged_exports_validate_or_fail_clearly(data: st.DataObject) -> None:
    std = data.draw(standards())
    text, _ = render_text_export(std, data.draw(broken_pages(std)))
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["garbage", "drop", "shuffle", "delete-line"]))
        text = _mutate(text, kind, data.draw)
    doc = run_text(text)  # must not raise
    if doc.is_rejected:
        assert any(f.severity == "error" and f.code and f.message for f in doc.findings)
    else:
        assert all(f.severity != "error" for f in doc.findings)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(tmp_path_factory: object, data: bytes) -> None:
    from pipeline.extract import UnsupportedSource, extract_file

    path = Path(str(tmp_path_factory.getbasetemp())) / "bytes.txt"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        doc = extract_file(path)
    except UnsupportedSource as exc:
        assert exc.code and str(exc)
        return
    result = validate_document(normalize_tables(parse_document(stitch_document(doc))))
    # Random bytes are never a standard: the document is rejected, with a stated reason.
    assert result.is_rejected
    assert any(f.severity == "error" and f.message for f in result.findings)
