"""The commit stage: publish a run's data files, state segments and summary in one journal.

Nothing a run wrote is visible before this step; after it, all of it is (run/state.py's
journal makes the renames all-or-nothing, even across a kill -9).
"""
from __future__ import annotations

import json
import platform
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline import __version__
from cleancorpus.pipeline.config import Config
from cleancorpus.pipeline.run import staging
from cleancorpus.pipeline.run.plan import RunPlan, code_fingerprint
from cleancorpus.pipeline.run.state import commit, empty_table, remove_tree, stored_files, write_segment
from cleancorpus.pipeline.schema import LEDGER, LINES, index_schema


def versions() -> dict[str, str]:
    """What made the rows: the library's version and its code fingerprint (its code and shipped
    model files, which a retrain changes under the same version number), and the libraries'."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"cleancorpus": __version__, "code": code_fingerprint(), "python": platform.python_version()}
    for pkg in ("trafilatura", "lxml", "pyarrow", "prefect", "numpy", "regex", "ftfy", "py3langid", "lightgbm"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def models_used(cfg: Config) -> dict[str, str | None]:
    """The learned models a run's pages went through, by version (None: switched off): the
    boilerplate and page-type models for HTML, the line and text-kind models for flat text."""
    from cleancorpus.pipeline.cleaning.line_model import active_line_model
    from cleancorpus.pipeline.cleaning.text_kind import active_text_kind
    from cleancorpus.pipeline.extraction.boilerplate_model import active_models
    from cleancorpus.pipeline.extraction.page_type import VERSION as PAGE_TYPE_VERSION

    (main, bare), lines, kind = active_models(cfg.extract), active_line_model(cfg.clean), active_text_kind(cfg.clean)
    return {"boilerplate": main.version if main else None, "boilerplate_bare": bare.version if bare else None,
            "page_type": PAGE_TYPE_VERSION,
            "lines": lines.version if lines else None, "text_kind": kind.version if kind else None}


def commit_run(plan: RunPlan, process_stats: list[dict[str, Any]], dedup_stats: dict[str, Any],
               write_stats: list[dict[str, Any]], finished: datetime | None = None,
               seconds: dict[str, float] | None = None) -> dict[str, Any]:
    """Publish the run: data files, then state segments and the run summary, in one journal.

    With a stage, the written files and the shards' ledger and lines are first read from the
    store (run/staging.py); the commit itself is the same."""
    cfg = plan.config()
    layout = plan.layout
    run_dir = plan.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    staging.fetch_written(plan, write_stats)
    written = [rel for ws in write_stats for rel in ws["files"]]
    moves = [(run_dir / "out" / rel, layout.root / rel) for rel in written]
    seg = f"{plan.run_id}.parquet"
    folders = [staging.fetch(plan, p["folder"], staging.COMMIT_FILES) for p in process_stats]
    ledger = pa.concat_tables([pq.read_table(f / "ledger.parquet", schema=LEDGER) for f in folders]) if folders else empty_table(LEDGER)
    ledger = ledger.set_column(ledger.schema.get_field_index("run_id"), "run_id", pa.array([plan.run_id] * len(ledger), pa.string()))
    staged_state: list[tuple[pa.Table, str]] = [(ledger, "ledger"), (_run_lines(folders), "lines")]
    indexed_path = run_dir / "indexed.parquet"
    if indexed_path.exists() and cfg.dedup.enabled:
        rows = pq.read_table(indexed_path)
        bands = np.load(run_dir / "bands.npy", mmap_mode="r")  # read as the band-range files are written
        idx = pa.table({
            "doc_id": rows.column("doc_id"), "hash64": rows.column("hash64"),
            "bands": pa.FixedSizeListArray.from_arrays(pa.array(bands.reshape(-1), pa.uint32()), cfg.dedup.bands),
            "cluster_size": rows.column("cluster_size"),
            "doc_file": _doc_files(run_dir / "out", written, rows.column("doc_id")),
            "rep": rows.column("rep"),
        }, schema=index_schema(cfg.dedup.bands))
        staged_state.append((idx, "dedup"))
        growth = pq.read_table(run_dir / "growth.parquet")
        if len(growth):
            staged_state.append((growth, "dedup_growth"))
    for table, kind in staged_state:
        for kind_, name, part in stored_files(kind, table, seg):
            tmp = run_dir / "state" / kind_ / name
            write_segment(part, kind_, tmp)
            moves.append((tmp, layout.segments(kind_) / name))
    summary = run_summary(plan, process_stats, dedup_stats, write_stats, finished, seconds)
    summ_tmp = run_dir / "summary.json"
    summ_tmp.write_text(json.dumps(summary, indent=2))
    moves.append((summ_tmp, layout.runs / f"{plan.run_id}.json"))
    commit(layout, moves)
    # everything under work/ is now committed or stale (the lock is held: no other run uses it)
    remove_tree(layout.work)
    return summary


def _run_lines(folders: list[Path]) -> pa.Table:
    """The run's learned lines: each (source, line) with the documents of every shard that
    hold it, summed by Arrow's group-by (a run's distinct lines are millions), in key order."""
    t = pa.concat_tables([pq.read_table(f / "lines.parquet", schema=LINES) for f in folders]) if folders \
        else LINES.empty_table()
    agg = t.group_by(["source_key", "line_hash"]).aggregate([("n_docs", "sum")])
    agg = agg.sort_by([("source_key", "ascending"), ("line_hash", "ascending")])
    return pa.table([agg.column("source_key"), agg.column("line_hash"), agg.column("n_docs_sum").cast(pa.int32())],
                    schema=LINES)


def _doc_files(out: Path, rels: list[str], doc_ids: pa.ChunkedArray) -> pa.Array:
    """The written file holding each document's text ("" for none), found by Arrow's hash
    lookup over the files' doc_id columns (the last file wins, as files are listed)."""
    files = [(rel, pq.read_table(out / rel, columns=["doc_id"]).column("doc_id"))
             for rel in reversed(rels) if rel.startswith(("documents/", "state/dedup_texts/"))]
    if not files or not len(doc_ids):
        return pa.array([""] * len(doc_ids), pa.string())
    ids = pa.chunked_array([c for _, col in files for c in col.chunks], pa.string())
    names = pa.chunked_array([pa.repeat(pa.scalar(rel, pa.string()), len(col)) for rel, col in files], pa.string())
    at = pc.index_in(doc_ids, value_set=ids.combine_chunks())
    return pc.fill_null(pc.take(names, at), "").combine_chunks()


def run_summary(plan: RunPlan, process_stats: list[dict[str, Any]], dedup_stats: dict[str, Any],
                write_stats: list[dict[str, Any]], finished: datetime | None,
                seconds: dict[str, float] | None = None) -> dict[str, Any]:
    reasons: Counter[str] = Counter()
    for ws in write_stats:
        reasons.update(ws["reasons"])
    stage_in = sum(p.get("inputs", 0) for p in process_stats)
    docs = sum(w["documents"] for w in write_stats)
    rej = sum(w["rejects"] for w in write_stats)
    # records of a changed file that an earlier run already wrote, sent again unchanged: skipped
    # like an unchanged file, so they are not inputs this run saw
    again = sum(w.get("unchanged_records", 0) for w in write_stats)
    stage_in -= again
    return {
        "run_id": plan.run_id, "config_hash": plan.config_hash, "versions": versions(),
        "models": models_used(plan.config()),
        "started_at": plan.started_at, "finished_at": (finished or datetime.now(timezone.utc)).isoformat(),
        "output": plan.output, "shards": len(plan.shards),
        "inputs_skipped_unchanged": plan.skipped_unchanged + sum(p.get("unchanged", 0) for p in process_stats),
        "records_skipped_unchanged": again,
        "input_problems": list(plan.problems),
        "counts": {
            "inputs_seen": stage_in, "documents": docs, "rejects": rej,
            "after_extract_clean": sum(p.get("candidates", 0) for p in process_stats),
            "after_dedup": dedup_stats.get("kept", 0),
        },
        "rejects_by_reason": dict(sorted(reasons.items())),
        "dedup": {k: v for k, v in dedup_stats.items() if k != "decisions"},
        "invariant_holds": stage_in == docs + rej,
        "seconds": {k: round(v, 2) for k, v in (seconds or {}).items()},  # wall time of each stage before commit
    }
