"""Every Arrow schema cleancorpus writes, declared once and never inferred.

Output (`documents/`, `rejects/`: what consumers read), staged (between the stages of one run,
under `state/work/`) and state (`state/`: kept between runs). The document's fields in
`model.py`, the staged columns and the rows the stages build are all derived from these
declarations, so a new column is one edit here (and a line where its value is computed).

Bump SCHEMA_VERSION (and write a migration note in the README) when an output column changes;
bump STATE_VERSIONS[kind] and add a migration in `run/state.py` when a state segment changes.
"""
from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "3"  # 2: rejects.dup_cluster_size; 3: documents.page_type
_META = {b"cleancorpus.schema_version": SCHEMA_VERSION.encode()}
TS = pa.timestamp("us", tz="UTC")

REMOVED_TYPE = pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())]))

# ---------------------------------------------------------------- output

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
        pa.field("page_type", pa.string()),
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

# Columns a run stamps on every row when it writes them, and the ones dedup decides.
STAMPED = ("run_id", "ingested_at")
DEDUP_DECIDED = ("dup_cluster", "dup_cluster_size")

# The fields a cleaned document carries before dedup (model.Document is built from this list):
# every documents/ column but the stamped and dedup-decided ones; `removed` is held as two lists.
DOCUMENT_FIELDS = tuple(n for n in DOCUMENTS.names if n not in STAMPED + DEDUP_DECIDED + ("removed",))
# The fields of a reject as a stage makes it (model.Reject); dup_cluster_size is set by dedup.
REJECT_FIELDS = tuple(n for n in REJECTS.names if n not in STAMPED + ("dup_cluster_size",))

# ---------------------------------------------------------------- staged (one run, state/work/)

STAGED = pa.schema(
    [pa.field("seq", pa.int64(), nullable=False)]  # order of the record in its shard, for stable output order
    + [DOCUMENTS.field(n) for n in DOCUMENT_FIELDS]
    + [pa.field("source_key", pa.string(), nullable=False),  # domain, or folder when there is no URL
       DOCUMENTS.field("removed"),
       pa.field("signature", pa.list_(pa.uint32())), pa.field("n_shingles", pa.int32())]
)

STAGED_REJECTS = pa.schema([pa.field("seq", pa.int64(), nullable=False)] + [REJECTS.field(n) for n in REJECT_FIELDS])

# dedup's decision on each staged document, one file per shard in its staged order
DECISIONS = pa.schema([("doc_id", pa.string()), ("status", pa.string()), ("cluster", pa.string()),
                       ("cluster_size", pa.int32()), ("duplicate_of", pa.string()), ("similarity", pa.float64())])
# the run's rows for the index (all but those sent again unchanged), left by dedup for the commit
INDEXED = pa.schema([("doc_id", pa.string()), ("hash64", pa.uint64()), ("cluster_size", pa.int32()), ("rep", pa.string())])

# ---------------------------------------------------------------- state (kept between runs)

LEDGER = pa.schema([("uri", pa.string()), ("size", pa.int64()), ("mtime", pa.float64()), ("content_hash", pa.string()),
                    ("run_id", pa.string())])
LINES = pa.schema([("source_key", pa.string()), ("line_hash", pa.uint64()), ("n_docs", pa.int32())])
GROWTH = pa.schema([("doc_id", pa.string()), ("added", pa.int32())])
# texts of rejected duplicates: a later copy is confirmed against them
DUP_TEXTS = pa.schema([("doc_id", pa.string()), ("text", pa.string())])


# The dedup index: a row per document a run decided on (kept, or folded into `rep`). Its LSH
# band keys are stored apart, partitioned by band range (INDEX_BAND_PARTS files per run, rows in
# the segment's order), so that a lookup reads only its bands' files.
INDEX = pa.schema([("doc_id", pa.string()), ("hash64", pa.uint64()), ("cluster_size", pa.int32()),
                   ("doc_file", pa.string()), ("rep", pa.string())])
INDEX_BAND_PARTS = 8


def index_schema(bands: int) -> pa.Schema:
    """The index with its band keys in one column, as a run builds it (before it is stored
    partitioned) and as format 2 stored it."""
    return pa.schema([INDEX.field("doc_id"), INDEX.field("hash64"), pa.field("bands", pa.list_(pa.uint32(), bands)),
                      INDEX.field("cluster_size"), INDEX.field("doc_file"), INDEX.field("rep")])


def band_ranges(bands: int) -> list[tuple[int, int]]:
    """The band ranges [lo, hi) the index is stored in: INDEX_BAND_PARTS near-equal ones."""
    parts = max(1, min(INDEX_BAND_PARTS, bands))
    bounds = [bands * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def band_part_schema(width: int) -> pa.Schema:
    """One band range of the index: the keys of `width` bands per row."""
    return pa.schema([pa.field("bands", pa.list_(pa.uint32(), width))])


# The format version of each kind of state segment, written into the segment's metadata.
# Segments written before versions existed read as version 1. 2: the dedup index's `rep` column.
# 3: the index's band keys moved to dedup_bands/, a file per band range.
STATE_VERSIONS = {"ledger": 2, "lines": 2, "dedup": 3, "dedup_bands": 1, "dedup_growth": 2, "dedup_texts": 2}


def state_metadata(kind: str) -> dict[bytes, bytes]:
    return {b"cleancorpus.state_kind": kind.encode(), b"cleancorpus.state_version": str(STATE_VERSIONS[kind]).encode()}
