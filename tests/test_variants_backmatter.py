"""The back matter (attitudes, 說明與補充事項) where a cold review of the layout variants found
silent guesses: each test is the reviewer's counter-example — the sample or a variant fixture
edited by one line — and what the pipeline must read from it, or report about it.
"""

from __future__ import annotations

from pipeline.records import GridRow
from pipeline.sections import parse_notes

# ---------------------------------------------------------------- notes


def test_a_glossary_marker_closing_a_paragraph_is_a_reference_not_an_entry() -> None:
    """`作業手冊。【註3】`: nothing follows the marker, so it is no 【註3】 entry of its own."""
    rows = (GridRow(7, ("其他補充說明：",)),
            GridRow(7, ("【註2】OPERATION：進出口作業程序，詳見業者之作業手冊。【註3】",)),
            GridRow(7, ("【註3】承攬運送：以自己之名義，為他人之計算。",)))
    notes, findings = parse_notes(rows, "X", [], [])
    assert findings == []
    assert [(n["section"], n["position"], n["text"]) for n in notes] == [
        ("glossary", 1, "【註2】OPERATION：進出口作業程序，詳見業者之作業手冊。【註3】"),
        ("glossary", 2, "【註3】承攬運送：以自己之名義，為他人之計算。")]


def test_a_glossary_marker_after_a_sentence_end_followed_by_text_still_starts_an_entry() -> None:
    rows = (GridRow(7, ("其他補充說明：",)),
            GridRow(7, ("【註1】甲：乙。 【註2】丙：丁。",)))
    notes, _ = parse_notes(rows, "X", [], [])
    assert [n["text"] for n in notes] == ["【註1】甲：乙。", "【註2】丙：丁。"]
