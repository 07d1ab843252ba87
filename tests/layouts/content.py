"""Content variants: a corpus ``Standard`` changed the way some real standards print, and the
truth fields that change with it.

Each variant is a parameter of ``LayoutParams`` (so the runner reports it apart) and stands for
something the real catalogue prints [corpus]: codes with a fourth number (``P1.2.1.1``,
``O1.1.1.1``), a standard code that is not three letters + four digits (``FISI223-002v2``), no
工作描述, an output printed as its code alone, attitudes without codes, levels such as ``34`` or
``4級以上``; and a Latin word in a narrow output cell (``HACCP…``), which the engine must break
inside the word. Which items a variant touches comes from an RNG seeded with the document's seed,
so the same parameters always print the same standard.

The printed ``Standard`` carries the codes as printed (the truth's codes follow it). What a
``Standard`` cannot say — a field the pipeline must export as null because nothing is printed
for it — is applied to the truth by ``null_fields``.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from tests.layouts import forms
from tests.layouts.params import LayoutParams
from tests.render.model import Attitude, Coded, Standard, Task, Version

Truth = dict[str, list[dict[str, Any]]]


def _map_tasks(std: Standard, change: Any) -> Standard:
    duties = tuple(dataclasses.replace(d, tasks=tuple(change(t) for t in d.tasks))
                   for d in std.duties)
    return dataclasses.replace(std, duties=duties)


def _four_number(task: Task) -> Task:
    """Indicators printed P{duty}.{task}.1.{n}, outputs O{duty}.{task}.1.{n}: the fourth number
    counts within the first output, as the real standards that print them group indicators."""
    stem = task.code[1:]
    return dataclasses.replace(
        task,
        indicators=tuple(Coded(f"P{stem}.1.{n}", p.text)
                         for n, p in enumerate(task.indicators, start=1)),
        outputs=tuple(Coded(f"O{stem}.1.{n}", o.text)
                      for n, o in enumerate(task.outputs, start=1)))


def odd_code(code: str, form: str) -> str:
    """The standard's code printed in another real shape (``RTM1324-002v4`` → ``RTMR132-002v4``
    for the four-letter form), keeping its serial number and version."""
    letters, digits = code[:3], code[3:7]
    serial, version = code[8:].split("v")
    return form.format(l4=letters + letters[0], d3=digits[:3], d4=digits, l3=letters,
                       l2=letters[:2], l1="A", n3=serial, v=version)


def _odd_versions(versions: tuple[Version, ...], form: str) -> tuple[Version, ...]:
    renamed = {v.code: odd_code(v.code, form) for v in versions}
    out = []
    for v in versions:
        note = v.note
        for old, new in renamed.items():
            note = note.replace(f"《{old}》", f"《{new}》")
        out.append(dataclasses.replace(v, code=renamed[v.code], note=note))
    return tuple(out)


def _odd_level(task: Task, rng: random.Random) -> Task:
    if not task.level.isdigit():
        return task
    level = int(task.level)
    a, b = (level, level + 1) if level < 7 else (level - 1, level)
    return dataclasses.replace(task, level=rng.choice(forms.ODD_LEVEL_FORMS).format(a=a, b=b))


def printed_standard(std: Standard, params: LayoutParams, seed: str) -> Standard:
    """The standard as this document prints it (every content variant of ``params`` applied)."""
    rng = random.Random(f"{seed}/content")
    if params.four_number_codes:
        std = _map_tasks(std, _four_number)
    if params.odd_code:
        std = dataclasses.replace(std, code=odd_code(std.code, params.odd_code),
                                  versions=_odd_versions(std.versions, params.odd_code))
    if params.no_description:
        std = dataclasses.replace(std, description="")
    if params.latin_in_narrow:
        word = rng.choice(forms.LATIN_WORDS)
        std = _map_tasks(std, lambda t: dataclasses.replace(t, outputs=tuple(
            Coded(o.code, word + o.text) for o in t.outputs)))
    if params.output_without_name:
        tasks = [t for d in std.duties for t in d.tasks if t.outputs]
        chosen = {t.code for t in tasks if rng.random() < 0.5} or {t.code for t in tasks[:1]}
        std = _map_tasks(std, lambda t: dataclasses.replace(t, outputs=tuple(
            Coded(o.code, "") for o in t.outputs)) if t.code in chosen else t)
    if params.attitudes_without_code:
        std = dataclasses.replace(std, attitudes=tuple(
            Attitude("", a.name, a.description) for a in std.attitudes))
    if params.odd_levels:
        tasks = [t.code for d in std.duties for t in d.tasks]
        chosen = {c for c in tasks if rng.random() < 0.3} or set(tasks[:1])
        std = _map_tasks(std, lambda t: _odd_level(t, rng) if t.code in chosen else t)
    return std


def null_fields(truth: Truth, std: Standard, params: LayoutParams) -> Truth:
    """Fields printed empty are null in the export: a duty's name when the table has no duty
    column, 工作描述, an output's name, an attitude's code,
    and an attitude's description when the attitudes are listed by name only (``oneline``,
    ``names``)."""
    out = dict(truth)
    if not params.duty_column:
        out["duties"] = [{**r, "name": None} for r in truth["duties"]]
    if not std.description:
        out["standards"] = [{**r, "description": None} for r in truth["standards"]]
    out["outputs"] = [{**r, "name": r["name"] or None} for r in truth["outputs"]]
    out["attitudes"] = [
        {**r, "attitude_code": r["attitude_code"] or None,
         "description": (None if params.attitude_form in ("oneline", "names")
                         else r["description"])}
        for r in truth["attitudes"]]
    return out
