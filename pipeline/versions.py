"""Across versions of one standard: which is latest, whether version tables agree, what changed.

Runs on the assembled catalogue (export), never on source documents. Changes are row-level, like
ESCO's delta files: each added, removed, changed or renumbered item of consecutive versions present
in the catalogue.

Matching rule (documented in docs/audits.md): items are paired by code when their texts are similar;
an item whose code disappeared is paired with a new code whose text is at least
``RENUMBER_SIMILARITY`` similar (difflib ratio, best pairs first) and reported ``renumbered`` —
not as a removal plus an addition; remaining same-code pairs are ``changed``. Parent codes (a
task's duty, an indicator's task) and link keys are compared through these pairings, so renumbering
a task does not also report every link it has.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from pipeline.order import natural_key
from pipeline.records import Row

RENUMBER_SIMILARITY = 0.8

# Findings this module adds; they describe pairs of documents, so they are recomputed each time.
CROSS_DOCUMENT_CODES = frozenset({"version-table-disagrees", "version-missing-from-table"})


@dataclass(frozen=True)
class Entity:
    """How one kind of item is keyed, which text identifies it, and which fields are compared."""

    name: str
    table: str
    key: Callable[[Row], str]
    text: str
    fields: tuple[str, ...]
    parents: tuple[tuple[str, str], ...] = ()  # (field, entity whose pairing maps it)


def _col(name: str) -> Callable[[Row], str]:
    return lambda row: str(row[name])


ENTITIES: tuple[Entity, ...] = (
    Entity("duty", "duties", _col("duty_code"), "name", ("name",)),
    Entity("task", "tasks", _col("task_code"), "name", ("name", "level", "duty_code"),
           (("duty_code", "duty"),)),
    Entity("output", "outputs", _col("output_code"), "name", ("name", "task_code"),
           (("task_code", "task"),)),
    Entity("indicator", "indicators", _col("indicator_code"), "text", ("text", "task_code"),
           (("task_code", "task"),)),
    Entity("knowledge", "knowledge", _col("knowledge_code"), "name", ("name", "description")),
    Entity("skill", "skills", _col("skill_code"), "name", ("name", "description")),
    Entity("attitude", "attitudes",
           lambda r: str(r["attitude_code"] or f"#{r['position']}"), "name",
           ("name", "description")),
    Entity("note", "notes", lambda r: f"{r['section']}#{r['position']}", "text",
           ("text", "refers_to")),
)
LINKS = (("task_knowledge", "task_knowledge", "knowledge_code", "knowledge"),
         ("task_skill", "task_skills", "skill_code", "skill"))
PROFILE_FIELDS = ("name", "name_kind", "description", "level", "is_historical")
VERSION_FIELDS = ("version_label", "name", "status", "note", "updated_on")


def mark_latest(standards: list[Row]) -> list[Row]:
    """Each standards row with is_latest: the highest version of its standard_id present."""
    highest: dict[str, int] = {}
    for row in standards:
        highest[row["standard_id"]] = max(highest.get(row["standard_id"], 0), row["version"])
    return [{**r, "is_latest": r["version"] == highest[r["standard_id"]]} for r in standards]


def _similarity(a: object, b: object) -> float:
    return difflib.SequenceMatcher(None, str(a or ""), str(b or "")).ratio()


def pair_items(old: dict[str, Row], new: dict[str, Row], text: str
               ) -> list[tuple[str | None, str | None]]:
    """(old key, new key) pairs; None on one side for a removal or an addition."""
    pairs: list[tuple[str | None, str | None]] = []
    old_left, new_left = set(old), set(new)
    for key in sorted(old_left & new_left, key=natural_key):
        if _similarity(old[key][text], new[key][text]) >= RENUMBER_SIMILARITY:
            pairs.append((key, key))
            old_left.discard(key)
            new_left.discard(key)
    scored = sorted(
        ((_similarity(old[o][text], new[n][text]), o, n) for o in old_left for n in new_left),
        key=lambda s: (-s[0], natural_key(s[1]), natural_key(s[2])),
    )
    for score, o, n in scored:
        if score < RENUMBER_SIMILARITY:
            break
        if o in old_left and n in new_left:
            pairs.append((o, n))
            old_left.discard(o)
            new_left.discard(n)
    for key in sorted(old_left & new_left, key=natural_key):
        pairs.append((key, key))
        old_left.discard(key)
        new_left.discard(key)
    pairs += [(o, None) for o in old_left] + [(None, n) for n in new_left]
    # In code order (the new code, the old one for a removal): a removed S12 next to the S13
    # renumbered S12.
    return sorted(pairs, key=lambda p: (natural_key(p[1] if p[1] is not None else p[0]),
                                        p[1] is None))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _change(ctx: dict[str, str], entity: str, key: str, name: object, change: str,
            field: str | None = None, old: object = None, new: object = None) -> Row:
    return {**ctx, "entity": entity, "key": key, "name": _text(name), "change": change,
            "field": field, "old_value": _text(old), "new_value": _text(new)}


def compare_versions(old: dict[str, list[Row]], new: dict[str, list[Row]]) -> list[Row]:
    """Every change from one version's tables to the next's (both restricted to one document)."""
    old_std, new_std = old["standards"][0], new["standards"][0]
    ctx = {"standard_id": new_std["standard_id"], "from_code": old_std["standard_code"],
           "to_code": new_std["standard_code"]}
    changes: list[Row] = []
    for field in PROFILE_FIELDS:
        if old_std[field] != new_std[field]:
            changes.append(_change(ctx, "profile", "standard", None, "changed", field,
                                   old_std[field], new_std[field]))
    _compare_keyed(ctx, "profile", old["standard_categories"], new["standard_categories"],
                   lambda r: f"{r['kind']}#{r['position']}", ("name", "code"), changes)
    _compare_keyed(ctx, "version", old["versions"], new["versions"],
                   lambda r: str(r["listed_code"]), VERSION_FIELDS, changes)

    mapping: dict[str, dict[str, str]] = {}
    names: dict[str, tuple[dict[str, Row], dict[str, Row], str]] = {}
    for entity in ENTITIES:
        old_rows = {entity.key(r): r for r in old[entity.table]}
        new_rows = {entity.key(r): r for r in new[entity.table]}
        names[entity.name] = (old_rows, new_rows, entity.text)
        mapping[entity.name] = {}
        for o, n in pair_items(old_rows, new_rows, entity.text):
            if o is None and n is not None:
                changes.append(_change(ctx, entity.name, n, new_rows[n][entity.text], "added"))
                continue
            if n is None and o is not None:
                changes.append(_change(ctx, entity.name, o, old_rows[o][entity.text],
                                       "removed"))
                continue
            assert o is not None and n is not None
            mapping[entity.name][o] = n
            name = new_rows[n][entity.text]
            if o != n:
                changes.append(_change(ctx, entity.name, n, name, "renumbered", "code", o, n))
            parents = dict(entity.parents)
            for field in entity.fields:
                before, after = old_rows[o][field], new_rows[n][field]
                if field in parents:
                    before = mapping[parents[field]].get(before, before)
                if before != after:
                    changes.append(_change(ctx, entity.name, n, name, "changed", field, before,
                                           after))
    for entity_name, table, item_col, item_entity in LINKS:
        def link_key(r: Row, remap: bool, col: str = item_col, ent: str = item_entity) -> str:
            task, item = r["task_code"], r[col]
            if remap:
                task = mapping["task"].get(task, task)
                item = mapping[ent].get(item, item)
            return f"{task}/{item}"
        old_items, new_items, text = names[item_entity]
        before_links = {link_key(r, True): old_items.get(r[item_col], {}).get(text)
                        for r in old[table]}
        after_links = {link_key(r, False): new_items.get(r[item_col], {}).get(text)
                       for r in new[table]}
        changes += [_change(ctx, entity_name, k, before_links[k], "removed")
                    for k in sorted(before_links.keys() - after_links.keys(), key=natural_key)]
        changes += [_change(ctx, entity_name, k, after_links[k], "added")
                    for k in sorted(after_links.keys() - before_links.keys(), key=natural_key)]
    return changes


def _compare_keyed(ctx: dict[str, str], entity: str, old: list[Row], new: list[Row],
                   key: Callable[[Row], str], fields: tuple[str, ...], changes: list[Row]
                   ) -> None:
    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    for k in sorted(before.keys() - after.keys(), key=natural_key):
        changes.append(_change(ctx, entity, k, before[k]["name"], "removed"))
    for k in sorted(after.keys() - before.keys(), key=natural_key):
        changes.append(_change(ctx, entity, k, after[k]["name"], "added"))
    for k in sorted(before.keys() & after.keys(), key=natural_key):
        for field in fields:
            if before[k][field] != after[k][field]:
                changes.append(_change(ctx, entity, k, after[k]["name"], "changed", field,
                                       before[k][field], after[k][field]))


def split_by_standard(tables: dict[str, list[Row]]) -> dict[str, dict[str, list[Row]]]:
    """standard_code → that document's rows of every table."""
    out: dict[str, dict[str, list[Row]]] = {}
    codes = [r["standard_code"] for r in tables["standards"]]
    for code in codes:
        out[code] = {name: [] for name in tables}
    for name, rows in tables.items():
        for row in rows:
            code = row.get("standard_code")
            if code in out:
                out[code][name].append(row)
    return out


def consecutive_pairs(standards: list[Row]) -> list[tuple[str, str]]:
    """(older code, newer code) for consecutive versions of each standard present."""
    by_id: dict[str, list[Row]] = {}
    for row in standards:
        by_id.setdefault(row["standard_id"], []).append(row)
    pairs = []
    for standard_id in sorted(by_id):
        ordered = sorted(by_id[standard_id], key=lambda r: r["version"])
        pairs += [(a["standard_code"], b["standard_code"]) for a, b in pairwise(ordered)]
    return pairs


def cross_check_version_tables(documents: dict[str, dict[str, list[Row]]]
                               ) -> dict[str, list[dict[str, Any]]]:
    """Findings (as code → list of finding dicts) where a newer document's version table
    disagrees with an older document present in the catalogue."""
    out: dict[str, list[dict[str, Any]]] = {}
    by_id: dict[str, list[str]] = {}
    for code, doc in documents.items():
        by_id.setdefault(doc["standards"][0]["standard_id"], []).append(code)
    for codes in by_id.values():
        for newer in codes:
            new_std = documents[newer]["standards"][0]
            listed = {v["listed_code"]: v for v in documents[newer]["versions"]}
            for older in codes:
                old_doc = documents[older]
                old_std = old_doc["standards"][0]
                if old_std["version"] >= new_std["version"]:
                    continue
                row = listed.get(older)
                if row is None:
                    out.setdefault(newer, []).append({
                        "code": "version-missing-from-table", "severity": "warning",
                        "page": None, "where": f"versions:{older}",
                        "message": f"{older} is in the catalogue but not in {newer}'s "
                                   "version table"})
                    continue
                own = next((v for v in old_doc["versions"] if v["listed_code"] == older), None)
                problems = []
                if own is not None and own["updated_on"] != row["updated_on"]:
                    problems.append(f"dated {row['updated_on']} here, {own['updated_on']} in "
                                    f"{older} itself")
                if row["name"] != old_std["name"]:
                    problems.append(f"named {row['name']!r} here, {old_std['name']!r} in "
                                    f"{older} itself")
                for problem in problems:
                    out.setdefault(newer, []).append({
                        "code": "version-table-disagrees", "severity": "warning",
                        "page": row["page_start"], "where": f"versions:{older}",
                        "message": f"{older} is {problem}"})
    return out
