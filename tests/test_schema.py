"""One definition of each fact: the schemas, the fields derived from them, the README's lists."""
from __future__ import annotations

import dataclasses
import re

from cleancorpus.pipeline.model import Document, Reject
from cleancorpus.pipeline.reasons import RejectReason, Stage
from cleancorpus.pipeline.schema import (
    DEDUP_DECIDED,
    DOCUMENT_FIELDS,
    DOCUMENTS,
    REJECT_FIELDS,
    REJECTS,
    STAGED,
    STAGED_REJECTS,
    STAMPED,
)
from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_document_and_reject_fields_come_from_the_schemas():
    assert [f.name for f in dataclasses.fields(Document)] == [*DOCUMENT_FIELDS, "removed_rules", "removed_lines"]
    assert [f.name for f in dataclasses.fields(Reject)] == list(REJECT_FIELDS)
    # every output column is staged or stamped or decided by dedup: nothing is left to inference
    assert set(DOCUMENTS.names) == set(DOCUMENT_FIELDS) | {"removed"} | set(STAMPED) | set(DEDUP_DECIDED)
    assert set(DOCUMENT_FIELDS) | {"removed"} <= set(STAGED.names)
    assert set(STAGED_REJECTS.names) - {"seq"} == set(REJECT_FIELDS)
    d = Document(doc_id="a", text="b", source_uri="c", source_format="text")
    assert d.title is None and d.n_words == 0 and d.removed_rules == [] and d.completeness == 0


def _readme_table(heading: str) -> list[tuple[str, str, str]]:
    """(column, type, nullable) rows of the README table under `heading`."""
    block = README.split(heading, 1)[1].split("\n\n", 2)
    lines = [s for s in "\n\n".join(block[:2]).splitlines() if s.startswith("| `")]
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[0].strip("`"), cells[1].strip("`"), cells[2]))
    return rows


def test_readme_column_tables_match_the_schema():
    for heading, schema in (("### documents/ columns", DOCUMENTS), ("### rejects/ columns", REJECTS)):
        assert _readme_table(heading) == [(f.name, str(f.type), "yes" if f.nullable else "no") for f in schema], heading


def test_readme_lists_exactly_the_reject_reasons():
    line = next(s for s in README.splitlines() if s.startswith("Reject reasons:"))
    assert re.findall(r"`([a-z_]+)`", line) == [r.value for r in RejectReason]


def test_reasons_written_by_the_pipeline_are_enum_members(seeds_out):
    from conftest import read

    out, _ = seeds_out
    for row in read(out, "rejects"):
        assert row["reason"] in set(RejectReason) and row["stage"] in set(Stage)
