"""The records that flow between stages.

Typed dataclasses, not dicts: every field that ends up in Parquet has a declared type here
and a declared Arrow type in schema.py, so nothing is inferred from whatever the first
document happened to hold.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(slots=True)
class Document:
    doc_id: str
    text: str
    source_uri: str
    source_record: str | None
    source_format: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None
    domain: str | None = None
    language: str | None = None
    # the removed lines as two parallel lists, rule i removed line i: a flat page sheds 150 menu
    # lines, which filter() and compress() take out of the marks at C speed, with no tuple a
    # line, and which go to Arrow as two flat string arrays
    removed_rules: list[str] = field(default_factory=list)
    removed_lines: list[str] = field(default_factory=list)
    text_hash: str = ""
    n_words: int = 0

    def remove(self, rule: str, line: str) -> None:
        self.removed_rules.append(rule)
        self.removed_lines.append(line)

    @property
    def completeness(self) -> int:
        """How many of the metadata fields are known; used to pick a cluster's representative."""
        return sum(v is not None for v in (self.title, self.author, self.published_at, self.url))


@dataclass(slots=True)
class Reject:
    doc_id: str
    source_uri: str
    source_record: str | None
    stage: str
    reason: str
    detail: str
    duplicate_of: str | None = None
    similarity: float | None = None
    title: str | None = None
    url: str | None = None


def make_doc_id(url: str | None, source_uri: str, record: str | None) -> str:
    """Stable id from the source identity: the URL when known, else file + record id.

    Never a row position: the same input gives the same id in every run and shard layout.
    """
    key = f"url:{url.strip()}" if url else f"src:{source_uri}#{record or ''}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
