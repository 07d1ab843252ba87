"""One document's layout and content parameters, drawn from a seeded ``random.Random``.

A ``LayoutParams`` says everything a renderer needs besides the standard: engine, paper, font,
the main table's columns and header, how the back matter is printed, page furniture, and which
content variants the standard is printed with. It is recorded with every result (and in every
committed fixture's JSON), so a failing layout can be rendered again and the runner can break
its figures down by any field. The forms themselves are in ``forms``; here are only the odds.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

from tests.layouts import forms

# Template proportions of the seven main-table columns (duty, task, output, indicator, level,
# knowledge, skill) as the sample prints them; each layout scales every one by a random factor.
TEMPLATE_WIDTHS = (58.0, 74.0, 62.0, 131.0, 32.0, 77.0, 77.0)


@dataclass(frozen=True)
class LayoutParams:
    engine: str
    paper: str
    orientation: str
    margin_mm: float
    font: str
    font_size: float
    line_spacing: float
    cell_padding: float
    # Main table: column proportions (one per role of ``forms`` order, the duty's kept even when
    # the column is not printed), a level column one character wide, the duty cell merged.
    widths: tuple[float, ...]
    narrow_level: bool
    duty_column: bool
    duty_merged: bool
    header_rows: int
    duty_word: str
    older_template: bool
    k_head: int  # index into forms.K_HEADS / S_HEADS (the same punctuation for both)
    level_word: str
    spanned_lower: int  # index into forms.SPANNED_LOWER (two- and three-row headers)
    cell_bullet: str | None
    # Back matter.
    attitude_form: str
    attitude_title: str
    attitude_title_place: str
    attitude_colon: str
    notes_form: str
    notes_title: str
    notes_title_place: str
    back_bullet: str
    qualification_heading: str
    supplementary_heading: str
    # Page furniture.
    footer: str | None
    footer_digits_apart: bool
    page_header: str | None
    # Content variants (the standard printed differently; the truth follows).
    four_number_codes: bool
    odd_code: str | None
    no_description: bool
    output_without_name: bool
    attitudes_without_code: bool
    odd_levels: bool
    latin_in_narrow: bool
    # Added later (defaults keep older fixture JSON readable).
    repeat_header: bool = True
    code_space: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LayoutParams:
        data = dict(data)
        data["widths"] = tuple(data["widths"])
        return cls(**data)

    @property
    def content_variants(self) -> tuple[str, ...]:
        """Names of the content variants this document prints (for the runner's breakdown)."""
        out = [name for name in ("four_number_codes", "no_description", "output_without_name",
                                 "attitudes_without_code", "odd_levels", "latin_in_narrow")
               if getattr(self, name)]
        if self.odd_code:
            out.append("odd_code")
        return tuple(out)


def _bullet(rng: random.Random, font: str) -> str:
    glyphs = list(forms.BULLETS)
    if font in forms.FONTS_WITH_PRIVATE_USE:
        glyphs += forms.PRIVATE_USE_BULLETS
    return rng.choice(glyphs)


def draw(rng: random.Random, *, four_number_codes: bool = False,
         has_attitudes: bool = True) -> LayoutParams:
    """One layout. ``four_number_codes``: the standard printed such codes (always kept);
    ``has_attitudes``: attitude variants only where there are attitudes."""
    engine = rng.choice(forms.ENGINES)
    font = rng.choice(forms.FONTS)[0]
    latin = rng.random() < 0.15
    widths = [w * rng.uniform(0.55, 1.8) for w in TEMPLATE_WIDTHS]
    if latin:
        widths[2] = TEMPLATE_WIDTHS[2] * rng.uniform(0.35, 0.5)  # output column: words wrap
    header_rows = rng.choice(forms.HEADER_ROWS)
    older = rng.random() < 0.15
    return LayoutParams(
        engine=engine,
        paper=rng.choice(list(forms.PAPERS)),
        orientation=rng.choice(forms.ORIENTATIONS),
        margin_mm=round(rng.uniform(10.0, 25.0), 1),
        font=font,
        font_size=rng.choice(forms.FONT_SIZES_PT),
        line_spacing=rng.choice(forms.LINE_SPACINGS),
        cell_padding=rng.choice(forms.CELL_PADDINGS_PT),
        widths=tuple(round(w, 1) for w in widths),
        narrow_level=rng.random() < 0.3,
        duty_column=older or rng.random() < 0.85,
        duty_merged=rng.random() < 0.75,
        header_rows=header_rows,
        duty_word=forms.OLDER_TEMPLATE[0] if older else rng.choice(forms.DUTY_WORDS),
        older_template=older,
        k_head=rng.randrange(len(forms.K_HEADS)),
        level_word=rng.choice(forms.LEVEL_WORDS),
        spanned_lower=rng.randrange(len(forms.SPANNED_LOWER)),
        cell_bullet=_bullet(rng, font) if rng.random() < 0.25 else None,
        attitude_form=rng.choice(forms.ATTITUDE_FORMS),
        attitude_title=rng.choice(forms.ATTITUDE_TITLES),
        attitude_title_place=rng.choice(forms.TITLE_PLACES),
        attitude_colon=rng.choice(forms.ATTITUDE_COLONS),
        notes_form=rng.choice(forms.NOTES_FORMS),
        notes_title=rng.choice(forms.NOTES_TITLES),
        notes_title_place=rng.choice(forms.TITLE_PLACES),
        back_bullet=_bullet(rng, font),
        qualification_heading=rng.choice(forms.QUALIFICATION_HEADINGS),
        supplementary_heading=rng.choice(forms.SUPPLEMENTARY_HEADINGS),
        footer=rng.choice(forms.FOOTERS),
        footer_digits_apart=rng.random() < 0.3,
        page_header=rng.choice(forms.PAGE_HEADERS) if rng.random() < 0.2 else None,
        four_number_codes=four_number_codes or rng.random() < 0.1,
        odd_code=rng.choice(forms.ODD_CODE_FORMS) if rng.random() < 0.1 else None,
        no_description=rng.random() < 0.08,
        output_without_name=rng.random() < 0.1,
        attitudes_without_code=has_attitudes and rng.random() < 0.1,
        odd_levels=rng.random() < 0.12,
        latin_in_narrow=latin,
        repeat_header=rng.random() < 0.85,
        code_space=rng.choice(forms.CODE_SPACES),
    )
