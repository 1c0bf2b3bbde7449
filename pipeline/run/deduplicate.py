"""The dedup stage: one step over the whole run, deciding every staged document.

It reads the run's staged signatures, asks dedup/decisions.py to decide each document
against the run and the persistent index (texts of earlier runs are read from their
documents files to confirm a candidate), and leaves per-shard decision files and the run's
index rows for the write and commit stages. `cleancorpus explain --output DIR` calls
`decide` the same way for one document.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline.config import Config
from cleancorpus.pipeline.dedup.compare import Compared
from cleancorpus.pipeline.dedup.decisions import NO_DATE, DedupResult, RunCandidates, deduplicate
from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.dedup.signatures import fold, shingle_set
from cleancorpus.pipeline.dedup.view import article_view, facts, view_share
from cleancorpus.pipeline.run import staging
from cleancorpus.pipeline.run.plan import RunPlan
from cleancorpus.pipeline.run.process import variants_for
from cleancorpus.pipeline.run.state import Layout, empty_table
from cleancorpus.pipeline.schema import DECISIONS, GROWTH, STAGED

DEDUP_COLUMNS = ["seq", "doc_id", "text_hash", "published_at", "title", "author", "url", "domain", "n_words", "signature",
                 "n_shingles"]


def run_candidates(t: pa.Table, num_perm: int) -> RunCandidates:
    """The columns dedup decides on, from staged rows (DEDUP_COLUMNS)."""
    n = len(t)
    pub = pc.fill_null(pc.cast(t.column("published_at"), pa.int64()), NO_DATE).to_numpy(zero_copy_only=False).astype(np.int64)
    comp = sum(np.array(pc.is_valid(t.column(c)).to_pylist(), dtype=np.int8) for c in ("title", "author", "published_at", "url"))
    sig = t.column("signature").combine_chunks().flatten().to_numpy().reshape(n, num_perm).astype(np.uint32)
    return RunCandidates(
        doc_id=np.array(t.column("doc_id").to_pylist(), dtype=object),
        hash64=np.array([int(h[:16], 16) for h in t.column("text_hash").to_pylist()], dtype=np.uint64), published=pub,
        completeness=comp.astype(np.int8), n_words=t.column("n_words").to_numpy().astype(np.int32), sig=sig,
        n_shingles=t.column("n_shingles").to_numpy().astype(np.int32),
    )


def decide(root: Path, remote: str | None, cfg: Config, run: RunCandidates,
           run_sets: Callable[[int], Compared], run_group: Callable[[int], Any]) -> tuple[DedupResult, int]:
    """Decide every run row against the run and the output's index; (result, index size).

    run_sets(x) gives run row x's shingle set and run_group(x) names where it lives, so sets
    are read a file at a time; earlier runs' texts are read a documents file at a time.
    """
    index, index_files = load_index(Layout(root), cfg.dedup.bands)
    variants = variants_for(cfg)
    n = len(run)

    def load_sets(rows: list[int]) -> dict[int, Compared]:
        res: dict[int, Compared] = {}
        by_file: dict[str, list[int]] = {}
        for x in rows:
            if x < n:
                res[x] = run_sets(x)
            else:
                by_file.setdefault(str(index_files[x - n]), []).append(x)
        for f, xs in by_file.items():
            tt = _read_documents_file(root, remote, f)
            rows = {r["doc_id"]: r for r in tt.to_pylist()} if tt is not None else {}
            for x in xs:
                r = rows.get(str(index.doc_id[x - n]), {})
                res[x] = compared_from_text(r.get("text") or "", cfg, variants, r.get("domain"), r.get("title"))
        return res

    def group(x: int) -> tuple[str, Any]:
        return ("run", run_group(x)) if x < n else ("index", str(index_files[x - n]))

    # run rows are read one set at a time (cheap); earlier runs' texts a file at a time
    return deduplicate(run, index, cfg.dedup, load_sets, group, prefetch=lambda x: x >= n), len(index)


class _StagedSets:
    """What confirms a staged row (shingle set, facts, the share of its text they come from),
    read straight from its shard's files: nothing else is held. (os.pread: one call, no seek
    and no read-ahead buffer to throw away per set.)"""

    def __init__(self, shard_folders: list[str], where: list[tuple[int, int]], sites: list[str | None],
                 titles: list[str | None]) -> None:
        self.folders, self.where, self.sites, self.titles = shard_folders, where, sites, titles
        self.offsets: dict[tuple[int, str], list[int]] = {}
        self.handles: dict[tuple[int, str], int] = {}
        self.view_share: dict[int, np.ndarray] = {}

    def _read(self, si: int, ri: int, name: str) -> np.ndarray:
        key = (si, name)
        if key not in self.handles:
            self.offsets[key] = np.load(Path(self.folders[si]) / f"{name}_offsets.npy").tolist()
            self.handles[key] = os.open(Path(self.folders[si]) / f"{name}.bin", os.O_RDONLY)
        offs = self.offsets[key]
        return np.frombuffer(os.pread(self.handles[key], (offs[ri + 1] - offs[ri]) * 4, offs[ri] * 4), dtype=np.uint32)

    def __call__(self, x: int) -> Compared:
        si, ri = self.where[x]
        if si not in self.view_share:
            self.view_share[si] = np.load(Path(self.folders[si]) / "view_share.npy")
        return Compared(self._read(si, ri, "sets"), self._read(si, ri, "facts"),
                        float(self.view_share[si][ri]), self.sites[x], self.titles[x])

    def close(self) -> None:
        for fd in self.handles.values():
            os.close(fd)


def compared_from_text(text: str, cfg: Config, variants: dict[str, str], site: str | None = None,
                       title: str | None = None) -> Compared:
    """What confirms an earlier run's document, from its text as published (documents/ or
    state/dedup_texts/): the same view the process stage took of it."""
    view = article_view(text)
    return Compared(shingle_set(fold(view, variants), cfg.dedup.shingle_size), facts(view), view_share(view, text),
                    site, title)


def deduplicate_run(plan: RunPlan, shard_folders: list[str]) -> dict[str, Any]:
    """Global step: decide every candidate against this run and the persistent index.

    Staged shards in a store (run/staging.py) are read from it: the columns decided on, and a
    local copy of the sets that confirm pairs (read a set at a time)."""
    cfg = plan.config()
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    tables, where = [], []
    for si, folder in enumerate(shard_folders):
        t = staging.read_staged(folder, "docs.parquet", DEDUP_COLUMNS)
        tables.append(t)
        where.extend((si, r) for r in range(len(t)))
    t = pa.concat_tables(tables) if tables else empty_table(STAGED.select(DEDUP_COLUMNS))
    n = len(t)
    if not cfg.dedup.enabled or n == 0:
        ids = t.column("doc_id").to_pylist()
        _write_decisions(plan, where, len(shard_folders), {"doc_id": ids, "status": ["kept"] * n, "cluster": ids,
                         "cluster_size": [1] * n, "duplicate_of": [None] * n, "similarity": [None] * n})
        return {"candidates": n, "kept": n, "duplicates": 0}
    run = run_candidates(t, cfg.dedup.num_perm)
    local_folders = [str(staging.fetch(plan, f, staging.DEDUP_FILES)) for f in shard_folders]
    sets = _StagedSets(local_folders, where, t.column("domain").to_pylist(), t.column("title").to_pylist())
    try:
        result, index_size = decide(plan.layout.root, plan.remote, cfg, run, sets, lambda x: where[x][0])
    finally:
        sets.close()
    d = result.decisions
    _write_decisions(plan, where, len(shard_folders), {
        "doc_id": result.doc_ids, "status": [x.status for x in d], "cluster": [x.cluster for x in d],
        "cluster_size": [x.cluster_size for x in d], "duplicate_of": [x.duplicate_of for x in d],
        "similarity": [x.similarity for x in d],
    })
    # every document of the run goes into the index: kept ones as themselves, duplicates
    # pointing to their representative (their texts are kept in state/dedup_texts/); a record
    # sent again unchanged is there already
    fresh = [i for i, x in enumerate(d) if x.status != "unchanged"]
    indexed = pa.table({
        "doc_id": [result.doc_ids[i] for i in fresh], "hash64": pa.array(run.hash64[fresh], pa.uint64()),
        "cluster_size": pa.array([d[i].cluster_size for i in fresh], pa.int32()),
        "rep": [None if d[i].status == "kept" else d[i].cluster for i in fresh],
    })
    pq.write_table(indexed, plan.run_dir / "indexed.parquet")
    np.save(plan.run_dir / "bands.npy", result.index_bands[fresh])
    growth = pa.Table.from_pylist([{"doc_id": k, "added": v} for k, v in sorted(result.index_growth.items())], schema=GROWTH)
    pq.write_table(growth, plan.run_dir / "growth.parquet")
    unchanged = n - len(fresh)
    dups = sum(1 for x in d if x.status in ("exact_duplicate", "near_duplicate"))
    return {"candidates": n, "kept": n - dups - unchanged, "duplicates": dups, "unchanged": unchanged,
            "pairs_checked": result.pairs_checked, "pairs_confirmed": result.pairs_confirmed, "index_size": index_size}


def _write_decisions(plan: RunPlan, where: list[tuple[int, int]], n_shards: int, cols: dict[str, list[Any]]) -> None:
    """One decisions file per shard, rows in the shard's staged order, so writers stream."""
    rows_of: list[list[int]] = [[] for _ in range(n_shards)]
    for r, (si, _) in enumerate(where):
        rows_of[si].append(r)
    for si, rows in enumerate(rows_of):
        t = pa.table({k: [v[r] for r in rows] for k, v in cols.items()}, schema=DECISIONS)
        pq.write_table(t, plan.run_dir / staging.decisions_name(si))
    staging.put_decisions(plan, n_shards)


def _read_documents_file(root: Path, remote: str | None, rel: str) -> pa.Table | None:
    """doc_id and text (and title and domain: a documents/ file has them, a dedup_texts/ one
    not) of an earlier run's file, from the output or its remote."""
    if remote:
        from cleancorpus.pipeline.inputs.remote import Remote

        try:
            with Remote(remote).open(rel) as f:
                return _texts(pq.read_table(f))
        except FileNotFoundError:
            return None
    p = root / rel
    return _texts(pq.read_table(p)) if p.exists() else None


def _texts(t: pa.Table) -> pa.Table:
    return t.select([c for c in ("doc_id", "text", "title", "domain") if c in t.column_names])
