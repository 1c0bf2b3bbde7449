"""The Arrow schemas of the output, declared once and never inferred.

Bump SCHEMA_VERSION (and write a migration note in the README) when a column changes.
"""
from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "2"  # 2: rejects.dup_cluster_size
_META = {b"cleancorpus.schema_version": SCHEMA_VERSION.encode()}
TS = pa.timestamp("us", tz="UTC")

REMOVED_TYPE = pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())]))

DOCUMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published_at", TS),
        pa.field("url", pa.string()),
        pa.field("domain", pa.string()),
        pa.field("language", pa.string()),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_record", pa.string()),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("text_hash", pa.string(), nullable=False),
        pa.field("dup_cluster", pa.string(), nullable=False),
        pa.field("dup_cluster_size", pa.int32(), nullable=False),
        pa.field("n_words", pa.int32(), nullable=False),
        pa.field("removed", REMOVED_TYPE),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("ingested_at", TS, nullable=False),
    ],
    metadata=_META,
)

REJECTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_record", pa.string()),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("similarity", pa.float64()),
        pa.field("dup_cluster_size", pa.int32()),  # duplicates: size of the cluster when this copy arrived
        pa.field("title", pa.string()),
        pa.field("url", pa.string()),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("ingested_at", TS, nullable=False),
    ],
    metadata=_META,
)

# Staged candidates between the shard stages (state/, not for consumers): a document before
# dedup, with what later stages need and nothing inferred.
def _doc_fields(*names: str) -> list[pa.Field]:
    return [DOCUMENTS.field(n) for n in names]


STAGED = pa.schema(
    [pa.field("seq", pa.int64(), nullable=False)]  # order of the record in its shard, for stable output order
    + _doc_fields("doc_id", "text", "title", "author", "published_at", "url", "domain", "language", "source_uri",
                  "source_record", "source_format")
    + [pa.field("source_key", pa.string(), nullable=False)]  # domain, or folder when there is no URL
    + _doc_fields("text_hash", "n_words", "removed")
    + [pa.field("signature", pa.list_(pa.uint32())), pa.field("n_shingles", pa.int32())]
)

STAGED_REJECTS = pa.schema([pa.field("seq", pa.int64(), nullable=False)]
                           + [f for f in REJECTS if f.name not in ("run_id", "ingested_at", "dup_cluster_size")])
