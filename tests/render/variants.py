"""Layout variants mixed into the round trip, declared once each: how a standard is printed
differently, and what the curated tables (and findings) must then be.

A ``Variant`` is data (its edits are functions in ``variant_edits``). Its name is the fixture it
generalises (README, "Layout variants"); it may
change the ``Standard`` before layout (codes printed `P.1.1.1`, level cells `34`, attitudes
without codes, 【註n】 glossary entries, …), print the main table with another header or without
a column (``MainTable``), edit the laid-out pages (the attitude section in the last task's table),
or — for code points the fast PDF font cannot print (private-use bullets, Kangxi radicals) — go
the text route with its text export edited. Its ``truth`` turns the plain truth (``truth.py``,
built from the changed standard) into what the pipeline must output for that print, and lists
the findings it must report, each (code, page, where): the variant is expressed and noticed,
not only survived.

``assign`` gives each corpus standard one main-table or back-matter variant, or none, and on top
of it each title or profile variant with its own odds (《歷史資料》 for about one in seven; several
categories in one row for every standard that lists several of a kind — only a few do), from an
RNG seeded with ``SEED`` and the file stem: the same every run, on every machine. Within a
document, which items a variant touches comes from an RNG seeded with the stem and the variants'
names.

Not mixed in: task groups and one task in several level blocks (the model prints one task per
block; their fixtures cover them), nested sub-tables and orphan rows (not parsed yet: rejected by
design).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.render.model import PagedDocument, Standard, TableRow
from tests.render.paginate import ROLES, MainTable
from tests.render.sample_layout import MAIN_HEADER, MAIN_WIDTHS
from tests.render.variant_edits import (
    TWO_ROW_HEADER,
    Expected,
    Truth,
    attitudes_in_main_table,
    attitudes_without_code,
    can_share_table,
    canonical_codes,
    categories_in_one_row,
    glossary_and_related,
    glossary_notes,
    has_ambiguous_glue,
    has_attitudes,
    historical,
    kinds_listed_twice,
    level_cells,
    levels_as_printed,
    no_duty_names,
    null_attitude_codes,
    odd_code_points,
    odd_code_points_removed,
    older_template,
    one_category_per_pair,
    printed_codes,
    private_use_in_text,
    sub_items_joined,
)

SEED = "icap-variants-1"


def _plain_standard(std: Standard, _rng: random.Random) -> Standard:
    return std


def _plain_truth(truth: Truth, _std: Standard) -> tuple[Truth, list[Expected]]:
    return truth, []


def _always(_std: Standard) -> bool:
    return True


@dataclass(frozen=True)
class Variant:
    name: str
    applies: Callable[[Standard], bool] = _always
    standard: Callable[[Standard, random.Random], Standard] = _plain_standard
    main: MainTable = field(default_factory=MainTable)
    pages: Callable[[PagedDocument], PagedDocument] | None = None
    # Set: the document goes the text route, its text export edited by this function.
    text: Callable[[str], str] | None = None
    truth: Callable[[Truth, Standard], tuple[Truth, list[Expected]]] = _plain_truth
    # None: one of the variants drawn for the main table. A number: drawn on its own with these
    # odds, on top of that one (a title or profile variant, which any other combines with).
    odds: float | None = None


# ---------------------------------------------------------------- the variants

VARIANTS: tuple[Variant, ...] = (
    Variant("header-duty-alias",
            main=MainTable(header=(TableRow(("工作職責", *MAIN_HEADER[1:])),))),
    Variant("header-no-duty-column",
            main=MainTable(header=(TableRow(MAIN_HEADER[1:]),), roles=ROLES[1:],
                           widths=(MAIN_WIDTHS[0] + MAIN_WIDTHS[1], *MAIN_WIDTHS[2:])),
            truth=no_duty_names),
    Variant("header-two-rows", main=MainTable(header=TWO_ROW_HEADER)),
    # K7 + a name starting with 2 prints K72…: parse reads it by the list around it (K6 < K7 <
    # K8, no K71–K73); where no reader could (K1 + 3D… prints K13 beside a real K13) the document
    # is rejected, so such standards are not printed in the older template.
    Variant("older-template", applies=lambda s: not has_ambiguous_glue(s),
            standard=older_template,
            main=MainTable(header=(TableRow(("工作任務", "工作活動", *MAIN_HEADER[2:])),)),
            truth=sub_items_joined),
    Variant("printed-codes", standard=printed_codes, truth=canonical_codes),
    Variant("level-cells", standard=level_cells, truth=levels_as_printed),
    Variant("attitudes-without-code", applies=has_attitudes, standard=attitudes_without_code,
            truth=null_attitude_codes),
    Variant("attitudes-shared-table", applies=can_share_table, pages=attitudes_in_main_table),
    Variant("notes-glossary", standard=glossary_and_related, truth=glossary_notes),
    Variant("historical-document", standard=historical, odds=0.15),
    # Only a few corpus standards list several categories of a kind: all of those print them so.
    Variant("several-categories", applies=lambda s: bool(kinds_listed_twice(s)),
            standard=categories_in_one_row, truth=one_category_per_pair, odds=1.0),
    # The fast route's CID font cannot encode these code points: the text route.
    Variant("private-use-kangxi", standard=private_use_in_text, text=odd_code_points,
            truth=odd_code_points_removed),
)
BY_NAME = {v.name: v for v in VARIANTS}
PLAIN = Variant("none")


def assign(stem: str, std: Standard) -> Variant:
    """The variant(s) a corpus standard is printed in, from an RNG seeded with ``SEED`` and the
    stem: one of the main-table variants that apply, or none, with the same odds; then each
    title or profile variant that applies, with its own odds. Several are combined."""
    rng = random.Random(f"{SEED}/{stem}")
    applying = [v for v in VARIANTS if v.applies(std)]
    chosen = [rng.choice([PLAIN, *(v for v in applying if v.odds is None)])]
    chosen += [v for v in applying if v.odds is not None and rng.random() < v.odds]
    return combine([v for v in chosen if v is not PLAIN] or [PLAIN])


def combine(variants: list[Variant]) -> Variant:
    """Several variants printed at once (each changes something the others do not touch)."""
    if len(variants) == 1:
        return variants[0]
    texts = [v.text for v in variants if v.text is not None]
    pages = [v.pages for v in variants if v.pages is not None]
    mains = [v.main for v in variants if v.main != MainTable()]
    assert len(texts) <= 1 and len(mains) <= 1 and len(pages) <= 1, variants

    def standard(std: Standard, rng: random.Random) -> Standard:
        for v in variants:
            std = v.standard(std, rng)
        return std

    def truth(tables: Truth, std: Standard) -> tuple[Truth, list[Expected]]:
        expected: list[Expected] = []
        for v in variants:
            tables, more = v.truth(tables, std)
            expected += more
        return tables, expected

    return Variant("+".join(v.name for v in variants), standard=standard,
                   main=mains[0] if mains else MainTable(), pages=pages[0] if pages else None,
                   text=texts[0] if texts else None, truth=truth)


def variant_rng(stem: str, variant: Variant) -> random.Random:
    return random.Random(f"{SEED}/{stem}/{variant.name}")
