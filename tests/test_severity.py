"""The severity policy is held in one place: every finding code the pipeline creates is in it, and
no stage sets a severity of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.severity import POLICY, finding

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
# A finding created with a literal code: finding("code", … or Finding("code", "severity", …
_CREATED = re.compile(r'\b(finding|Finding)\(\s*"([a-z]+(?:-[a-z]+)+)"(?:,\s*"([a-z]+)")?')


def _created() -> list[tuple[str, str, str, str | None]]:
    return [(path.name, m.group(1), m.group(2), m.group(3))
            for path in sorted(PIPELINE.glob("*.py"))
            for m in _CREATED.finditer(path.read_text(encoding="utf-8"))]


def test_every_code_the_stages_create_is_in_the_policy() -> None:
    created = _created()
    assert len(created) > 60
    assert [(f, code) for f, _kind, code, _sev in created if code not in POLICY] == []


def test_a_severity_written_at_a_finding_agrees_with_the_policy() -> None:
    """Modules outside the reading stages still build Finding directly; their severity must be
    the policy's."""
    assert [(f, code, sev) for f, kind, code, sev in _created()
            if kind == "Finding" and sev is not None and sev != POLICY[code].severity] == []


def test_every_code_in_the_policy_is_created_somewhere() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in PIPELINE.glob("*.py")
                      if p.name != "severity.py")
    assert [code for code in POLICY if f'"{code}"' not in sources] == []


def test_unusual_source_is_a_warning_and_unreadable_is_an_error() -> None:
    for code in ("fourth-code-level", "unusual-standard-code", "missing-description",
                 "empty-name", "numbering-gap", "latin-wrap-joined"):
        assert POLICY[code].severity == "warning", code
    for code in ("uncovered-text", "unplaceable-cell", "ambiguous-code-digits",
                 "code-in-item-text"):
        assert POLICY[code].severity == "error", code


def test_the_lesser_case_exists_only_where_the_policy_names_it() -> None:
    assert finding("missing-section", None, "attitudes", "x", as_warning=True).severity == \
        "warning"
    with pytest.raises(ValueError):
        finding("uncovered-text", 1, "x", "y", as_warning=True)


def test_committed_findings_page_is_generated_from_the_policy() -> None:
    from pipeline.dictionary import render_findings
    from tests.conftest import REPO

    committed = (REPO / "docs" / "findings.md").read_text(encoding="utf-8")
    assert committed == render_findings(), "run `make docs` and commit the result"


def test_a_message_quotes_printed_text_without_extracts_word_break_marks() -> None:
    """Extract marks a word the layout broke (U+200B, ``layout.WORD_BREAK``); a finding quoting
    the cell (`基準級別 printed as 'N/A'`) shows the text as printed, not the mark (the cold
    review of the page-foot word found it in profile messages)."""
    from pipeline.layout import WORD_BREAK

    made = finding("unknown-table", 2, "y=700",
                   f"first row 'N/A{WORD_BREAK}' | 'HAC{WORD_BREAK}CP'")
    assert made.message == "first row 'N/A' | 'HACCP'"
