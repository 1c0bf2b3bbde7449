"""A shard's staged rows: cleaned documents and rejects as Arrow tables, before dedup.

Built column by column from the schema's field lists (schema.STAGED, schema.STAGED_REJECTS),
so a document field added to the schema is staged without an edit here.
"""
from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleancorpus.pipeline.model import Document, Reject
from cleancorpus.pipeline.schema import DOCUMENT_FIELDS, REJECT_FIELDS, REMOVED_TYPE, STAGED, STAGED_REJECTS


def removed_column(docs: list[Document]) -> pa.Array:
    """The list<struct<rule, text>> column from two flat string arrays and the offsets.

    A flat page sheds over a hundred lines: Arrow's conversion of nested tuples walks each one
    as a struct (95 ms a window of 2,000 pages), two flat string lists cost a quarter of that.
    """
    lengths = np.fromiter((len(d.removed_rules) for d in docs), dtype=np.int32, count=len(docs))
    offsets = np.zeros(len(docs) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    rules = pa.array(list(chain.from_iterable(d.removed_rules for d in docs)), pa.string())
    texts = pa.array(list(chain.from_iterable(d.removed_lines for d in docs)), pa.string())
    items = pa.StructArray.from_arrays([rules, texts], fields=list(REMOVED_TYPE.value_type))
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=REMOVED_TYPE)


def staged_table(kept: list[tuple[int, Document, str]], sigs: np.ndarray | None, n_sh: np.ndarray | None) -> pa.Table:
    """The staged rows of a window, built column by column: the signatures go in as one numpy
    block, not 120 Python ints a document, and no per-row dict is made."""
    n = len(kept)
    cols: dict[str, Any] = {"seq": [seq for seq, _, _ in kept], "source_key": [key for _, _, key in kept]}
    for attr in DOCUMENT_FIELDS:
        cols[attr] = [getattr(d, attr) for _, d, _ in kept]
    cols["removed"] = removed_column([d for _, d, _ in kept])
    if sigs is not None and n:
        offsets = pa.array(np.arange(0, (n + 1) * sigs.shape[1], sigs.shape[1], dtype=np.int32))
        cols["signature"] = pa.ListArray.from_arrays(offsets, pa.array(sigs.ravel(), pa.uint32()))
        cols["n_shingles"] = pa.array(n_sh.astype(np.int32))
    else:
        cols["signature"] = pa.nulls(n, STAGED.field("signature").type)
        cols["n_shingles"] = pa.array(np.zeros(n, dtype=np.int32))
    return pa.Table.from_arrays([cols[f.name] if isinstance(cols[f.name], pa.Array) else pa.array(cols[f.name], f.type)
                                 for f in STAGED], schema=STAGED)


def reject_row(seq: int, r: Reject) -> dict[str, Any]:
    """A staged rejects row: the reject's fields and its place in the shard."""
    return {"seq": seq, **{k: getattr(r, k) for k in REJECT_FIELDS}}


class ShardWriter:
    """Streams staged rows of one shard to Parquet in row groups, so memory stays flat.

    LZ4, not zstd: staged files live until the run commits, and are read back whole by the write
    stage; on the text benchmark lz4 writes them 10% and reads them twice as fast, 45% larger."""

    def __init__(self, folder: Path) -> None:
        self.docs = pq.ParquetWriter(folder / "docs.parquet", STAGED, compression="lz4")
        self.rejects = pq.ParquetWriter(folder / "rejects.parquet", STAGED_REJECTS, compression="lz4")

    def write(self, docs: pa.Table | None, rejects: list[dict[str, Any]]) -> None:
        if docs is not None and len(docs):
            self.docs.write_table(docs)
        if rejects:
            self.rejects.write_table(pa.Table.from_pylist(rejects, schema=STAGED_REJECTS))

    def close(self) -> None:
        self.docs.close()
        self.rejects.close()
