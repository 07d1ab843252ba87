"""Round trip on real-content standards: every field of every table equals the rendered truth.

`make roundtrip` runs all of them; this runs a fixed subset that covers the shortest and longest
documents, a historical one, a task name that starts with a digit (`T1.2` + `2D…`), codes printed
with a trailing period, and a Latin word wider than its cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.corpus import all_standards, is_renderable
from tests.render.model import Standard
from tests.render.roundtrip import roundtrip_standard

NAMED = (
    "展覽裝潢業展場設計師-職能基準",
    "鏟裝機維修助理-職能基準",
    "雲端系統維運人員-職能基準",
    "《歷史資料》新藥開發人員-職能基準",
)


def _subset() -> list[tuple[str, Standard]]:
    standards = [(stem, std) for stem, std in all_standards() if is_renderable(std)]
    by_size = sorted(standards, key=lambda s: (sum(len(d.tasks) for d in s[1].duties), s[0]))
    chosen = {stem: std for stem, std in standards if stem in NAMED}
    chosen.update([by_size[0], by_size[-1]])
    return sorted(chosen.items())


@pytest.mark.parametrize(("stem", "std"), _subset(), ids=lambda v: v if isinstance(v, str) else "")
def test_rendered_standard_round_trips_exactly(stem: str, std: Standard,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = Path(tmp_path_factory.getbasetemp()) / "roundtrip"
    result = roundtrip_standard(stem, std, cache)
    assert result.errors == []
    assert result.differences == []
    assert sum(result.fields.values()) > 100  # the comparison really covered the document
