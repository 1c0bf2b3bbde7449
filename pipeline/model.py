"""The records that flow between stages, with their fields taken from the Arrow schemas.

`Document` and `Reject` are slotted dataclasses generated from `schema.DOCUMENT_FIELDS` and
`schema.REJECT_FIELDS`, so a column added to the output schema is a field here without a
second list to keep in step; every field is keyword-only. `RawRecord` and `SourceMeta` are
what readers produce before extraction and are not written out as such.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from cleancorpus.pipeline.schema import DOCUMENT_FIELDS, DOCUMENTS, REJECT_FIELDS, REJECTS


@dataclass(slots=True)
class SourceMeta:
    """Metadata that arrived with an input record (JSONL/Parquet fields, WARC headers)."""

    id: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None


@dataclass(slots=True)
class RawRecord:
    """One input document before extraction: either html or text is set."""

    source_uri: str
    source_record: str | None
    source_format: str  # html, text, warc, jsonl, parquet
    html: str | None = None
    text: str | None = None
    meta: SourceMeta = field(default_factory=SourceMeta)

    @property
    def doc_id(self) -> str:
        return make_doc_id(self.meta.url, self.source_uri, self.meta.id or self.source_record)


# One removed line: (the rule or signal that removed it, the line).
Removed = tuple[str, str]

# Non-nullable columns a stage computes after the record is made, and their starting values.
_COMPUTED = {"text_hash": "", "n_words": 0}


def _python_type(t: pa.DataType) -> type:
    if pa.types.is_timestamp(t):
        return datetime
    if pa.types.is_integer(t):
        return int
    if pa.types.is_floating(t):
        return float
    return str


def _fields(schema: pa.Schema, names: tuple[str, ...]) -> list[tuple[str, Any, Any]]:
    """(name, type, field) for make_dataclass: required when the column may not be null and no
    stage computes it later, else defaulting to None (or the computed field's start value)."""
    out = []
    for name in names:
        f = schema.field(name)
        typ = _python_type(f.type)
        if name in _COMPUTED:
            out.append((name, typ, field(default=_COMPUTED[name])))
        elif f.nullable:
            out.append((name, typ | None, field(default=None)))
        else:
            out.append((name, typ, field()))
    return out


class _DocumentMethods:
    def remove(self, rule: str, line: str) -> None:
        self.removed_rules.append(rule)  # type: ignore[attr-defined]
        self.removed_lines.append(line)  # type: ignore[attr-defined]

    @property
    def completeness(self) -> int:
        """How many of the metadata fields are known; used to pick a cluster's representative."""
        return sum(getattr(self, k) is not None for k in ("title", "author", "published_at", "url"))


# The removed lines as two parallel lists, rule i removed line i: a flat page sheds 150 menu
# lines, which filter() and compress() take out of the marks at C speed, with no tuple a line,
# and which go to Arrow as two flat string arrays (the `removed` column).
Document = dataclasses.make_dataclass(
    "Document",
    _fields(DOCUMENTS, DOCUMENT_FIELDS)
    + [("removed_rules", list[str], field(default_factory=list)), ("removed_lines", list[str], field(default_factory=list))],
    bases=(_DocumentMethods,), slots=True, kw_only=True,
)
Document.__doc__ = "A cleaned document before dedup: the documents/ columns but those a run stamps or dedup decides."

Reject = dataclasses.make_dataclass("Reject", _fields(REJECTS, REJECT_FIELDS), slots=True, kw_only=True)
Reject.__doc__ = "An input not kept, with the stage and reason (see reasons.RejectReason) and a detail for people."
Document.__module__ = Reject.__module__ = __name__  # for pickling between processes (make_dataclass has no module= before 3.12)


def make_doc_id(url: str | None, source_uri: str, record: str | None) -> str:
    """Stable id from the source identity: the URL when known, else file + record id.

    Never a row position: the same input gives the same id in every run and shard layout.
    """
    key = f"url:{url.strip()}" if url else f"src:{source_uri}#{record or ''}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
