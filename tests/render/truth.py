"""The curated rows a rendered Standard must yield: built from the structure, never parsed.

Together with ``Placement`` (the pages the paginator put each line on) this is the whole truth of
a look-alike PDF, field for field, so the round trip can compare every column of every table.
"""

from __future__ import annotations

from typing import Any

from tests.render.model import Coded, Standard
from tests.render.paginate import Placement

Row = dict[str, Any]


def _span(pages: list[int]) -> dict[str, int]:
    return {"page_start": min(pages), "page_end": max(pages)}


def _level(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= 7 else None


def truth_tables(std: Standard, placement: Placement, source_file: str, sha256: str,
                 source_format: str = "pdf") -> dict[str, list[Row]]:
    code = std.code
    base: Row = {"standard_code": code}
    id_part, version = code.rsplit("v", 1)
    out: dict[str, list[Row]] = {name: [] for name in (
        "standards", "standard_categories", "versions", "duties", "tasks", "blocks",
        "block_tasks", "outputs", "indicators", "knowledge", "skills", "attitudes",
        "task_knowledge", "task_skills", "notes")}
    out["standards"].append({
        **base, "standard_id": id_part, "version": int(version), "name": std.name,
        "name_kind": std.name_kind, "description": std.description, "level": std.level,
        "is_historical": std.is_historical, "page_start": 1, "page_end": placement.page_count,
        "source_file": source_file, "source_sha256": sha256, "source_format": source_format,
    })
    for kind in ("job_category", "occupation", "industry"):
        for position, category in enumerate((c for c in std.categories if c.kind == kind), 1):
            out["standard_categories"].append({
                **base, "kind": kind, "position": position, "name": category.name,
                "code": category.code, "page_start": 1, "page_end": 1})
    for position, v in enumerate(std.versions, start=1):
        updated_on = None
        if v.date:
            year, month, day = v.date.split("/")
            updated_on = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        out["versions"].append({
            **base, "position": position, "version_label": v.label, "listed_code": v.code,
            "name": v.name, "status": v.status, "note": v.note or None,
            "updated_on": updated_on,
            "page_start": 1, "page_end": 1})

    first_printing: dict[tuple[str, str], Row] = {}
    descriptions = {}
    for paragraph in std.supplementary:
        title, _, text = paragraph.partition("：")
        descriptions.setdefault(title, text)
    block_no = 0
    for duty_position, duty in enumerate(std.duties, start=1):
        duty_pages: list[int] = []
        for task_position, task in enumerate(duty.tasks, start=1):
            block_no += 1
            pages = placement.blocks[block_no]
            duty_pages += pages
            out["blocks"].append({**base, "block_no": block_no, "level": _level(task.level),
                                  "level_text": task.level or None, **_span(pages)})
            out["block_tasks"].append({**base, "block_no": block_no, "task_code": task.code,
                                       "position": 1})
            out["tasks"].append({**base, "task_code": task.code, "duty_code": duty.code,
                                 "position": task_position, "name": task.name,
                                 "level": _level(task.level), **_span(pages)})

            def item_pages(role: str, index: int, number: int = block_no) -> dict[str, int]:
                return _span(placement.items[(number, role, index)])

            for i, o in enumerate(task.outputs):
                out["outputs"].append({**base, "output_code": o.code, "task_code": task.code,
                                       "block_no": block_no, "name": o.text,
                                       **item_pages("output", i)})
            for i, p in enumerate(task.indicators):
                out["indicators"].append({**base, "indicator_code": p.code,
                                          "task_code": task.code, "block_no": block_no,
                                          "text": p.text, **item_pages("indicator", i)})
            for role, table, links, col in (
                ("knowledge", "knowledge", "task_knowledge", "knowledge_code"),
                ("skill", "skills", "task_skills", "skill_code"),
            ):
                items: tuple[Coded, ...] = task.knowledge if role == "knowledge" else task.skills
                for i, item in enumerate(items):
                    pages_of = item_pages(role, i)
                    out[links].append({**base, "task_code": task.code, col: item.code,
                                       "block_no": block_no, "position": i + 1, **pages_of})
                    if (role, item.code) not in first_printing:
                        first_printing[(role, item.code)] = {
                            **base, col: item.code, "name": item.text,
                            "description": descriptions.get(item.text) or None, **pages_of}
                        out[table].append(first_printing[(role, item.code)])
        out["duties"].append({**base, "duty_code": duty.code, "position": duty_position,
                              "name": duty.name, **_span(duty_pages)})
    for i, a in enumerate(std.attitudes):
        page = placement.back[("attitude", i)]
        out["attitudes"].append({**base, "position": i + 1, "attitude_code": a.code,
                                 "name": a.name, "description": a.description or None,
                                 "page_start": page, "page_end": page})
    names = {r["name"]: r["knowledge_code"] for r in out["knowledge"]}
    names.update({r["name"]: r["skill_code"] for r in out["skills"]})
    for section, paragraphs in (("qualifications", std.qualifications),
                                ("supplementary", std.supplementary),
                                ("related_categories", std.related_categories)):
        for i, text in enumerate(paragraphs):
            page = placement.back[("note", section, i)]
            title = text.partition("：")[0] if section == "supplementary" else None
            out["notes"].append({**base, "section": section, "position": i + 1, "text": text,
                                 "refers_to": names.get(title) if title else None,
                                 "page_start": page, "page_end": page})
    return out
