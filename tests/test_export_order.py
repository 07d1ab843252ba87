"""Export puts whole documents in code order instead of sorting the catalogue's rows again:
the result must be exactly the catalogue sorted by key."""

from __future__ import annotations

import dataclasses

from pipeline.export import assemble
from pipeline.order import natural_key, sort_rows
from pipeline.records import Source, TableSet
from pipeline.spec import TABLES
from tests.conftest import SAMPLE, V5, run_stages


def _renamed(doc: TableSet, code: str) -> TableSet:
    """The document as another standard: its code on every row, its own source file."""
    tables = {name: [{**r, "standard_code": code} if "standard_code" in r else r for r in rows]
              for name, rows in doc.tables.items()}
    tables["standards"] = [{**r, "source_file": f"{code}.txt"} for r in tables["standards"]]
    source: Source = dataclasses.replace(doc.source, file=f"{code}.txt", sha256=code)
    return TableSet(source, tables, doc.findings, doc.is_rejected)


def test_the_assembled_catalogue_is_in_key_order() -> None:
    v4, v5 = run_stages(SAMPLE), run_stages(V5)
    # Codes whose natural order differs from their text order (…-2 before …-10), files named
    # in yet another order, and a rejected document keeping its previous rows.
    docs = [v4, v5, _renamed(v4, "ABC0000-10v1"), _renamed(v4, "ABC0000-2v1")]
    tables, _entries = assemble(docs, {})
    kept = _renamed(v4, "ABC0000-9v1")
    rejected = TableSet(dataclasses.replace(kept.source, sha256="changed"), kept.tables,
                        kept.findings, True)
    again, _ = assemble([*docs, kept], {})
    tables, entries = assemble([*docs, rejected], again)
    assert [e.status for e in entries if e.source_file == "ABC0000-9v1.txt"] == ["rejected"]
    for table in TABLES:
        assert tables[table.name] == sort_rows(table, tables[table.name]), table.name
    codes = [r["standard_code"] for r in tables["standards"]]
    assert codes == sorted(codes, key=natural_key)
    assert codes.index("ABC0000-2v1") < codes.index("ABC0000-9v1") < codes.index("ABC0000-10v1")
    assert tables == again  # the rejected document kept exactly its previous rows
