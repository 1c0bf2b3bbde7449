"""The write stage: a shard's final rows, streamed in row groups under the run's work folder.

Kept documents go to documents/, rejects (the shard's and dedup's duplicates) to rejects/,
and the texts of rejected duplicates to state/dedup_texts/ (a later copy is confirmed against
them). Files are finished under temporary names and only made visible by the commit.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline.reasons import Stage
from cleancorpus.pipeline.run import staging
from cleancorpus.pipeline.run.plan import RunPlan, Shard
from cleancorpus.pipeline.schema import DOCUMENTS, DUP_TEXTS, REJECTS, STAGED, state_metadata


def _partition(plan: RunPlan) -> str:
    return f"ingest_date={plan.started.strftime('%Y-%m-%d')}"


def write_shard(plan: RunPlan, shard: Shard, shard_folder: str) -> dict[str, Any]:
    """Final rows of one shard, streamed in row groups, under the run's work folder until commit.

    With a stage (run/staging.py), the staged shard and its decisions are read from the store
    into a scratch folder of this machine's, and the files written go to the store."""
    if plan.stage is None:
        return _write(plan, shard, Path(shard_folder), plan.run_dir / staging.decisions_name(shard.shard_id),
                      plan.run_dir / "out")
    with staging.scratch(plan, f"write-{plan.run_id}-{shard.shard_id:05d}") as tmp:
        staging.get_files(shard_folder, staging.WRITE_FILES, tmp / "staged")
        dec = staging.decisions_name(shard.shard_id)
        staging.get_files(plan.run_url, [dec], tmp)
        result = _write(plan, shard, tmp / "staged", tmp / dec, tmp / "out")
        staging.put_files(tmp / "out", result["files"], f"{plan.run_url}/out")
    return result


def _write(plan: RunPlan, shard: Shard, folder: Path, decisions_file: Path, out: Path) -> dict[str, Any]:
    ingested = plan.started
    name = f"part-{plan.run_id}-{shard.shard_id:05d}.parquet"
    docs_w = _StreamingFile(out / "documents" / _partition(plan) / name, DOCUMENTS)
    rej_w = _StreamingFile(out / "rejects" / _partition(plan) / name, REJECTS)
    dup_w = _StreamingFile(out / "state" / "dedup_texts" / name, DUP_TEXTS.with_metadata(state_metadata("dedup_texts")))
    reasons: Counter[str] = Counter()
    stamp = {"run_id": plan.run_id, "ingested_at": ingested}
    for batch in pq.ParquetFile(folder / "rejects.parquet").iter_batches(batch_size=2000):
        rows = [{**r, **stamp} for r in batch.to_pylist()]
        reasons.update(r["reason"] for r in rows)
        rej_w.write(rows)
    # the shard's decisions, in its staged order: a few small columns a document
    decisions = pq.read_table(decisions_file)
    staged_file = pq.ParquetFile(folder / "docs.parquet")
    n_docs = start = 0
    for group in range(staged_file.num_row_groups):  # a window of the shard at a time
        # the removed lines (most of a staged file) are read only for a window that keeps a
        # document: in a run of copies most windows keep none (1.1 of 1.4 s at 100,000)
        staged = staged_file.read_row_group(group, columns=_STAGED_LIGHT)
        dec = decisions.slice(start, len(staged))
        start += len(staged)
        kept = pc.equal(dec.column("status"), "kept")
        if pc.any(kept).as_py():
            removed = staged_file.read_row_group(group, columns=["removed"]).column("removed")
            docs = _kept_documents(staged.append_column(STAGED.field("removed"), removed).filter(kept), dec.filter(kept), stamp)
            docs_w.write_table(docs)
            n_docs += len(docs)
        # duplicates go to rejects/ and their texts to state (only the columns those need are filtered)
        dropped = pc.is_in(dec.column("status"), pa.array(["exact_duplicate", "near_duplicate"]))  # not "unchanged"
        dup_rows = staged.select(["source_uri", "source_record", "title", "url", "text"]).filter(dropped)
        dup_dec = dec.filter(dropped)
        if len(dup_dec):
            rej_w.write_table(_duplicate_rejects(dup_rows, dup_dec, stamp))
            counted = pc.value_counts(dup_dec.column("status"))
            reasons.update(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))
        dup_w.write_table(pa.table({"doc_id": dup_dec.column("doc_id"), "text": dup_rows.column("text")}, schema=DUP_TEXTS))
    written = [p for p in (docs_w.close(out), rej_w.close(out), dup_w.close(out)) if p]
    unchanged = pc.sum(pc.equal(decisions.column("status"), "unchanged")).as_py() or 0
    return {"shard_id": shard.shard_id, "documents": n_docs, "unchanged_records": unchanged, "rejects": sum(reasons.values()), "files": written,
            "reasons": dict(reasons)}


_STAGED_LIGHT = [name for name in STAGED.names if name != "removed"]


def _duplicate_rejects(rows: pa.Table, dec: pa.Table, stamp: dict[str, Any]) -> pa.Table:
    """The rejects/ rows of duplicates, column by column: a run of copies makes tens of
    thousands of them, and a dict per row cost more than the rest of the write stage."""
    n = len(dec)
    status = dec.column("status")
    detail = pc.binary_join_element_wise(pc.replace_substring(status, "_", " "), " of ", dec.column("duplicate_of"),
                                         " (cluster of ", pc.cast(dec.column("cluster_size"), pa.string()), ")", "")
    cols = {
        "doc_id": dec.column("doc_id"), "stage": pa.array([Stage.DEDUP.value] * n, pa.string()), "reason": status, "detail": detail,
        "duplicate_of": dec.column("duplicate_of"), "similarity": dec.column("similarity"),
        "dup_cluster_size": dec.column("cluster_size"), **{k: pa.array([v] * n, REJECTS.field(k).type) for k, v in stamp.items()},
    }
    return pa.Table.from_arrays([cols[f.name] if f.name in cols else rows.column(f.name) for f in REJECTS], schema=REJECTS)


def _kept_documents(staged: pa.Table, dec: pa.Table, stamp: dict[str, Any]) -> pa.Table:
    """The documents/ rows of kept staged rows, column by column in Arrow: the text and the
    removed lines (a hundred structs a page) never become Python objects."""
    n = len(staged)
    from_decision = {"doc_id": "doc_id", "dup_cluster": "cluster", "dup_cluster_size": "cluster_size"}
    cols = []
    for f in DOCUMENTS:
        if f.name in from_decision:
            col = dec.column(from_decision[f.name])
        elif f.name in stamp:
            col = pa.array([stamp[f.name]] * n, f.type)
        else:
            col = staged.column(f.name)
        cols.append(col if col.type == f.type else col.cast(f.type))
    return pa.Table.from_arrays(cols, schema=DOCUMENTS)


class _StreamingFile:
    """A Parquet file written batch by batch under a temporary name; nothing is created if no rows come."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.writer: pq.ParquetWriter | None = None

    def write(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.write_table(pa.Table.from_pylist([{k: r.get(k) for k in self.schema.names} for r in rows], schema=self.schema))

    def write_table(self, table: pa.Table) -> None:
        if not len(table):
            return
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.writer.write_table(table)

    def close(self, root: Path) -> str | None:
        """Finish and rename into place; returns the path relative to root, or None when empty."""
        if self.writer is None:
            return None
        self.writer.close()
        with open(self.tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(self.tmp, self.path)
        return str(self.path.relative_to(root))
